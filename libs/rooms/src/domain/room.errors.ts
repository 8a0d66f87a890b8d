import { CommonErrors, DomainError } from '@haven/domain';

/** Every refusal code the rooms context uses. Clients switch on these; they never change meaning. */
export const RoomErrorCode = {
  NotFound: 'ROOM.NOT_FOUND',
  AlreadyExists: 'ROOM.ALREADY_EXISTS',
  Archived: 'ROOM.ARCHIVED',
  Forbidden: 'ROOM.FORBIDDEN',
  NotAMember: 'ROOM.NOT_A_MEMBER',
  PresenceUnavailable: 'ROOM.PRESENCE_UNAVAILABLE',
  TargetNotAMember: 'ROOM.TARGET_NOT_A_MEMBER',
  AlreadyAMember: 'ROOM.ALREADY_A_MEMBER',
  FamilyNotAllowed: 'ROOM.FAMILY_NOT_ALLOWED',
  Closed: 'ROOM.CLOSED',
  PairRoom: 'ROOM.PAIR_ROOM',
  FamilySessionRoom: 'ROOM.FAMILY_SESSION_ROOM',
  InviteRequired: 'ROOM.INVITE_REQUIRED',
  Full: 'ROOM.FULL',
  Banned: 'ROOM.BANNED',
  AlreadyBanned: 'ROOM.ALREADY_BANNED',
  NotBanned: 'ROOM.NOT_BANNED',
  LastFacilitator: 'ROOM.LAST_FACILITATOR',
  NotAFacilitator: 'ROOM.NOT_A_FACILITATOR',
  Muted: 'ROOM.MUTED',
  NotMuted: 'ROOM.NOT_MUTED',
  Locked: 'ROOM.LOCKED',
  SlowMode: 'ROOM.SLOW_MODE',
  RateLimited: 'ROOM.RATE_LIMITED',
  MessageEmpty: 'ROOM.MESSAGE_EMPTY',
  MessageTooLong: 'ROOM.MESSAGE_TOO_LONG',
  MessageNotFound: 'ROOM.MESSAGE_NOT_FOUND',
  MessageRedacted: 'ROOM.MESSAGE_REDACTED',
  DuplicateMessageId: 'ROOM.DUPLICATE_MESSAGE_ID',
  NotAuthor: 'ROOM.NOT_AUTHOR',
  ContentWarningTooLong: 'ROOM.CONTENT_WARNING_TOO_LONG',
  InvalidReaction: 'ROOM.INVALID_REACTION',
  InvalidName: 'ROOM.INVALID_NAME',
  InvalidTopic: 'ROOM.INVALID_TOPIC',
  InvalidAgreement: 'ROOM.INVALID_AGREEMENT',
  NoAgreement: 'ROOM.NO_AGREEMENT',
  AgreementChanged: 'ROOM.AGREEMENT_CHANGED',
  AgreementNotAccepted: 'ROOM.AGREEMENT_NOT_ACCEPTED',
  InvalidOpenHours: 'ROOM.INVALID_OPEN_HOURS',
  OutsideOpenHours: 'ROOM.OUTSIDE_OPEN_HOURS',
  InvalidKind: 'ROOM.INVALID_KIND',
  InvalidCapacity: 'ROOM.INVALID_CAPACITY',
  InvalidJoinRule: 'ROOM.INVALID_JOIN_RULE',
  InvalidMuteDuration: 'ROOM.INVALID_MUTE_DURATION',
  InvalidSlowMode: 'ROOM.INVALID_SLOW_MODE',
  InvalidPosition: 'ROOM.INVALID_POSITION',
  ReasonRequired: 'ROOM.REASON_REQUIRED',
  ReasonTooLong: 'ROOM.REASON_TOO_LONG',
  NoteTooLong: 'ROOM.NOTE_TOO_LONG',
  CannotReportOwnMessage: 'ROOM.CANNOT_REPORT_OWN_MESSAGE',
  CannotResolveReportOnOwnMessage: 'ROOM.CANNOT_RESOLVE_REPORT_ON_OWN_MESSAGE',
  AlreadyReported: 'ROOM.ALREADY_REPORTED',
  CannotPin: 'ROOM.CANNOT_PIN',
  TooManyPins: 'ROOM.TOO_MANY_PINS',
  DuplicateReportId: 'ROOM.DUPLICATE_REPORT_ID',
  ReportNotFound: 'ROOM.REPORT_NOT_FOUND',
  ReportAlreadyResolved: 'ROOM.REPORT_ALREADY_RESOLVED',
  InvalidOutcome: 'ROOM.INVALID_OUTCOME',
} as const;
export type RoomErrorCode = (typeof RoomErrorCode)[keyof typeof RoomErrorCode];

const error = (code: RoomErrorCode, message: string, details: Record<string, unknown> = {}) =>
  new DomainError(code, message, details);

/** Factories so each refusal reads the same wherever it is raised. */
export const RoomErrors = {
  authForbidden: (message: string) => CommonErrors.forbidden(message),
  notFound: (roomId?: string) => error(RoomErrorCode.NotFound, 'this room does not exist', roomId ? { roomId } : {}),
  alreadyExists: (roomId: string) => error(RoomErrorCode.AlreadyExists, 'a room with this id already exists', { roomId }),
  archived: (roomId: string) => error(RoomErrorCode.Archived, 'this room is archived and read-only', { roomId }),
  forbidden: (message: string, details: Record<string, unknown> = {}) => error(RoomErrorCode.Forbidden, message, details),
  notAMember: (roomId: string) => error(RoomErrorCode.NotAMember, 'you are not a member of this room', { roomId }),
  presenceUnavailable: (roomId: string) =>
    error(RoomErrorCode.PresenceUnavailable, 'not every node answered in time; ask again in a moment', { roomId }),
  targetNotAMember: (userId: string) => error(RoomErrorCode.TargetNotAMember, 'that user is not a member of this room', { userId }),
  alreadyAMember: (userId: string) => error(RoomErrorCode.AlreadyAMember, 'already a member of this room', { userId }),
  familyNotAllowed: () =>
    error(RoomErrorCode.FamilyNotAllowed, 'family guests take part in family sessions, not group rooms'),
  closed: () => error(RoomErrorCode.Closed, 'this room is closed to new members'),
  /** a rule refusal like ROOM.CLOSED, so 422 (libs/edge statusForCode): the room's kind, not the actor, says no */
  pairRoom: () =>
    error(RoomErrorCode.PairRoom, "a mentor pair's room follows its pairing: end the pairing or ask for a rematch instead"),
  /** like ROOM.PAIR_ROOM: who is in a family session's room, its settings and its end follow the session */
  familySessionRoom: () =>
    error(
      RoomErrorCode.FamilySessionRoom,
      "a family session's room follows its session: guests are admitted and removed (family.admit, family.removeGuest), and the room closed, through the session",
    ),
  inviteRequired: () => error(RoomErrorCode.InviteRequired, 'this room is invite-only; ask a facilitator for an invite'),
  full: (capacity: number) => error(RoomErrorCode.Full, 'this room is full', { capacity }),
  banned: (userId: string) => error(RoomErrorCode.Banned, 'banned from this room', { userId }),
  alreadyBanned: (userId: string) => error(RoomErrorCode.AlreadyBanned, 'that user is already banned', { userId }),
  notBanned: (userId: string) => error(RoomErrorCode.NotBanned, 'that user is not banned', { userId }),
  lastFacilitator: (userId: string) =>
    error(RoomErrorCode.LastFacilitator, 'a room keeps at least one facilitator; appoint another first', { userId }),
  notAFacilitator: (userId: string) => error(RoomErrorCode.NotAFacilitator, 'that user is not a facilitator here', { userId }),
  muted: (mutedUntil: string, reason: string) =>
    error(RoomErrorCode.Muted, 'you are muted in this room', { mutedUntil, reason }),
  notMuted: (userId: string) => error(RoomErrorCode.NotMuted, 'that user is not muted', { userId }),
  locked: () => error(RoomErrorCode.Locked, 'the room is locked; only facilitators can post for now'),
  slowMode: (retryAfterMs: number, intervalSeconds: number) =>
    error(RoomErrorCode.SlowMode, 'slow mode is on; wait before posting again', { retryAfterMs, intervalSeconds }),
  rateLimited: (activity: string, retryAfterMs: number, limit: number, windowSeconds: number) =>
    error(RoomErrorCode.RateLimited, `too many at once (${activity}); wait and try again`, { activity, retryAfterMs, limit, windowSeconds }),
  messageEmpty: () => error(RoomErrorCode.MessageEmpty, 'a message needs some text'),
  messageTooLong: (max: number, length: number) =>
    error(RoomErrorCode.MessageTooLong, `a message holds at most ${max} characters`, { max, length }),
  messageNotFound: (messageId: string) => error(RoomErrorCode.MessageNotFound, 'no such message in this room', { messageId }),
  messageRedacted: (messageId: string) =>
    error(RoomErrorCode.MessageRedacted, 'that message was removed by a moderator', { messageId }),
  duplicateMessageId: (messageId: string) =>
    error(RoomErrorCode.DuplicateMessageId, 'a message with this id already exists', { messageId }),
  notAuthor: (messageId: string) => error(RoomErrorCode.NotAuthor, 'only the author can change this message', { messageId }),
  contentWarningTooLong: (max: number) =>
    error(RoomErrorCode.ContentWarningTooLong, `a content warning holds at most ${max} characters`, { max }),
  invalidReaction: (max: number) => error(RoomErrorCode.InvalidReaction, `a reaction is 1 to ${max} characters`, { max }),
  invalidName: (max: number) => error(RoomErrorCode.InvalidName, `a room name is 1 to ${max} characters`, { max }),
  invalidTopic: (max: number) => error(RoomErrorCode.InvalidTopic, `a topic holds at most ${max} characters`, { max }),
  invalidAgreement: (max: number) => error(RoomErrorCode.InvalidAgreement, `a group agreement is 1 to ${max} characters`, { max }),
  noAgreement: () => error(RoomErrorCode.NoAgreement, 'this room has no group agreement'),
  agreementChanged: (version: number) =>
    error(RoomErrorCode.AgreementChanged, 'the group agreement changed since you read it; read the new one', { version }),
  agreementNotAccepted: (version: number) =>
    error(RoomErrorCode.AgreementNotAccepted, "read and accept the group's agreement before you take part (rooms.acceptAgreement)", { version }),
  invalidOpenHours: (message: string, details: Record<string, unknown>) => error(RoomErrorCode.InvalidOpenHours, message, details),
  outsideOpenHours: (opensAt: string | null, timeZone: string) =>
    error(RoomErrorCode.OutsideOpenHours, 'the group is not open at this hour (nobody moderates it now); it opens again at opensAt', { opensAt, timeZone }),
  invalidKind: (allowed: readonly string[]) => error(RoomErrorCode.InvalidKind, 'unknown room kind', { allowed }),
  invalidCapacity: (min: number, max: number) =>
    error(RoomErrorCode.InvalidCapacity, `capacity is a whole number from ${min} to ${max}`, { min, max }),
  invalidJoinRule: (allowed: readonly string[]) => error(RoomErrorCode.InvalidJoinRule, 'unknown join rule', { allowed }),
  invalidMuteDuration: (minSeconds: number, maxSeconds: number) =>
    error(RoomErrorCode.InvalidMuteDuration, 'mute duration is out of range', { minSeconds, maxSeconds }),
  invalidSlowMode: (maxSeconds: number) =>
    error(RoomErrorCode.InvalidSlowMode, `slow mode is 0 (off) to ${maxSeconds} whole seconds`, { maxSeconds }),
  invalidPosition: () => error(RoomErrorCode.InvalidPosition, 'a read position is a whole number, zero or more'),
  positionNotReached: (newest: number) =>
    error(RoomErrorCode.InvalidPosition, 'a read position cannot be past the newest event', { newestPosition: newest }),
  reasonRequired: () => error(RoomErrorCode.ReasonRequired, 'a reason is required'),
  reasonTooLong: (max: number) => error(RoomErrorCode.ReasonTooLong, `a reason holds at most ${max} characters`, { max }),
  noteTooLong: (max: number) => error(RoomErrorCode.NoteTooLong, `a note holds at most ${max} characters`, { max }),
  cannotReportOwnMessage: (messageId: string) =>
    error(RoomErrorCode.CannotReportOwnMessage, 'you cannot report your own message', { messageId }),
  cannotResolveReportOnOwnMessage: (reportId: string) =>
    error(RoomErrorCode.CannotResolveReportOnOwnMessage, 'a report about your own message is for another moderator', { reportId }),
  alreadyReported: (messageId: string, reportId: string) =>
    error(RoomErrorCode.AlreadyReported, 'you already reported this message', { messageId, reportId }),
  cannotPin: (messageId: string) =>
    error(RoomErrorCode.CannotPin, "only the words of the room's facilitators and staff can be pinned: a pin shows them to members who were not there", { messageId }),
  tooManyPins: (max: number, pinned: readonly string[]) =>
    error(RoomErrorCode.TooManyPins, `a room keeps at most ${max} messages pinned; unpin one first`, { max, pinned }),
  duplicateReportId: (reportId: string) => error(RoomErrorCode.DuplicateReportId, 'a report with this id already exists', { reportId }),
  reportNotFound: (reportId: string) => error(RoomErrorCode.ReportNotFound, 'no such report in this room', { reportId }),
  reportAlreadyResolved: (reportId: string) =>
    error(RoomErrorCode.ReportAlreadyResolved, 'this report is already resolved', { reportId }),
  invalidOutcome: (allowed: readonly string[]) => error(RoomErrorCode.InvalidOutcome, 'unknown report outcome', { allowed }),
} as const;
