import type { Actor } from '@haven/domain';
import { personDecider, type ErasePersonalData, type ExportPersonalData } from './person.decider';

const context = (actor: Actor) => ({ actor, commandId: 'c1', now: '2026-12-02T10:00:00.000Z' });
const erase = (actor: Actor, userId = 'alice', keyIds = ['k1']): ErasePersonalData => ({ type: 'ErasePersonalData', data: { userId, keyIds }, context: context(actor) });
const exportOf = (actor: Actor, userId = 'alice'): ExportPersonalData => ({ type: 'ExportPersonalData', data: { userId, throughPosition: 42 }, context: context(actor) });
const ada: Actor = { userId: 'ada', role: 'admin' };

describe('person decider', () => {
  it('records who erased whose keys, and when', () => {
    expect(personDecider.decide(erase(ada), personDecider.initialState())).toEqual([
      { type: 'PersonalDataErased', data: { userId: 'alice', keyIds: ['k1'], by: 'ada', erasedAt: '2026-12-02T10:00:00.000Z' } },
    ]);
  });

  it('records who exported whose data, through which position, and when', () => {
    expect(personDecider.decide(exportOf(ada), personDecider.initialState())).toEqual([
      { type: 'PersonalDataExported', data: { userId: 'alice', throughPosition: 42, by: 'ada', exportedAt: '2026-12-02T10:00:00.000Z' } },
    ]);
  });

  it('is for admins only', () => {
    for (const role of ['participant', 'mentor', 'facilitator', 'clinician', 'family'] as const) {
      for (const command of [erase({ userId: 'x', role }), exportOf({ userId: 'x', role })]) {
        expect(() => personDecider.decide(command, personDecider.initialState())).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
      }
    }
  });

  it('records an erasure with nothing to erase, and a second one, and counts exports apart', () => {
    let state = personDecider.initialState();
    for (const command of [erase(ada, 'alice', []), erase(ada, 'alice', ['k2']), exportOf(ada)]) {
      const events = personDecider.decide(command, state);
      expect(events).toHaveLength(1);
      state = events.reduce(personDecider.evolve, state);
    }
    expect(state).toEqual({ erasures: 2, exports: 1, suspended: false, erasureRequestedAt: null, adminSeen: false });
  });
});

describe('suspending access', () => {
  const suspend = (actor: Actor, reason: unknown = 'threatened another participant', userId = 'alice') =>
    ({ type: 'SuspendAccess', data: { userId, reason: reason as string }, context: context(actor) }) as const;
  const reinstate = (actor: Actor, userId = 'alice') => ({ type: 'ReinstateAccess', data: { userId }, context: context(actor) }) as const;
  const suspended = { ...personDecider.initialState(), suspended: true };

  it('an admin suspends with a reason, trimmed, and reinstates; the same again appends nothing', () => {
    expect(personDecider.decide(suspend(ada, '  threatened another participant '), personDecider.initialState())).toEqual([
      { type: 'AccessSuspended', data: { userId: 'alice', reason: 'threatened another participant', by: 'ada', suspendedAt: '2026-12-02T10:00:00.000Z' } },
    ]);
    expect(personDecider.decide(suspend(ada), suspended)).toEqual([]);
    expect(personDecider.decide(reinstate(ada), suspended)).toEqual([
      { type: 'AccessReinstated', data: { userId: 'alice', by: 'ada', reinstatedAt: '2026-12-02T10:00:00.000Z' } },
    ]);
    expect(personDecider.decide(reinstate(ada), personDecider.initialState())).toEqual([]);
  });

  it('refuses anyone but an admin, an admin suspending themselves, and a blank or too long reason', () => {
    for (const role of ['participant', 'mentor', 'facilitator', 'clinician'] as const) {
      expect(() => personDecider.decide(suspend({ userId: 'x', role }), personDecider.initialState())).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
      expect(() => personDecider.decide(reinstate({ userId: 'x', role }), suspended)).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
    }
    expect(() => personDecider.decide(suspend(ada, 'x', 'ada'), personDecider.initialState())).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
    for (const reason of ['', '   ', 'x'.repeat(501), 42]) {
      expect(() => personDecider.decide(suspend(ada, reason), personDecider.initialState())).toThrow(expect.objectContaining({ code: 'PEOPLE.INVALID_REASON', details: { field: 'reason' } }));
    }
  });

  it('holds whether the person is suspended', () => {
    const events = personDecider.decide(suspend(ada), personDecider.initialState());
    expect(events.reduce(personDecider.evolve, personDecider.initialState()).suspended).toBe(true);
  });
});

describe("a person's own request for erasure", () => {
  const pat: Actor = { userId: 'pat', role: 'participant' };
  const own = (type: 'RequestErasure' | 'WithdrawErasureRequest', actor: Actor = pat, userId = actor.userId) =>
    ({ type, data: { userId }, context: context(actor) }) as const;
  const requested = { type: 'ErasureRequested', data: { userId: 'pat', requestedAt: '2026-12-02T10:00:00.000Z' } } as const;
  const fold = (events: readonly unknown[]) => events.reduce(personDecider.evolve as never, personDecider.initialState()) as ReturnType<typeof personDecider.initialState>;

  it('the person asks once while it is open, takes it back, and an erasure answers it', () => {
    expect(personDecider.decide(own('RequestErasure'), fold([]))).toEqual([requested]);
    expect(personDecider.decide(own('RequestErasure'), fold([requested]))).toEqual([]);
    expect(personDecider.decide(own('WithdrawErasureRequest'), fold([requested]))).toEqual([
      { type: 'ErasureRequestWithdrawn', data: { userId: 'pat', withdrawnAt: '2026-12-02T10:00:00.000Z' } },
    ]);
    expect(personDecider.decide(own('WithdrawErasureRequest'), fold([]))).toEqual([]);
    const erased = { type: 'PersonalDataErased', data: { userId: 'pat', keyIds: [], by: 'ada', erasedAt: '2026-12-02T11:00:00.000Z' } };
    expect(fold([requested, erased]).erasureRequestedAt).toBeNull();
  });

  it('only for oneself, and not as a family guest', () => {
    expect(() => personDecider.decide(own('RequestErasure', pat, 'bob'), fold([]))).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
    expect(() => personDecider.decide(own('RequestErasure', ada, 'pat'), fold([]))).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
    expect(() => personDecider.decide(own('RequestErasure', { userId: 'g1', role: 'family' }), fold([]))).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
  });
});

describe("an admin's connection noted", () => {
  const note = (actor: Actor, userId = actor.userId) => ({ type: 'NoteAdminSeen', data: { userId }, context: context(actor) }) as const;
  const seen = { type: 'AdminSeen', data: { userId: 'ada', seenAt: '2026-12-02T10:00:00.000Z' } } as const;
  const fold = (events: readonly unknown[]) => events.reduce(personDecider.evolve as never, personDecider.initialState()) as ReturnType<typeof personDecider.initialState>;

  it('once per admin, by that admin', () => {
    expect(personDecider.decide(note(ada), fold([]))).toEqual([seen]);
    expect(personDecider.decide(note(ada), fold([seen]))).toEqual([]);
  });

  it('never anyone but an admin, nor one admin for another', () => {
    for (const role of ['participant', 'mentor', 'facilitator', 'clinician', 'family'] as const) {
      expect(() => personDecider.decide(note({ userId: 'ada', role }), fold([]))).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
    }
    expect(() => personDecider.decide(note(ada, 'abe'), fold([]))).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
  });
});
