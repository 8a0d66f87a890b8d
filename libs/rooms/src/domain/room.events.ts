import type { DomainEvent, PersonalFieldMap, Role } from '@haven/domain';
import type { JoinRule, ReportOutcome, RoomKind } from './room.commands';
import type { OpenHours } from './room-open-hours';

// Events carry user ids only. Bodies that are personal data (message text, reasons) sit in plainly named fields so
// crypto-shredding can find them. Times are the decision's `now`, for readers that show or schedule them.

export type RoomCreated = DomainEvent<
  'RoomCreated',
  {
    roomId: string;
    name: string;
    topic: string;
    kind: RoomKind;
    capacity: number;
    joinRule: JoinRule;
    createdBy: string;
    /** the creator's global role; the creator is the first member and facilitator */
    creatorRole: Role;
    createdAt: string;
  }
>;
/**
 * A mentor pair's private room, opened by the system for a pairing. Its settings are fixed by its kind (PAIR_ROOM):
 * the two are plain members, nobody facilitates, nobody else joins.
 */
export type PairRoomOpened = DomainEvent<
  'PairRoomOpened',
  { roomId: string; pairingId: string; participantId: string; mentorId: string; openedAt: string }
>;
/** What every pair room is; PairRoomOpened does not repeat it. */
export const PAIR_ROOM = { kind: 'mentor_pair', name: 'Mentor pair', topic: '', capacity: 2, joinRule: 'closed' } as const;
/**
 * A family session's room, opened by the system for a session. Its settings are fixed by its kind
 * (FAMILY_SESSION_ROOM): the participant is a member, the host its facilitator; guests come in by AdmitFamilyGuest
 * (a MemberJoined with role 'family').
 */
export type FamilySessionRoomOpened = DomainEvent<
  'FamilySessionRoomOpened',
  { roomId: string; sessionId: string; participantId: string; hostId: string; openedAt: string }
>;
/** What every family session room is; FamilySessionRoomOpened does not repeat it. */
export const FAMILY_SESSION_ROOM = {
  kind: 'family_session',
  name: 'Family session',
  topic: '',
  capacity: 12,
  joinRule: 'closed',
} as const;
export type RoomRenamed = DomainEvent<'RoomRenamed', { name: string; by: string; renamedAt: string }>;
export type TopicChanged = DomainEvent<'TopicChanged', { topic: string; by: string; changedAt: string }>;
export type JoinRuleChanged = DomainEvent<'JoinRuleChanged', { joinRule: JoinRule; by: string; changedAt: string }>;
export type RoomArchived = DomainEvent<'RoomArchived', { by: string; archivedAt: string }>;
export type FacilitatorAppointed = DomainEvent<'FacilitatorAppointed', { userId: string; by: string; appointedAt: string }>;
export type FacilitatorRemoved = DomainEvent<'FacilitatorRemoved', { userId: string; by: string; removedAt: string }>;

/** `version` counts every change of the room's agreement (a removal too); `text: null`: removed. */
export type AgreementSet = DomainEvent<'AgreementSet', { text: string | null; version: number; by: string; setAt: string }>;
export type AgreementAccepted = DomainEvent<'AgreementAccepted', { userId: string; version: number; acceptedAt: string }>;
/** `openHours: null`: open at all hours again. */
export type OpenHoursSet = DomainEvent<'OpenHoursSet', { openHours: OpenHours | null; by: string; setAt: string }>;

export type MemberInvited = DomainEvent<'MemberInvited', { userId: string; by: string; invitedAt: string }>;
/** `role` is the member's global role when joining; later moderation checks read it. */
export type MemberJoined = DomainEvent<'MemberJoined', { userId: string; role: Role; joinedAt: string }>;
export type MemberLeft = DomainEvent<'MemberLeft', { userId: string; leftAt: string }>;

export type MessagePosted = DomainEvent<
  'MessagePosted',
  { messageId: string; authorId: string; text: string; contentWarning: string | null; replyTo: string | null; postedAt: string }
>;
export type MessageEdited = DomainEvent<
  'MessageEdited',
  { messageId: string; authorId: string; text: string; contentWarning: string | null; editedAt: string }
>;
export type MessageDeleted = DomainEvent<'MessageDeleted', { messageId: string; authorId: string; deletedAt: string }>;
export type ReactionAdded = DomainEvent<'ReactionAdded', { messageId: string; userId: string; emoji: string; reactedAt: string }>;
export type ReactionRemoved = DomainEvent<'ReactionRemoved', { messageId: string; userId: string; emoji: string; removedAt: string }>;

export type ReadMarked = DomainEvent<'ReadMarked', { userId: string; position: number; private: boolean }>;
export type ReadReceiptPrivacySet = DomainEvent<'ReadReceiptPrivacySet', { userId: string; private: boolean }>;
/** `on: false`: the member is not told of this room's messages while away (reports to a moderator still are). */
export type AwayNoticesSet = DomainEvent<'AwayNoticesSet', { userId: string; on: boolean }>;

export type MemberMuted = DomainEvent<
  'MemberMuted',
  { userId: string; reason: string; mutedUntil: string; by: string; mutedAt: string }
>;
export type MemberUnmuted = DomainEvent<
  'MemberUnmuted',
  { userId: string; by: string; reason: 'lifted' | 'expired'; unmutedAt: string }
>;
/** `messageId`: the message that prompted the warning, or null. */
export type MemberWarned = DomainEvent<
  'MemberWarned',
  { userId: string; reason: string; messageId: string | null; by: string; warnedAt: string }
>;
export type MemberRemoved = DomainEvent<'MemberRemoved', { userId: string; reason: string; by: string; removedAt: string }>;
/** `wasMember`: whether the ban also took them out of the room (a former member can be banned too). */
export type MemberBanned = DomainEvent<
  'MemberBanned',
  { userId: string; reason: string; by: string; bannedAt: string; wasMember: boolean }
>;
export type MemberUnbanned = DomainEvent<'MemberUnbanned', { userId: string; by: string; unbannedAt: string }>;
/** The body stays in the original MessagePosted; this event never repeats it. */
export type MessageRedacted = DomainEvent<
  'MessageRedacted',
  { messageId: string; authorId: string; reason: string; by: string; redactedAt: string }
>;
export type SlowModeSet = DomainEvent<'SlowModeSet', { intervalSeconds: number; by: string; setAt: string }>;
export type RoomLocked = DomainEvent<'RoomLocked', { reason: string | null; by: string; lockedAt: string }>;
export type RoomUnlocked = DomainEvent<'RoomUnlocked', { reason: string | null; by: string; unlockedAt: string }>;

/** `authorId`: the pinned message's author, a facilitator of the room or staff (only their words are pinned). */
export type MessagePinned = DomainEvent<'MessagePinned', { messageId: string; authorId: string; by: string; pinnedAt: string }>;
/**
 * `cause`: a moderator unpinned it (`unpinned`), or, in the same decision as the MessageDeleted or MessageRedacted
 * before it, its author deleted it (`deleted`) or a moderator redacted it (`redacted`): nothing stays pinned that
 * members cannot read.
 */
export type MessageUnpinned = DomainEvent<
  'MessageUnpinned',
  { messageId: string; cause: 'unpinned' | 'deleted' | 'redacted'; by: string; unpinnedAt: string }
>;

export type MessageReported = DomainEvent<
  'MessageReported',
  { reportId: string; messageId: string; authorId: string; reporterId: string; reason: string; reportedAt: string }
>;
export type ReportResolved = DomainEvent<
  'ReportResolved',
  {
    reportId: string;
    messageId: string;
    /** the reported message's author (absent from resolutions stored before 2026-12-01) */
    authorId?: string;
    reporterId: string;
    outcome: ReportOutcome;
    /** shown to the reporter as well as to moderators */
    note: string | null;
    by: string;
    resolvedAt: string;
  }
>;

export type RoomEvent =
  | RoomCreated
  | PairRoomOpened
  | FamilySessionRoomOpened
  | RoomRenamed
  | TopicChanged
  | JoinRuleChanged
  | RoomArchived
  | FacilitatorAppointed
  | FacilitatorRemoved
  | AgreementSet
  | AgreementAccepted
  | OpenHoursSet
  | MemberInvited
  | MemberJoined
  | MemberLeft
  | MessagePosted
  | MessageEdited
  | MessageDeleted
  | ReactionAdded
  | ReactionRemoved
  | ReadMarked
  | ReadReceiptPrivacySet
  | AwayNoticesSet
  | MemberMuted
  | MemberUnmuted
  | MemberWarned
  | MemberRemoved
  | MemberBanned
  | MemberUnbanned
  | MessageRedacted
  | SlowModeSet
  | RoomLocked
  | RoomUnlocked
  | MessagePinned
  | MessageUnpinned
  | MessageReported
  | ReportResolved;

export type RoomEventType = RoomEvent['type'];

/** The stream that holds one room's events. */
export const roomStreamName = (roomId: string): string => `room-${roomId}`;

/**
 * Personal data in room events, each sealed with the key of the person it is about: a message's words with its
 * author's, a moderation reason with its target's, a report's reason and its resolution note with the reporter's.
 */
export const ROOM_PERSONAL_FIELDS: PersonalFieldMap = {
  MessagePosted: { subject: 'authorId', fields: ['text', 'contentWarning'] },
  MessageEdited: { subject: 'authorId', fields: ['text', 'contentWarning'] },
  MessageRedacted: { subject: 'authorId', fields: ['reason'] },
  MemberMuted: { subject: 'userId', fields: ['reason'] },
  MemberWarned: { subject: 'userId', fields: ['reason'] },
  MemberRemoved: { subject: 'userId', fields: ['reason'] },
  MemberBanned: { subject: 'userId', fields: ['reason'] },
  MessageReported: { subject: 'reporterId', fields: ['reason'] },
  ReportResolved: { subject: 'reporterId', fields: ['note'] },
};
