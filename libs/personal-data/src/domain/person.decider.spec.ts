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
    expect(state).toEqual({ erasures: 2, exports: 1 });
  });
});
