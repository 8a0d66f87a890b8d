import { SYSTEM_ACTOR, type Actor } from '@haven/domain';
import type {
  AdmitFamilyGuest,
  CloseFamilySessionRoom,
  OpenFamilySessionRoom,
  RemoveFamilyGuest,
  RoomFamilySessionCommand,
} from './room.commands';
import { RoomErrors } from './room.errors';
import type { RoomEvent } from './room.events';
import { requireActiveRoom } from './room.policy';
import type { Room, RoomState } from './room.state';

/**
 * A family session's room opens, takes in and turns away guests, and closes with its session, which the
 * family-sessions context decides; it sends these commands as the system actor. All are idempotent, so the session's
 * side may send them again after a crash.
 */
export function decideRoomFamilySession(command: RoomFamilySessionCommand, state: RoomState): RoomEvent[] {
  requireSystem(command.context.actor);
  switch (command.type) {
    case 'OpenFamilySessionRoom':
      return decideOpen(command, state);
    case 'AdmitFamilyGuest':
      return decideAdmit(command, state);
    case 'RemoveFamilyGuest':
      return decideRemove(command, state);
    case 'CloseFamilySessionRoom':
      return decideClose(command, state);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function requireSystem(actor: Actor): void {
  if (actor.userId !== SYSTEM_ACTOR.userId) {
    throw RoomErrors.authForbidden("a family session's room follows its session, not changes by hand");
  }
}

function requireFamilySessionRoom(room: Room): Room {
  if (room.kind !== 'family_session') throw RoomErrors.forbidden("only a family session's room takes family guests", { roomId: room.roomId });
  return room;
}

function decideOpen(command: OpenFamilySessionRoom, state: RoomState): RoomEvent[] {
  const { roomId, sessionId, participantId, hostId } = command.data;
  if (state.status !== 'absent') {
    // the same session again is a retry; another room (or another session's room) under this id is a clash
    if (state.sessionId === sessionId) return [];
    throw RoomErrors.alreadyExists(roomId);
  }
  if (participantId === hostId) throw RoomErrors.forbidden('the host is not the participant', { userId: hostId });
  return [
    { type: 'FamilySessionRoomOpened', data: { roomId, sessionId, participantId, hostId, openedAt: command.context.now } },
  ];
}

/** Staff admitted the guest in the session's waiting room; the room only seats them. */
function decideAdmit(command: AdmitFamilyGuest, state: RoomState): RoomEvent[] {
  const room = requireFamilySessionRoom(requireActiveRoom(state));
  const { guestId } = command.data;
  if (room.members[guestId]) return [];
  if (Object.keys(room.members).length >= room.capacity) throw RoomErrors.full(room.capacity);
  return [{ type: 'MemberJoined', data: { userId: guestId, role: 'family', joinedAt: command.context.now } }];
}

/** Members see a neutral leave (the audience redacts removals), so the family is not told why in front of others. */
function decideRemove(command: RemoveFamilyGuest, state: RoomState): RoomEvent[] {
  if (state.status === 'absent') throw RoomErrors.notFound(command.data.roomId);
  const room = requireFamilySessionRoom(state);
  // a closed session's room is read-only: nobody is in it to turn away any more
  if (room.status === 'archived') return [];
  const { guestId } = command.data;
  if (!room.members[guestId] || room.knownRoles[guestId] !== 'family') return [];
  return [
    { type: 'MemberRemoved', data: { userId: guestId, reason: 'turned away', by: SYSTEM_ACTOR.userId, removedAt: command.context.now } },
  ];
}

/** Archiving makes the room read-only once the session ends: archived rooms refuse every command. */
function decideClose(command: CloseFamilySessionRoom, state: RoomState): RoomEvent[] {
  if (state.status === 'absent') throw RoomErrors.notFound(command.data.roomId);
  const room = requireFamilySessionRoom(state);
  if (room.status === 'archived') return [];
  return [{ type: 'RoomArchived', data: { by: SYSTEM_ACTOR.userId, archivedAt: command.context.now } }];
}
