import { DomainError, type CommandContext, type Decider } from '@haven/domain';
import type { AlertOutcome, AlertSource, ConversationRef, HeldMessage, SafetyEvent } from './safety-alert.events';

export type RaiseAlert = {
  type: 'RaiseAlert';
  data: { alertId: string; conversation: ConversationRef; source: AlertSource; heldMessage: HeldMessage | null; categories: string[]; escalateAfterSeconds: number };
  context: CommandContext;
};
export type AcknowledgeAlert = { type: 'AcknowledgeAlert'; data: { alertId: string }; context: CommandContext };
export type ResolveAlert = { type: 'ResolveAlert'; data: { alertId: string; outcome: AlertOutcome; note: string }; context: CommandContext };
export type EscalateAlert = { type: 'EscalateAlert'; data: { alertId: string }; context: CommandContext };
export type SafetyCommand = RaiseAlert | AcknowledgeAlert | ResolveAlert | EscalateAlert;

export type SafetyAlertState =
  | { status: 'none' }
  | {
      status: 'raised' | 'acknowledged' | 'resolved';
      conversation: ConversationRef;
      userId: string;
      heldMessage: HeldMessage | null;
      escalateAt: string;
      escalated: boolean;
    };

const STAFF = new Set(['facilitator', 'clinician', 'admin']);
const err = (code: string, message: string, details: Record<string, unknown> = {}) => new DomainError(`SAFETY.${code}`, message, details);

/**
 * A safety alert's life: raised (by the screening step or an "I need help now"), acknowledged by a staff member,
 * resolved with an outcome and a note; escalated to every clinician if nobody acknowledged it in time.
 * Nothing here looks at mutes, locks, slow mode or rate limits: the crisis path is never blocked by them.
 * Which staff may act on which alert (a facilitator: only their rooms') is checked by the handler from read models.
 */
export const safetyAlertDecider: Decider<SafetyCommand, SafetyEvent, SafetyAlertState> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    const { actor, now } = command.context;
    switch (command.type) {
      case 'RaiseAlert': {
        if (state.status !== 'none') throw err('ALERT_EXISTS', 'that alert already exists');
        const d = command.data;
        // a family guest talks only in its own session's room, a room of the rooms context, which the handler checks
        // through the room's port (membership); nowhere else is the help path theirs
        if (actor.role === 'family' && d.conversation.kind !== 'room') {
          throw err('NOT_AVAILABLE', 'the help path is not available in this conversation');
        }
        const escalateAt = new Date(Date.parse(now) + d.escalateAfterSeconds * 1000).toISOString();
        return [{ type: 'SafetyAlertRaised', data: { alertId: d.alertId, conversation: d.conversation, userId: actor.userId, source: d.source, heldMessage: d.heldMessage, categories: d.categories, raisedAt: now, escalateAt } }];
      }
      case 'AcknowledgeAlert': {
        const alert = requireAlert(state);
        if (!STAFF.has(actor.role)) throw err('FORBIDDEN', 'only staff acknowledge safety alerts');
        requireSomeoneElse(alert, actor.userId);
        if (alert.status !== 'raised') return [];
        return [{ type: 'SafetyAlertAcknowledged', data: { alertId: command.data.alertId, conversation: alert.conversation, userId: alert.userId, by: actor.userId, acknowledgedAt: now } }];
      }
      case 'ResolveAlert': {
        const alert = requireAlert(state);
        if (!STAFF.has(actor.role)) throw err('FORBIDDEN', 'only staff resolve safety alerts');
        requireSomeoneElse(alert, actor.userId);
        if (alert.status === 'raised') throw err('NOT_ACKNOWLEDGED', 'acknowledge the alert before resolving it');
        if (alert.status === 'resolved') throw err('ALREADY_RESOLVED', 'the alert is already resolved');
        if (command.data.outcome === 'released' && !alert.heldMessage) throw err('NOTHING_HELD', 'no message was held for this alert');
        if (command.data.note.trim().length === 0) throw err('NOTE_REQUIRED', 'a resolution needs a note');
        return [{ type: 'SafetyAlertResolved', data: { alertId: command.data.alertId, conversation: alert.conversation, userId: alert.userId, outcome: command.data.outcome, note: command.data.note, heldMessage: alert.heldMessage, by: actor.userId, resolvedAt: now } }];
      }
      case 'EscalateAlert': {
        if (actor.userId !== 'system') throw new DomainError('AUTH.FORBIDDEN', 'escalation is sent by the system');
        if (state.status !== 'raised' || state.escalated || Date.parse(now) < Date.parse(state.escalateAt)) return [];
        return [{ type: 'SafetyAlertEscalated', data: { alertId: command.data.alertId, conversation: state.conversation, userId: state.userId, escalatedAt: now } }];
      }
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'SafetyAlertRaised':
        return { status: 'raised', conversation: event.data.conversation, userId: event.data.userId, heldMessage: event.data.heldMessage, escalateAt: event.data.escalateAt, escalated: false };
      case 'SafetyAlertAcknowledged':
        return state.status === 'none' ? state : { ...state, status: 'acknowledged' };
      case 'SafetyAlertEscalated':
        return state.status === 'none' ? state : { ...state, escalated: true };
      case 'SafetyAlertResolved':
        return state.status === 'none' ? state : { ...state, status: 'resolved' };
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
};

/**
 * A staff member in crisis is helped like anyone else: the alert about them is for another staff member to take up.
 * Acting on it themselves would close it (or silence its escalation) with nobody else involved.
 */
function requireSomeoneElse(alert: { userId: string }, actorId: string): void {
  if (alert.userId === actorId) throw err('OWN_ALERT', 'an alert about you is for another staff member to act on');
}

function requireAlert(state: SafetyAlertState) {
  if (state.status === 'none') throw err('ALERT_NOT_FOUND', 'no such safety alert');
  return state;
}
