import { SYSTEM_ACTOR, type Actor } from '@haven/domain';
import type { ClosePairRoom, OpenPairRoom, RoomPairCommand } from './room.commands';
import { RoomErrors } from './room.errors';
import type { RoomEvent } from './room.events';
import type { RoomState } from './room.state';

/**
 * A mentor pair's room opens and closes with its pairing, which the mentoring context decides; it sends these
 * commands as the system actor. Both are idempotent, so the pairing's side may send them again after a crash.
 */
export function decideRoomPair(command: RoomPairCommand, state: RoomState): RoomEvent[] {
  requireSystem(command.context.actor);
  switch (command.type) {
    case 'OpenPairRoom':
      return decideOpenPairRoom(command, state);
    case 'ClosePairRoom':
      return decideClosePairRoom(command, state);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function requireSystem(actor: Actor): void {
  if (actor.userId !== SYSTEM_ACTOR.userId) {
    throw RoomErrors.authForbidden("a mentor pair's room opens and closes with its pairing, not by hand");
  }
}

function decideOpenPairRoom(command: OpenPairRoom, state: RoomState): RoomEvent[] {
  const { roomId, pairingId, participantId, mentorId } = command.data;
  if (state.status !== 'absent') {
    // the same pairing again is a retry; another room (or another pairing's room) under this id is a clash
    if (state.pairingId === pairingId) return [];
    throw RoomErrors.alreadyExists(roomId);
  }
  if (participantId === mentorId) throw RoomErrors.forbidden('a pair is two different people', { userId: mentorId });
  return [{ type: 'PairRoomOpened', data: { roomId, pairingId, participantId, mentorId, openedAt: command.context.now } }];
}

/** Archiving is what makes the room read-only once the pairing ends: archived rooms refuse every command. */
function decideClosePairRoom(command: ClosePairRoom, state: RoomState): RoomEvent[] {
  const { roomId } = command.data;
  if (state.status === 'absent') throw RoomErrors.notFound(roomId);
  const room = state;
  if (room.kind !== 'mentor_pair') throw RoomErrors.forbidden("only a mentor pair's room closes with its pairing", { roomId });
  if (room.status === 'archived') return [];
  return [{ type: 'RoomArchived', data: { by: SYSTEM_ACTOR.userId, archivedAt: command.context.now } }];
}
