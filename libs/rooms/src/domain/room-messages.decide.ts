import type { RoomMessageCommand } from './room.commands';
import { RoomErrors } from './room.errors';
import type { RoomEvent } from './room.events';
import { requireActiveRoom, requireMember, speechRestriction } from './room.policy';
import type { MessageState, Room, RoomState } from './room.state';
import { validContentWarning, validMessageText, validReaction } from './room.validation';
import { unpinned } from './room-pins.decide';

/** A message members can still see: it exists here and is neither deleted nor redacted. */
function visibleMessage(room: Room, messageId: string): MessageState {
  const message = room.messages.get(messageId);
  if (!message || message.deleted) throw RoomErrors.messageNotFound(messageId);
  if (message.redacted) throw RoomErrors.messageRedacted(messageId);
  return message;
}

/** Posting, editing, deleting and reacting. Mute, lock and slow mode come from one place (speechRestriction). */
export function decideRoomMessages(command: RoomMessageCommand, state: RoomState): RoomEvent[] {
  const { actor, now } = command.context;
  const room = requireActiveRoom(state);
  requireMember(room, actor);
  const userId = actor.userId;
  const refuseIfRestricted = (slowMode: boolean) => {
    const restriction = speechRestriction(room, userId, actor.role, now, { slowMode });
    if (restriction) throw restriction;
  };
  const { messageId } = command.data;
  switch (command.type) {
    case 'PostMessage': {
      refuseIfRestricted(true);
      const text = validMessageText(command.data.text);
      const contentWarning = validContentWarning(command.data.contentWarning);
      if (room.messages.get(messageId)) throw RoomErrors.duplicateMessageId(messageId);
      const replyTo = command.data.replyTo || null;
      if (replyTo) {
        const target = room.messages.get(replyTo);
        // A hidden message is gone from the members' view, so it cannot be replied to.
        if (!target || target.deleted || target.redacted) throw RoomErrors.messageNotFound(replyTo);
      }
      return [{ type: 'MessagePosted', data: { messageId, authorId: userId, text, contentWarning, replyTo, postedAt: now } }];
    }
    case 'EditMessage': {
      refuseIfRestricted(false);
      const message = visibleMessage(room, messageId);
      if (message.authorId !== userId) throw RoomErrors.notAuthor(messageId);
      const text = validMessageText(command.data.text);
      const contentWarning = validContentWarning(command.data.contentWarning);
      return [{ type: 'MessageEdited', data: { messageId, authorId: userId, text, contentWarning, editedAt: now } }];
    }
    case 'DeleteMessage': {
      // Deleting one's own words is always allowed, muted or not: it only ever makes the room safer.
      const message = visibleMessage(room, messageId);
      if (message.authorId !== userId) throw RoomErrors.notAuthor(messageId);
      return [{ type: 'MessageDeleted', data: { messageId, authorId: userId, deletedAt: now } }, ...unpinned(room, messageId, 'deleted', userId, now)];
    }
    case 'AddReaction': {
      refuseIfRestricted(false);
      const message = visibleMessage(room, messageId);
      const emoji = validReaction(command.data.emoji);
      if (message.reactions[emoji]?.includes(userId)) return [];
      return [{ type: 'ReactionAdded', data: { messageId, userId, emoji, reactedAt: now } }];
    }
    case 'RemoveReaction': {
      const message = room.messages.get(messageId);
      if (!message || message.deleted) throw RoomErrors.messageNotFound(messageId);
      const emoji = validReaction(command.data.emoji);
      if (!message.reactions[emoji]?.includes(userId)) return [];
      return [{ type: 'ReactionRemoved', data: { messageId, userId, emoji, removedAt: now } }];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}
