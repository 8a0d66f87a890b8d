import { DomainError, type CommandContext, type Decider, type DomainEvent } from '@haven/domain';

/**
 * Who is on call for crisis alerts, changed while the service runs: on-call shifts change every day, and a restart to
 * change SAFETY_ON_CALL is no way to hand over a night. One stream for the clinic, `on-call`.
 *
 * - A clinician goes on call themselves. Nobody puts another on call: the service knows a user's role only from
 *   their own token, and whoever is on call receives every alert, with its words.
 * - A clinician goes off call themselves, and an admin may take anyone off (someone who left for the weekend on call).
 * - Nobody on call (here or in SAFETY_ON_CALL) means every clinician gets alerts: going off call never leaves an alert
 *   with no one to hear it.
 */
export const ON_CALL_STREAM = 'on-call';

export type OnCallStarted = DomainEvent<'OnCallStarted', { userId: string; by: string; startedAt: string }>;
export type OnCallEnded = DomainEvent<'OnCallEnded', { userId: string; by: string; endedAt: string }>;
export type OnCallEvent = OnCallStarted | OnCallEnded;
export const ON_CALL_EVENT_TYPES: readonly OnCallEvent['type'][] = ['OnCallStarted', 'OnCallEnded'];

export type SetOnCall = { type: 'SetOnCall'; data: { userId: string; onCall: boolean }; context: CommandContext };

export interface OnCallState {
  /** user id → since when */
  onCall: ReadonlyMap<string, string>;
}

export const onCallDecider: Decider<SetOnCall, OnCallEvent, OnCallState> = {
  initialState: () => ({ onCall: new Map() }),
  decide(command, state) {
    const { actor, now } = command.context;
    const { userId, onCall } = command.data;
    if (onCall) {
      if (actor.role !== 'clinician' || actor.userId !== userId) throw new DomainError('SAFETY.FORBIDDEN', 'a clinician goes on call themselves; nobody puts another on call');
      return state.onCall.has(userId) ? [] : [{ type: 'OnCallStarted', data: { userId, by: actor.userId, startedAt: now } }];
    }
    const self = actor.role === 'clinician' && actor.userId === userId;
    if (!self && actor.role !== 'admin') throw new DomainError('SAFETY.FORBIDDEN', 'a clinician goes off call themselves, or an admin takes them off');
    return state.onCall.has(userId) ? [{ type: 'OnCallEnded', data: { userId, by: actor.userId, endedAt: now } }] : [];
  },
  evolve(state, event) {
    const onCall = new Map(state.onCall);
    if (event.type === 'OnCallStarted') onCall.set(event.data.userId, event.data.startedAt);
    else onCall.delete(event.data.userId);
    return { onCall };
  },
};
