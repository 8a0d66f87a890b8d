import type { DomainEvent, PersonalFieldMap } from '@haven/domain';

/**
 * The conversation a safety alert came from: a room (group rooms and mentor pair rooms); `mentoring`, a person's
 * mentor requests and pairings (id: their user id), for crisis words in a request's note or a pairing's end; or
 * `person` (id: their user id), "I need help now" from no conversation in particular.
 */
export interface ConversationRef {
  kind: 'room' | 'mentoring' | 'person';
  id: string;
}

/** A message the screening step held back from the conversation; released only by a staff decision. */
export interface HeldMessage {
  messageId: string;
  /** health data: kept only in the store and the safety queue, never logged */
  text: string;
  contentWarning: string | null;
  replyTo: string | null;
  /** an edit of an existing message rather than a new one */
  edit: boolean;
}

/**
 * screening: a held message; help_request: "I need help now"; report_reason: crisis words in the reason of a report;
 * mentoring_text: crisis words in a mentor request's note or a pairing's end reason (nothing held for either)
 */
export type AlertSource = 'screening' | 'help_request' | 'report_reason' | 'mentoring_text';
export type AlertOutcome = 'released' | 'kept_held' | 'followed_up_privately';
export const ALERT_OUTCOMES: readonly AlertOutcome[] = ['released', 'kept_held', 'followed_up_privately'];

export type SafetyAlertRaised = DomainEvent<
  'SafetyAlertRaised',
  {
    alertId: string;
    conversation: ConversationRef;
    userId: string;
    source: AlertSource;
    heldMessage: HeldMessage | null;
    categories: string[];
    raisedAt: string;
    escalateAt: string;
  }
>;
export type SafetyAlertAcknowledged = DomainEvent<'SafetyAlertAcknowledged', { alertId: string; conversation: ConversationRef; userId: string; by: string; acknowledgedAt: string }>;
export type SafetyAlertEscalated = DomainEvent<'SafetyAlertEscalated', { alertId: string; conversation: ConversationRef; userId: string; escalatedAt: string }>;
export type SafetyAlertResolved = DomainEvent<
  'SafetyAlertResolved',
  {
    alertId: string;
    conversation: ConversationRef;
    userId: string;
    outcome: AlertOutcome;
    /** staff-only */
    note: string;
    /** repeated so the release step needs no second read */
    heldMessage: HeldMessage | null;
    by: string;
    resolvedAt: string;
  }
>;

export type SafetyEvent = SafetyAlertRaised | SafetyAlertAcknowledged | SafetyAlertEscalated | SafetyAlertResolved;

export const safetyStreamName = (alertId: string) => `safety-${alertId}`;

/** Personal data in safety alerts, all of it the person's the alert is about: their held message and staff's note. */
export const SAFETY_PERSONAL_FIELDS: PersonalFieldMap = {
  SafetyAlertRaised: { subject: 'userId', fields: ['heldMessage.text', 'heldMessage.contentWarning'] },
  SafetyAlertResolved: { subject: 'userId', fields: ['note', 'heldMessage.text', 'heldMessage.contentWarning'] },
};
