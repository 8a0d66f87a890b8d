import type { DomainEvent, PersonalFieldMap } from '@haven/domain';

// Events carry user ids. A family member's label ("Mom") is personal data in a plainly named field (crypto-shredding);
// an invite code is never stored, only its SHA-256 (`codeHash`), which no audience is sent.

export type FamilySessionScheduled = DomainEvent<
  'FamilySessionScheduled',
  { sessionId: string; participantId: string; hostId: string; title: string; startsAt: string; endsAt: string; roomId: string; scheduledAt: string }
>;
/**
 * New times for a session that has not started and whose invites nobody has redeemed yet. `inviteExpiries`: each open
 * invite still valid, with its `expiresAt` under the new times (72 hours after it was sent, never past the new end), so
 * a session moved later keeps its invites where it can (absent before 2026-12-02: open invites then expired at the new
 * end if that was sooner).
 */
export type FamilySessionRescheduled = DomainEvent<
  'FamilySessionRescheduled',
  { sessionId: string; startsAt: string; endsAt: string; inviteExpiries?: Record<string, string>; by: string; rescheduledAt: string }
>;
export type FamilyInviteIssued = DomainEvent<
  'FamilyInviteIssued',
  /** `participantId`: whose family session it is, the person the label is about (absent before 2026-12-02) */
  { sessionId: string; participantId?: string; inviteId: string; codeHash: string; inviteeLabel: string; expiresAt: string; invitedBy: string; issuedAt: string }
>;
export type FamilyInviteRevoked = DomainEvent<'FamilyInviteRevoked', { sessionId: string; inviteId: string; by: string; revokedAt: string }>;
/**
 * An hour before the session an invite is still unused: the system tells the session's people (the participant, the
 * host, who sent it, clinicians), once, so that someone can remind the family member. Not for an invite sent within
 * that hour.
 */
export type FamilyInviteUnusedBeforeSession = DomainEvent<
  'FamilyInviteUnusedBeforeSession',
  { sessionId: string; inviteId: string; invitedBy: string; startsAt: string; remindedAt: string }
>;
/** Nobody redeemed the invite by its `expiresAt`: the system marks it, so those who sent it learn it went unused. */
export type FamilyInviteExpired = DomainEvent<'FamilyInviteExpired', { sessionId: string; inviteId: string; expiredAt: string }>;
/** The invite is used up; its guest waits until staff admit them. */
export type FamilyInviteRedeemed = DomainEvent<
  'FamilyInviteRedeemed',
  { sessionId: string; inviteId: string; guestId: string; inviteeLabel: string; redeemedAt: string }
>;
export type FamilyGuestAdmitted = DomainEvent<'FamilyGuestAdmitted', { sessionId: string; guestId: string; roomId: string; by: string; admittedAt: string }>;
export type FamilyGuestRemoved = DomainEvent<'FamilyGuestRemoved', { sessionId: string; guestId: string; roomId: string; by: string; removedAt: string }>;
/**
 * A word from the host or staff to the guests waiting to be admitted (`guestIds`: those waiting then; a guest admitted
 * reads the session's room instead). `participantId`: whose session it is, whose personal data the text is.
 */
export type FamilyLobbyNoticeSent = DomainEvent<
  'FamilyLobbyNoticeSent',
  { sessionId: string; participantId: string; guestIds: string[]; text: string; by: string; sentAt: string }
>;
/** `guestIds`: the guests not removed, who are told it ended. */
export type FamilySessionEnded = DomainEvent<'FamilySessionEnded', { sessionId: string; roomId: string; guestIds: string[]; by: string; endedAt: string }>;

export type FamilySessionEvent =
  | FamilySessionScheduled
  | FamilySessionRescheduled
  | FamilyInviteIssued
  | FamilyInviteRevoked
  | FamilyInviteUnusedBeforeSession
  | FamilyInviteExpired
  | FamilyInviteRedeemed
  | FamilyGuestAdmitted
  | FamilyGuestRemoved
  | FamilyLobbyNoticeSent
  | FamilySessionEnded;
export type FamilySessionEventType = FamilySessionEvent['type'];
export const FAMILY_SESSION_EVENT_TYPES: readonly FamilySessionEventType[] = [
  'FamilySessionScheduled',
  'FamilySessionRescheduled',
  'FamilyInviteIssued',
  'FamilyInviteRevoked',
  'FamilyInviteUnusedBeforeSession',
  'FamilyInviteExpired',
  'FamilyInviteRedeemed',
  'FamilyGuestAdmitted',
  'FamilyGuestRemoved',
  'FamilyLobbyNoticeSent',
  'FamilySessionEnded',
];

const STREAM_PREFIX = 'session-';
export const familySessionStreamName = (sessionId: string): string => `${STREAM_PREFIX}${sessionId}`;
export const isFamilySessionStream = (streamId: string): boolean => streamId.startsWith(STREAM_PREFIX);
export const sessionIdOf = (streamId: string): string => streamId.slice(STREAM_PREFIX.length);

/**
 * Personal data in family-session events, the participant's: a session's title, who they invite ("Mom") and what staff
 * tell the family members waiting for it. A redeemed invite repeats the label already sealed in its FamilyInviteIssued;
 * the guest's id is its subject only for labels stored before sealing began.
 */
export const FAMILY_SESSION_PERSONAL_FIELDS: PersonalFieldMap = {
  FamilySessionScheduled: { subject: 'participantId', fields: ['title'] },
  FamilyInviteIssued: { subject: 'participantId', fields: ['inviteeLabel'] },
  FamilyInviteRedeemed: { subject: 'guestId', fields: ['inviteeLabel'] },
  FamilyLobbyNoticeSent: { subject: 'participantId', fields: ['text'] },
};
