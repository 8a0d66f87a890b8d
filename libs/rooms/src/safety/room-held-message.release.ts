import { Injectable } from '@nestjs/common';
import type { Actor } from '@haven/domain';
import type { HeldMessageRelease } from '@haven/safety/conversation-port';
import type { ConversationRef, HeldMessage } from '@haven/safety/domain/safety-alert.events';
import { RoomCommandsService } from '../room-commands.service';

/** Posts a released message into its room as its author's (ReleaseHeldMessage in the room decider). */
@Injectable()
export class RoomHeldMessageRelease implements HeldMessageRelease {
  constructor(private readonly rooms: RoomCommandsService) {}

  async release(actor: Actor, conversation: ConversationRef, held: HeldMessage, authorId: string, alertId: string): Promise<void> {
    const { messageId, text, contentWarning, replyTo, edit } = held;
    await this.rooms.execute('ReleaseHeldMessage', { roomId: conversation.id, messageId, authorId, text, contentWarning, replyTo, edit }, actor, `release:${alertId}`);
  }
}
