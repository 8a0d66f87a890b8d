import type { Actor } from '@haven/domain';
import { deciderSpec } from '@haven/domain/testing/given-when-then';
import { onCallDecider, type OnCallEvent, type SetOnCall } from './on-call.decider';

const T0 = '2026-12-02T18:00:00.000Z';
const kim: Actor = { userId: 'dr-kim', role: 'clinician' };
const lee: Actor = { userId: 'dr-lee', role: 'clinician' };
const ada: Actor = { userId: 'ada', role: 'admin' };
const set = (actor: Actor, onCall: boolean, userId = actor.userId): SetOnCall => ({ type: 'SetOnCall', data: { userId, onCall }, context: { actor, commandId: 'c', now: T0 } });
const started = (userId: string, by = userId): OnCallEvent => ({ type: 'OnCallStarted', data: { userId, by, startedAt: T0 } });
const ended = (userId: string, by = userId): OnCallEvent => ({ type: 'OnCallEnded', data: { userId, by, endedAt: T0 } });
const spec = deciderSpec(onCallDecider);

describe('on call', () => {
  it('a clinician goes on call and off call themselves; the same again appends nothing', () => {
    spec.given([]).when(set(kim, true)).then([started('dr-kim')]);
    spec.given([started('dr-kim')]).when(set(kim, true)).then([]);
    spec.given([started('dr-kim')]).when(set(kim, false)).then([ended('dr-kim')]);
    spec.given([started('dr-kim'), ended('dr-kim')]).when(set(kim, false)).then([]);
  });

  it('nobody puts another on call, not even an admin, and only clinicians are ever on call', () => {
    spec.given([]).when(set(lee, true, 'dr-kim')).thenThrows('SAFETY.FORBIDDEN');
    spec.given([]).when(set(ada, true, 'dr-kim')).thenThrows('SAFETY.FORBIDDEN');
    spec.given([]).when(set(ada, true)).thenThrows('SAFETY.FORBIDDEN');
    for (const role of ['participant', 'mentor', 'facilitator', 'family'] as const) {
      spec.given([]).when(set({ userId: 'someone', role, ...(role === 'family' ? { familySessionId: 's' } : {}) }, true)).thenThrows('SAFETY.FORBIDDEN');
    }
  });

  it('an admin takes anyone off call; another clinician does not', () => {
    spec.given([started('dr-kim')]).when(set(ada, false, 'dr-kim')).then([ended('dr-kim', 'ada')]);
    spec.given([started('dr-kim')]).when(set(lee, false, 'dr-kim')).thenThrows('SAFETY.FORBIDDEN');
    spec.given([started('dr-kim')]).when(set({ userId: 'fran', role: 'facilitator' }, false, 'dr-kim')).thenThrows('SAFETY.FORBIDDEN');
  });

  it('keeps who is on call since when', () => {
    const state = [started('dr-kim'), started('dr-lee'), ended('dr-kim', 'ada')].reduce(onCallDecider.evolve, onCallDecider.initialState());
    expect([...state.onCall]).toEqual([['dr-lee', T0]]);
  });
});
