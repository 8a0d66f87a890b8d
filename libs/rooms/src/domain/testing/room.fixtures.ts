import type { Actor, Role } from '@haven/domain';
import { SYSTEM_ACTOR } from '@haven/domain';
import { deciderSpec } from '@haven/domain/testing/given-when-then';
import type { RoomCommand, RoomCommandType } from '../room.commands';
import { roomDecider } from '../room.decider';
import type { RoomEvent, RoomEventType } from '../room.events';
import { evolveRoom, initialRoomState, type Room } from '../room.state';

/** Shared vocabulary for the room specifications: one room, a cast of users, a clock that starts at T0. */
export const ROOM_ID = 'room-1';
export const T0 = '2030-01-06T10:00:00.000Z';
export const at = (seconds: number): string => new Date(Date.parse(T0) + seconds * 1000).toISOString();

const actor = (userId: string, role: Role): Actor => ({ userId, role });
export const users = {
  facilitator: actor('fac-1', 'facilitator'),
  facilitator2: actor('fac-2', 'facilitator'),
  clinician: actor('clin-1', 'clinician'),
  admin: actor('admin-1', 'admin'),
  alice: actor('alice', 'participant'),
  bob: actor('bob', 'participant'),
  carol: actor('carol', 'participant'),
  mentor: actor('mentor-1', 'mentor'),
  family: actor('fam-1', 'family'),
  system: SYSTEM_ACTOR,
} as const;

export const spec = deciderSpec(roomDecider);

type CommandOf<T extends RoomCommandType> = Extract<RoomCommand, { type: T }>;
type EventOf<T extends RoomEventType> = Extract<RoomEvent, { type: T }>;

let commandSeq = 0;
/** A command in ROOM_ID by `by` at `now` (T0 unless told). */
export function command<T extends RoomCommandType>(
  type: T,
  data: Omit<CommandOf<T>['data'], 'roomId'>,
  by: Actor,
  now: string = T0,
): CommandOf<T> {
  commandSeq += 1;
  return { type, data: { roomId: ROOM_ID, ...data }, context: { actor: by, commandId: `cmd-${commandSeq}`, now } } as unknown as CommandOf<T>;
}

export const event = <T extends RoomEventType>(type: T, data: EventOf<T>['data']): RoomEvent => ({ type, data }) as EventOf<T>;

export const roomCreated = (overrides: Partial<EventOf<'RoomCreated'>['data']> = {}): RoomEvent =>
  event('RoomCreated', {
    roomId: ROOM_ID,
    name: 'Evening group',
    topic: 'Getting through the week',
    kind: 'peer_support',
    capacity: 12,
    joinRule: 'open',
    createdBy: users.facilitator.userId,
    creatorRole: 'facilitator',
    createdAt: T0,
    ...overrides,
  });

export const PAIRING_ID = 'pairing-1';

/** A mentor pair's room for alice (participant) and mentor-1, opened by the system. */
export const pairRoomOpened = (overrides: Partial<EventOf<'PairRoomOpened'>['data']> = {}): RoomEvent =>
  event('PairRoomOpened', {
    roomId: ROOM_ID,
    pairingId: PAIRING_ID,
    participantId: users.alice.userId,
    mentorId: users.mentor.userId,
    openedAt: T0,
    ...overrides,
  });

export const joined = (who: Actor, joinedAt: string = T0): RoomEvent =>
  event('MemberJoined', { userId: who.userId, role: who.role, joinedAt });

export const posted = (messageId: string, author: Actor, postedAt: string = T0, text = 'hello'): RoomEvent =>
  event('MessagePosted', { messageId, authorId: author.userId, text, contentWarning: null, replyTo: null, postedAt });

export const muted = (who: Actor, mutedUntil: string, reason = 'cooling off', by: Actor = users.facilitator): RoomEvent =>
  event('MemberMuted', { userId: who.userId, reason, mutedUntil, by: by.userId, mutedAt: T0 });

/** A room with the facilitator (creator), alice and bob in it. */
export const roomWithAliceAndBob = (overrides: Partial<EventOf<'RoomCreated'>['data']> = {}): RoomEvent[] => [
  roomCreated(overrides),
  joined(users.alice),
  joined(users.bob),
];

export const fold = (events: RoomEvent[]): Room => {
  const state = events.reduce(evolveRoom, initialRoomState());
  if (state.status === 'absent') throw new Error('no room in these events');
  return state;
};
