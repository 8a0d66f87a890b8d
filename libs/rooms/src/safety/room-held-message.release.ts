import { Injectable } from '@nestjs/common';
import type { Actor } from '@haven/domain';
import type { HeldMessageRelease } from '@haven/safety/conversation-port';
import type { ConversationRef, HeldMessage } from '@haven/safety/domain/safety-alert.events';
import { RoomCommandsService } from '../room-commands.service';

/** Posts a released message into its room as its author's (ReleaseHeldMessage in the room decider). */
@Injectable()
export class RoomHeldMessageRelease implements HeldMessageRelease {
  constructor(private readonly rooms: RoomCommandsService) {}

  async check(actor: Actor, conversation: ConversationRef, held: HeldMessage, authorId: string, alertId: string): Promise<void> {
    await this.rooms.preview('ReleaseHeldMessage', releaseData(conversation, held, authorId), actor, releaseCommandId(alertId));
  }

  async release(actor: Actor, conversation: ConversationRef, held: HeldMessage, authorId: string, alertId: string): Promise<void> {
    await this.rooms.execute('ReleaseHeldMessage', releaseData(conversation, held, authorId), actor, releaseCommandId(alertId));
  }
}

const releaseCommandId = (alertId: string) => `release:${alertId}`;

function releaseData(conversation: ConversationRef, held: HeldMessage, authorId: string) {
  const { messageId, text, contentWarning, replyTo, edit } = held;
  return { roomId: conversation.id, messageId, authorId, text, contentWarning, replyTo, edit };
}
