import type { ReleaseHeldMessage } from './room.commands';
import { RoomErrors } from './room.errors';
import type { RoomEvent } from './room.events';
import { requireActiveRoom, requireModerator } from './room.policy';
import type { RoomState } from './room.state';

/**
 * A message the crisis screening held back, released into the room by a staff decision. It is posted as its
 * author's, without the author's mute, lock or slow mode applying: the hold, not the room's limits, delayed it.
 */
export function decideReleaseHeldMessage(command: ReleaseHeldMessage, state: RoomState): RoomEvent[] {
  const { actor, now } = command.context;
  const room = requireActiveRoom(state);
  requireModerator(room, actor);
  const { messageId, authorId, text, contentWarning, replyTo, edit } = command.data;
  if (edit) {
    const message = room.messages.get(messageId);
    if (!message || message.deleted || message.redacted) throw RoomErrors.messageNotFound(messageId);
    if (message.authorId !== authorId) throw RoomErrors.notAuthor(messageId);
    return [{ type: 'MessageEdited', data: { messageId, authorId, text, contentWarning, editedAt: now } }];
  }
  if (room.messages.get(messageId)) throw RoomErrors.duplicateMessageId(messageId);
  const target = replyTo ? room.messages.get(replyTo) : undefined;
  const reply = target && !target.deleted && !target.redacted ? replyTo : null;
  return [{ type: 'MessagePosted', data: { messageId, authorId, text, contentWarning, replyTo: reply, postedAt: now } }];
}
