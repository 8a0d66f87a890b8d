import type { Actor } from '@haven/domain';
import { erasureDecider, type ErasePersonalData } from './erasure.decider';

const erase = (actor: Actor, userId = 'alice', keyIds = ['k1']): ErasePersonalData => ({
  type: 'ErasePersonalData',
  data: { userId, keyIds },
  context: { actor, commandId: 'c1', now: '2026-12-02T10:00:00.000Z' },
});

describe('erasure decider', () => {
  it('records who erased whose keys, and when', () => {
    expect(erasureDecider.decide(erase({ userId: 'ada', role: 'admin' }), erasureDecider.initialState())).toEqual([
      { type: 'PersonalDataErased', data: { userId: 'alice', keyIds: ['k1'], by: 'ada', erasedAt: '2026-12-02T10:00:00.000Z' } },
    ]);
  });

  it('is for admins only', () => {
    for (const role of ['participant', 'mentor', 'facilitator', 'clinician', 'family'] as const) {
      expect(() => erasureDecider.decide(erase({ userId: 'x', role }), erasureDecider.initialState())).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
    }
  });

  it('records an erasure with nothing to erase, and a second one', () => {
    let state = erasureDecider.initialState();
    for (const keyIds of [[], ['k2']]) {
      const events = erasureDecider.decide(erase({ userId: 'ada', role: 'admin' }, 'alice', keyIds), state);
      expect(events).toHaveLength(1);
      state = events.reduce(erasureDecider.evolve, state);
    }
    expect(state.erasures).toBe(2);
  });
});
