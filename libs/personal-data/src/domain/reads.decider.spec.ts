import type { Actor, Role } from '@haven/domain';
import { readsDecider, recordedRead, type RecordRead } from './reads.decider';

const now = '2026-12-02T10:00:00.000Z';
const read = (actor: Actor, subjects: string[]): RecordRead => ({
  type: 'RecordRead',
  data: { what: 'safety.alerts', params: {}, subjects },
  context: { actor, commandId: 'read:1:x', now },
});
const kim: Actor = { userId: 'dr-kim', role: 'clinician' };

describe('reads decider', () => {
  it("records who read whose records, in which answer, when: each person once, sorted, the reader left out", () => {
    expect(readsDecider.decide(read(kim, ['bob', 'alice', 'dr-kim', 'bob']), readsDecider.initialState())).toEqual([
      { type: 'PersonalDataRead', data: { by: 'dr-kim', role: 'clinician', what: 'safety.alerts', params: {}, subjects: ['alice', 'bob'], readAt: now } },
    ]);
  });

  it('records nothing when the answer named nobody but the reader', () => {
    expect(readsDecider.decide(read(kim, []), readsDecider.initialState())).toEqual([]);
    expect(readsDecider.decide(read(kim, ['dr-kim']), readsDecider.initialState())).toEqual([]);
  });

  it("records staff's reads only: the others read their own conversations", () => {
    for (const role of ['facilitator', 'clinician', 'admin'] as Role[]) {
      expect(recordedRead({ userId: 'x', role }, { what: 'w', params: {}, subjects: ['alice'] })).not.toBeNull();
    }
    for (const role of ['participant', 'mentor', 'family'] as Role[]) {
      expect(readsDecider.decide(read({ userId: 'x', role }, ['alice']), readsDecider.initialState())).toEqual([]);
    }
  });

  it('counts what it recorded', () => {
    const [event] = readsDecider.decide(read(kim, ['alice']), readsDecider.initialState());
    expect(readsDecider.evolve(readsDecider.evolve(readsDecider.initialState(), event), event)).toEqual({ reads: 2 });
  });
});
