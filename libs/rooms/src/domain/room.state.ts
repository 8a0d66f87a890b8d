import type { Role } from '@haven/domain';
import { Map as PersistentMap } from 'immutable';
import type { JoinRule, RoomKind } from './room.commands';
import { FAMILY_SESSION_ROOM, PAIR_ROOM, type RoomEvent } from './room.events';
import type { OpenHours } from './room-open-hours';

export type RoomRole = 'member' | 'facilitator';

export interface MemberState {
  roomRole: RoomRole;
  joinedAt: string;
  /** forward-only read receipt (a global log position) */
  lastReadPosition: number;
}

export interface MuteState {
  mutedUntil: string;
  reason: string;
}

export interface MessageState {
  authorId: string;
  deleted: boolean;
  redacted: boolean;
  /** emoji -> user ids who reacted with it */
  reactions: Record<string, string[]>;
}

export interface ReportState {
  reporterId: string;
  messageId: string;
  /** the reported message's author, who never learns who reported it */
  authorId: string;
  status: 'open' | 'resolved';
}

export interface Room {
  status: 'active' | 'archived';
  roomId: string;
  name: string;
  topic: string;
  kind: RoomKind;
  capacity: number;
  joinRule: JoinRule;
  locked: boolean;
  slowModeSeconds: number;
  members: Record<string, MemberState>;
  /** global role of everyone who has been in the room, as of their last join; moderation limits read it */
  knownRoles: Record<string, Role>;
  invites: Record<string, true>;
  bans: Record<string, true>;
  /** kept across leave/rejoin so leaving is no way around a mute */
  mutes: Record<string, MuteState>;
  /** when each user last posted, for slow mode; kept across leave/rejoin for the same reason as mutes */
  lastPostAt: Record<string, string>;
  /** kept across leave/rejoin: a preference, not a membership fact */
  privateReceipts: Record<string, true>;
  /** members who turned away notices off for this room; kept across leave/rejoin, as receipts are */
  awayNoticesOff: Record<string, true>;
  /** the group agreement now, or null; `agreementVersion` counts its changes (removals too) */
  agreement: { text: string; version: number } | null;
  agreementVersion: number;
  /** when members other than its facilitators and staff may speak (room-open-hours.ts); null: at all hours */
  openHours: OpenHours | null;
  /** the version each person last accepted; kept across leave/rejoin (they read it) */
  agreementAccepted: Record<string, number>;
  /**
   * Persistent maps: they grow with the room's history, and a copied object per event made a fold quadratic
   * (1.6 s for 3,000 messages). set() shares structure with the previous state, so evolve stays pure.
   */
  messages: PersistentMap<string, MessageState>;
  reports: PersistentMap<string, ReportState>;
  /** pinned message ids, in the order they were pinned */
  pins: readonly string[];
  /** the mentor pairing a 'mentor_pair' room belongs to; null for every other room */
  pairingId: string | null;
  /** the family session a 'family_session' room belongs to; null for every other room */
  sessionId: string | null;
}

export type RoomState = { status: 'absent' } | Room;

export const initialRoomState = (): RoomState => ({ status: 'absent' });

const without = <V>(record: Record<string, V>, key: string): Record<string, V> => {
  const { [key]: _removed, ...rest } = record;
  return rest;
};

const withMessage = (room: Room, messageId: string, change: (message: MessageState) => MessageState): Room => {
  const message = room.messages.get(messageId);
  return message ? { ...room, messages: room.messages.set(messageId, change(message)) } : room;
};

const withMember = (room: Room, userId: string, change: (member: MemberState) => MemberState): Room => {
  const member = room.members[userId];
  return member ? { ...room, members: { ...room.members, [userId]: change(member) } } : room;
};

type RoomSettings = Pick<Room, 'roomId' | 'name' | 'topic' | 'kind' | 'capacity' | 'joinRule' | 'members' | 'knownRoles' | 'pairingId' | 'sessionId'>;

/** A room as it starts: active, unlocked, with only its first members and nothing said yet. */
const newRoom = (settings: RoomSettings): Room => ({
  status: 'active',
  ...settings,
  locked: false,
  slowModeSeconds: 0,
  invites: {},
  bans: {},
  mutes: {},
  lastPostAt: {},
  privateReceipts: {},
  awayNoticesOff: {},
  agreement: null,
  agreementVersion: 0,
  openHours: null,
  agreementAccepted: {},
  messages: PersistentMap(),
  reports: PersistentMap(),
  pins: [],
});

/** Folds one event into the state. Pure: returns a new state, never touches the old one. */
export function evolveRoom(state: RoomState, event: RoomEvent): RoomState {
  if (event.type === 'RoomCreated') {
    const { roomId, name, topic, kind, capacity, joinRule, createdBy, creatorRole, createdAt } = event.data;
    return newRoom({
      roomId,
      name,
      topic,
      kind,
      capacity,
      joinRule,
      members: { [createdBy]: { roomRole: 'facilitator', joinedAt: createdAt, lastReadPosition: 0 } },
      knownRoles: { [createdBy]: creatorRole },
      pairingId: null,
      sessionId: null,
    });
  }
  if (event.type === 'PairRoomOpened') {
    const { roomId, pairingId, participantId, mentorId, openedAt } = event.data;
    const { name, topic, kind, capacity, joinRule } = PAIR_ROOM;
    const member: MemberState = { roomRole: 'member', joinedAt: openedAt, lastReadPosition: 0 };
    return newRoom({
      roomId,
      name,
      topic,
      kind,
      capacity,
      joinRule,
      members: { [participantId]: member, [mentorId]: member },
      knownRoles: { [participantId]: 'participant', [mentorId]: 'mentor' },
      pairingId,
      sessionId: null,
    });
  }
  if (event.type === 'FamilySessionRoomOpened') {
    const { roomId, sessionId, participantId, hostId, openedAt } = event.data;
    const { name, topic, kind, capacity, joinRule } = FAMILY_SESSION_ROOM;
    return newRoom({
      roomId,
      name,
      topic,
      kind,
      capacity,
      joinRule,
      members: {
        [participantId]: { roomRole: 'member', joinedAt: openedAt, lastReadPosition: 0 },
        [hostId]: { roomRole: 'facilitator', joinedAt: openedAt, lastReadPosition: 0 },
      },
      knownRoles: { [participantId]: 'participant', [hostId]: 'clinician' },
      pairingId: null,
      sessionId,
    });
  }
  if (state.status === 'absent') return state;
  const room = state;
  switch (event.type) {
    case 'RoomRenamed':
      return { ...room, name: event.data.name };
    case 'TopicChanged':
      return { ...room, topic: event.data.topic };
    case 'JoinRuleChanged':
      return { ...room, joinRule: event.data.joinRule };
    case 'RoomArchived':
      return { ...room, status: 'archived' };
    case 'FacilitatorAppointed':
      return withMember(room, event.data.userId, (m) => ({ ...m, roomRole: 'facilitator' }));
    case 'FacilitatorRemoved':
      return withMember(room, event.data.userId, (m) => ({ ...m, roomRole: 'member' }));
    case 'MemberInvited':
      return { ...room, invites: { ...room.invites, [event.data.userId]: true } };
    case 'MemberJoined': {
      const { userId, role, joinedAt } = event.data;
      return {
        ...room,
        members: { ...room.members, [userId]: { roomRole: 'member', joinedAt, lastReadPosition: 0 } },
        knownRoles: { ...room.knownRoles, [userId]: role },
        invites: without(room.invites, userId),
      };
    }
    case 'MemberLeft':
    case 'MemberRemoved':
      return { ...room, members: without(room.members, event.data.userId) };
    case 'MessagePosted': {
      const { messageId, authorId, postedAt } = event.data;
      return {
        ...room,
        messages: room.messages.set(messageId, { authorId, deleted: false, redacted: false, reactions: {} }),
        lastPostAt: { ...room.lastPostAt, [authorId]: postedAt },
      };
    }
    case 'MessageEdited':
      return room;
    case 'MessageDeleted':
      return withMessage(room, event.data.messageId, (m) => ({ ...m, deleted: true }));
    case 'ReactionAdded': {
      const { userId, emoji } = event.data;
      return withMessage(room, event.data.messageId, (m) => ({
        ...m,
        reactions: { ...m.reactions, [emoji]: [...(m.reactions[emoji] ?? []), userId] },
      }));
    }
    case 'ReactionRemoved': {
      const { userId, emoji } = event.data;
      return withMessage(room, event.data.messageId, (m) => {
        const left = (m.reactions[emoji] ?? []).filter((id) => id !== userId);
        return { ...m, reactions: left.length ? { ...m.reactions, [emoji]: left } : without(m.reactions, emoji) };
      });
    }
    case 'ReadMarked':
      return withMember(room, event.data.userId, (m) => ({ ...m, lastReadPosition: event.data.position }));
    case 'ReadReceiptPrivacySet':
      return {
        ...room,
        privateReceipts: event.data.private
          ? { ...room.privateReceipts, [event.data.userId]: true }
          : without(room.privateReceipts, event.data.userId),
      };
    case 'AwayNoticesSet':
      return {
        ...room,
        awayNoticesOff: event.data.on ? without(room.awayNoticesOff, event.data.userId) : { ...room.awayNoticesOff, [event.data.userId]: true },
      };
    case 'AgreementSet': {
      const { text, version } = event.data;
      return { ...room, agreement: text === null ? null : { text, version }, agreementVersion: version };
    }
    case 'OpenHoursSet':
      return { ...room, openHours: event.data.openHours };
    case 'AgreementAccepted':
      return { ...room, agreementAccepted: { ...room.agreementAccepted, [event.data.userId]: event.data.version } };
    case 'MemberMuted':
      return {
        ...room,
        mutes: { ...room.mutes, [event.data.userId]: { mutedUntil: event.data.mutedUntil, reason: event.data.reason } },
      };
    case 'MemberUnmuted':
      return { ...room, mutes: without(room.mutes, event.data.userId) };
    case 'MemberWarned':
      // a record for the member and the moderators; it restricts nothing
      return room;
    case 'MemberBanned':
      return {
        ...room,
        members: without(room.members, event.data.userId),
        invites: without(room.invites, event.data.userId),
        bans: { ...room.bans, [event.data.userId]: true },
      };
    case 'MemberUnbanned':
      return { ...room, bans: without(room.bans, event.data.userId) };
    case 'MessageRedacted':
      return withMessage(room, event.data.messageId, (m) => ({ ...m, redacted: true }));
    case 'SlowModeSet':
      return { ...room, slowModeSeconds: event.data.intervalSeconds };
    case 'RoomLocked':
      return { ...room, locked: true };
    case 'RoomUnlocked':
      return { ...room, locked: false };
    case 'MessagePinned':
      return { ...room, pins: [...room.pins, event.data.messageId] };
    case 'MessageUnpinned':
      return { ...room, pins: room.pins.filter((id) => id !== event.data.messageId) };
    case 'MessageReported': {
      const { reportId, reporterId, messageId, authorId } = event.data;
      return { ...room, reports: room.reports.set(reportId, { reporterId, messageId, authorId, status: 'open' }) };
    }
    case 'ReportResolved': {
      const report = room.reports.get(event.data.reportId);
      if (!report) return room;
      return { ...room, reports: room.reports.set(event.data.reportId, { ...report, status: 'resolved' }) };
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
