import type { CommandContext } from '@haven/domain';
import type { OpenHours } from './room-open-hours';

/**
 * What a room is for. Readers group and label rooms by it; 'mentor_pair' (room-pair.decide.ts) and 'family_session'
 * (room-family-session.decide.ts) change the rules.
 */
export type RoomKind = 'peer_support' | 'group_therapy' | 'workshop' | 'mentor_pair' | 'family_session';
/**
 * The kinds CreateRoom accepts: a mentor pair's room is opened by its pairing (OpenPairRoom), a family session's by its
 * session (OpenFamilySessionRoom), never by hand.
 */
export const ROOM_KINDS: readonly RoomKind[] = ['peer_support', 'group_therapy', 'workshop'];

/** open: any eligible user joins; invite_only: a facilitator invites first (staff need no invite); closed: nobody new. */
export type JoinRule = 'open' | 'invite_only' | 'closed';
export const JOIN_RULES: readonly JoinRule[] = ['open', 'invite_only', 'closed'];

export type ReportOutcome =
  | 'no_action'
  | 'message_redacted'
  | 'member_warned'
  | 'member_muted'
  | 'member_removed'
  | 'member_banned';
export const REPORT_OUTCOMES: readonly ReportOutcome[] = [
  'no_action',
  'message_redacted',
  'member_warned',
  'member_muted',
  'member_removed',
  'member_banned',
];

/** Every room command names its room: the handler routes it to the stream `room-<roomId>`. */
type RoomCommandOf<Type extends string, Data> = {
  type: Type;
  data: { roomId: string } & Data;
  context: CommandContext;
};

export type CreateRoom = RoomCommandOf<
  'CreateRoom',
  { name: string; topic: string; kind: RoomKind; capacity: number; joinRule: JoinRule }
>;
export type RenameRoom = RoomCommandOf<'RenameRoom', { name: string }>;
export type ChangeTopic = RoomCommandOf<'ChangeTopic', { topic: string }>;
export type ChangeJoinRule = RoomCommandOf<'ChangeJoinRule', { joinRule: JoinRule }>;
export type ArchiveRoom = RoomCommandOf<'ArchiveRoom', Record<never, never>>;

export type AppointFacilitator = RoomCommandOf<'AppointFacilitator', { userId: string }>;
export type RemoveFacilitator = RoomCommandOf<'RemoveFacilitator', { userId: string }>;

/**
 * A group's agreement ("what is said here stays here"): while a room has one, a member who is not its facilitator or
 * staff takes part (posts, edits, reacts) only once they have accepted its current version. `text: null` removes it.
 */
export type SetAgreement = RoomCommandOf<'SetAgreement', { text: string | null }>;
export type AcceptAgreement = RoomCommandOf<'AcceptAgreement', { version: number }>;

export type InviteToRoom = RoomCommandOf<'InviteToRoom', { userId: string }>;
export type JoinRoom = RoomCommandOf<'JoinRoom', Record<never, never>>;
export type LeaveRoom = RoomCommandOf<'LeaveRoom', Record<never, never>>;

export type PostMessage = RoomCommandOf<
  'PostMessage',
  { messageId: string; text: string; contentWarning?: string | null; replyTo?: string | null }
>;
/** An edit replaces the text and the content warning together (omitted warning = none). */
export type EditMessage = RoomCommandOf<'EditMessage', { messageId: string; text: string; contentWarning?: string | null }>;
export type DeleteMessage = RoomCommandOf<'DeleteMessage', { messageId: string }>;
export type AddReaction = RoomCommandOf<'AddReaction', { messageId: string; emoji: string }>;
export type RemoveReaction = RoomCommandOf<'RemoveReaction', { messageId: string; emoji: string }>;

export type MarkRead = RoomCommandOf<'MarkRead', { position: number }>;
export type SetReadReceiptPrivacy = RoomCommandOf<'SetReadReceiptPrivacy', { private: boolean }>;
/** Whether the member is told through the clinic's push gateway of this room's messages while away (default: yes). */
export type SetAwayNotices = RoomCommandOf<'SetAwayNotices', { on: boolean }>;

export type MuteMember = RoomCommandOf<'MuteMember', { userId: string; durationSeconds: number; reason: string }>;
export type UnmuteMember = RoomCommandOf<'UnmuteMember', { userId: string }>;
/**
 * A moderator's private word to a member ("please keep methods out of the group"), with the message that prompted
 * it, if one did: the member is told why, nothing else changes. What a report's `member_warned` outcome refers to.
 */
export type WarnMember = RoomCommandOf<'WarnMember', { userId: string; reason: string; messageId?: string | null }>;
/** Sent by the deadline processor as the system actor; `mutedUntil` names the mute it means to end. */
export type ExpireMute = RoomCommandOf<'ExpireMute', { userId: string; mutedUntil: string }>;
export type RemoveMember = RoomCommandOf<'RemoveMember', { userId: string; reason: string }>;
export type BanMember = RoomCommandOf<'BanMember', { userId: string; reason: string }>;
export type UnbanMember = RoomCommandOf<'UnbanMember', { userId: string }>;
export type RedactMessage = RoomCommandOf<'RedactMessage', { messageId: string; reason: string }>;
export type SetSlowMode = RoomCommandOf<'SetSlowMode', { intervalSeconds: number }>;
export type LockRoom = RoomCommandOf<'LockRoom', { reason?: string | null }>;
export type UnlockRoom = RoomCommandOf<'UnlockRoom', { reason?: string | null }>;

/**
 * Keeps a message in view at the top of the room (group agreements, a resource): moderators, not in a mentor pair's
 * room. Only the words of the room's facilitators or staff: a pin shows them to members who were not there.
 */
export type PinMessage = RoomCommandOf<'PinMessage', { messageId: string }>;
export type UnpinMessage = RoomCommandOf<'UnpinMessage', { messageId: string }>;

export type ReportMessage = RoomCommandOf<'ReportMessage', { reportId: string; messageId: string; reason: string }>;
export type ResolveReport = RoomCommandOf<'ResolveReport', { reportId: string; outcome: ReportOutcome; note?: string | null }>;

/** Sent by the safety context when staff release a message its screening held (see libs/safety). */
export type ReleaseHeldMessage = RoomCommandOf<
  'ReleaseHeldMessage',
  { messageId: string; authorId: string; text: string; contentWarning: string | null; replyTo: string | null; edit: boolean }
>;

/**
 * Sent by the mentoring context as the system actor: a pairing's private 1:1 channel is a room that opens when the
 * pairing starts and is archived (read-only) when it ends. `roomId` is `pairRoomIdOf(pairingId)`.
 */
export type OpenPairRoom = RoomCommandOf<'OpenPairRoom', { pairingId: string; participantId: string; mentorId: string }>;
export type ClosePairRoom = RoomCommandOf<'ClosePairRoom', Record<never, never>>;

/**
 * Sent by the family-sessions context as the system actor: a family session's conversation is a room that opens when
 * the session is scheduled, takes in the family guests staff admit, and is archived when the session ends.
 * `roomId` is `sessionRoomIdOf(sessionId)`; the participant is a member, the hosting clinician its facilitator.
 */
export type OpenFamilySessionRoom = RoomCommandOf<
  'OpenFamilySessionRoom',
  { sessionId: string; participantId: string; hostId: string }
>;
/** `guestId` is the family guest's user id (the `sub` of their guest token). */
export type AdmitFamilyGuest = RoomCommandOf<'AdmitFamilyGuest', { guestId: string }>;
export type RemoveFamilyGuest = RoomCommandOf<'RemoveFamilyGuest', { guestId: string }>;
export type CloseFamilySessionRoom = RoomCommandOf<'CloseFamilySessionRoom', Record<never, never>>;

export type RoomSettingsCommand = CreateRoom | RenameRoom | ChangeTopic | ChangeJoinRule | ArchiveRoom | AppointFacilitator | RemoveFacilitator;
export type RoomMembershipCommand = InviteToRoom | JoinRoom | LeaveRoom | MarkRead | SetReadReceiptPrivacy | SetAwayNotices;
export type RoomMessageCommand = PostMessage | EditMessage | DeleteMessage | AddReaction | RemoveReaction;
export type RoomModerationCommand =
  | MuteMember
  | UnmuteMember
  | WarnMember
  | RemoveMember
  | BanMember
  | UnbanMember
  | RedactMessage
  | SetSlowMode
  | LockRoom
  | UnlockRoom;
export type RoomPinCommand = PinMessage | UnpinMessage;
export type RoomAgreementCommand = SetAgreement | AcceptAgreement;
/** A group's open hours (room-open-hours.ts): its moderators set or remove them (null: open at all hours). */
export type SetOpenHours = RoomCommandOf<'SetOpenHours', { openHours: OpenHours | null }>;
export type RoomReportCommand = ReportMessage | ResolveReport;
/** Commands only the system actor sends when a deadline comes. */
export type RoomDeadlineCommand = ExpireMute;
/** Commands only the system actor sends as a mentor pairing starts and ends. */
export type RoomPairCommand = OpenPairRoom | ClosePairRoom;
/** Commands only the system actor sends as a family session opens, admits or turns away guests, and ends. */
export type RoomFamilySessionCommand = OpenFamilySessionRoom | AdmitFamilyGuest | RemoveFamilyGuest | CloseFamilySessionRoom;

export type RoomCommand =
  | RoomSettingsCommand
  | RoomMembershipCommand
  | RoomMessageCommand
  | RoomModerationCommand
  | RoomPinCommand
  | RoomAgreementCommand
  | SetOpenHours
  | RoomReportCommand
  | RoomDeadlineCommand
  | RoomPairCommand
  | RoomFamilySessionCommand
  | ReleaseHeldMessage;
export type RoomCommandType = RoomCommand['type'];
