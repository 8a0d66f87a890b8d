import type { DomainEvent } from '@haven/domain';
import type { RoomEvent } from './room.events';

/**
 * Who receives a room event, live and on catch-up alike.
 * - `to`: 'members' = everyone in the room; 'moderators' = the room's facilitators plus clinicians and admins who are
 *   in the room; 'nobody' = only `alsoUsers`.
 * - `alsoUsers`: added individually (their `user:<id>` channel), e.g. a target who is no longer a member.
 * - `redactFor: 'non-moderators'`: members reached only through `to: 'members'` (not moderators, not in `alsoUsers`)
 *   get `redactRoomEvent(event)` instead of the stored event.
 * - `exceptUsers`: never receive it, even as moderators (the author of a reported message).
 */
export type RoomAudience = {
  roomId: string;
  to: 'members' | 'moderators' | 'nobody';
  alsoUsers?: string[];
  exceptUsers?: string[];
  redactFor?: 'non-moderators';
};

/*
 * Choices:
 * - Conversation and room changes (messages, edits, deletes, reactions, redaction placeholders, joins, leaves,
 *   facilitator changes, lock, slow mode, settings) go to members.
 * - Messages go to members like the rest; a redaction reaches members as the MessageRedacted placeholder, without its
 *   reason or moderator. An original redacted since is not this function's to decide (it sees one event): live, it
 *   was delivered before the redaction existed; on catch-up, delivery sends it to non-moderators with its text
 *   removed (room-delivery.policy.ts, withRedactionsApplied), in its place in the history.
 * - Mutes, unmutes, warnings, unbans: moderators + the target. Reasons are private to them.
 * - Removal and ban of a member: members see a neutral MemberLeft (same as a voluntary leave, so peers cannot tell);
 *   moderators and the target see the full event. A ban of a former member: moderators + target only.
 * - Reports and resolutions: moderators + reporter, never the reported author, also when the author is a moderator.
 * - A mentor pair's room: its opening goes to the two. Nobody facilitates a pair, so what goes to 'moderators' there
 *   reaches clinicians instead (delivery adds them, room-delivery.policy.ts); the pair's messages stay theirs.
 * - A family session's room: its opening goes to the participant and the host; its host facilitates it, so it runs as a
 *   group room. Its admitted family guests are members like the others (delivery reaches their family logins only
 *   there, room-delivery.policy.ts).
 * - Pins: members (who pinned is no secret); an unpinning by a redaction reaches members, like the redaction, without
 *   its moderator.
 * - A group agreement: members (what they are asked to accept); who accepted it: moderators + that member.
 * - Invites: moderators + invitee. Read receipts: members, or only the reader when private; the privacy setting
 *   itself only to that user.
 */
export function roomEventAudience(event: RoomEvent, roomId: string): RoomAudience {
  const members: RoomAudience = { roomId, to: 'members' };
  const moderatorsAnd = (...users: string[]): RoomAudience => ({ roomId, to: 'moderators', alsoUsers: users });
  switch (event.type) {
    case 'RoomCreated':
      return { ...members, alsoUsers: [event.data.createdBy] };
    case 'PairRoomOpened':
      // the two are not in the socket room yet when it opens
      return { ...members, alsoUsers: [event.data.participantId, event.data.mentorId] };
    case 'FamilySessionRoomOpened':
      return { ...members, alsoUsers: [event.data.participantId, event.data.hostId] };
    case 'MessagePosted':
    case 'MessageEdited':
    case 'RoomRenamed':
    case 'TopicChanged':
    case 'JoinRuleChanged':
    case 'RoomArchived':
    case 'FacilitatorAppointed':
    case 'FacilitatorRemoved':
    case 'MessageDeleted':
    case 'ReactionAdded':
    case 'ReactionRemoved':
    case 'SlowModeSet':
    case 'RoomLocked':
    case 'RoomUnlocked':
    case 'MessagePinned':
    case 'AgreementSet':
    case 'OpenHoursSet':
      return members;
    case 'MessageUnpinned':
      // unpinned by a redaction: members learn it is gone, not which moderator redacted it (as MessageRedacted)
      return event.data.cause === 'redacted' ? { ...members, redactFor: 'non-moderators' } : members;
    case 'MemberJoined':
    case 'MemberLeft':
      // the joiner may not be in the socket room yet; the leaver is no longer in it
      return { ...members, alsoUsers: [event.data.userId] };
    case 'MessageRedacted':
      return { ...members, alsoUsers: [event.data.authorId], redactFor: 'non-moderators' };
    case 'MemberRemoved':
      return { ...members, alsoUsers: [event.data.userId], redactFor: 'non-moderators' };
    case 'MemberBanned':
      return event.data.wasMember
        ? { ...members, alsoUsers: [event.data.userId], redactFor: 'non-moderators' }
        : moderatorsAnd(event.data.userId);
    case 'MemberMuted':
    case 'MemberUnmuted':
    case 'MemberWarned':
    case 'MemberUnbanned':
    case 'MemberInvited':
    case 'AgreementAccepted':
      return moderatorsAnd(event.data.userId);
    case 'MessageReported':
    case 'ReportResolved': {
      const audience = moderatorsAnd(event.data.reporterId);
      return event.data.authorId ? { ...audience, exceptUsers: [event.data.authorId] } : audience;
    }
    case 'ReadMarked':
      return event.data.private ? { roomId, to: 'nobody', alsoUsers: [event.data.userId] } : members;
    case 'ReadReceiptPrivacySet':
    case 'AwayNoticesSet':
      return { roomId, to: 'nobody', alsoUsers: [event.data.userId] };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/**
 * The form non-moderators get when the audience says `redactFor: 'non-moderators'`. Events without a redacted form
 * are returned unchanged. `at` is the time to show (the event's own time).
 */
export function redactRoomEvent(event: RoomEvent): DomainEvent {
  switch (event.type) {
    case 'MemberRemoved':
      return { type: 'MemberLeft', data: { userId: event.data.userId, leftAt: event.data.removedAt } };
    case 'MemberBanned':
      return { type: 'MemberLeft', data: { userId: event.data.userId, leftAt: event.data.bannedAt } };
    case 'MessageRedacted':
      return { type: 'MessageRedacted', data: { messageId: event.data.messageId, redactedAt: event.data.redactedAt } };
    case 'MessageUnpinned': {
      const { by: _by, ...withoutModerator } = event.data;
      return { type: 'MessageUnpinned', data: withoutModerator };
    }
    default:
      return event;
  }
}
