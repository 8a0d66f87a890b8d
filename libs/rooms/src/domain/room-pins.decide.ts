import type { RoomPinCommand } from './room.commands';
import { RoomErrors } from './room.errors';
import type { MessageUnpinned, RoomEvent } from './room.events';
import { isFacilitatorOrStaff, requireActiveRoom, requireModerator, requireNotPairRoom } from './room.policy';
import type { Room, RoomState } from './room.state';

/** A few pins stay in view; more would be a second history nobody reads. */
export const MAX_PINS = 5;

/**
 * Pinning: moderators keep up to MAX_PINS messages in view at the top of a room. Only the words of the room's
 * facilitators and staff: every current member reads a pinned message, also one who joined after it was said, where
 * the history shows a member only what was said while they were there; a participant's words are not shown past that.
 * Not in a mentor pair's room, which nobody facilitates. Pinning the pinned, or unpinning what is not pinned, changes
 * nothing.
 */
export function decideRoomPins(command: RoomPinCommand, state: RoomState): RoomEvent[] {
  const { actor, now } = command.context;
  const room = requireActiveRoom(state);
  requireNotPairRoom(room);
  requireModerator(room, actor);
  const { messageId } = command.data;
  switch (command.type) {
    case 'PinMessage': {
      const message = room.messages.get(messageId);
      if (!message || message.deleted) throw RoomErrors.messageNotFound(messageId);
      if (message.redacted) throw RoomErrors.messageRedacted(messageId);
      if (room.pins.includes(messageId)) return [];
      if (!isFacilitatorOrStaff(room, message.authorId)) throw RoomErrors.cannotPin(messageId);
      if (room.pins.length >= MAX_PINS) throw RoomErrors.tooManyPins(MAX_PINS, room.pins);
      return [{ type: 'MessagePinned', data: { messageId, authorId: message.authorId, by: actor.userId, pinnedAt: now } }];
    }
    case 'UnpinMessage':
      return unpinned(room, messageId, 'unpinned', actor.userId, now);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

/** The MessageUnpinned that goes with a message's unpinning, deletion or redaction, if it is pinned. */
export function unpinned(room: Room, messageId: string, cause: MessageUnpinned['data']['cause'], by: string, now: string): RoomEvent[] {
  return room.pins.includes(messageId) ? [{ type: 'MessageUnpinned', data: { messageId, cause, by, unpinnedAt: now } }] : [];
}
