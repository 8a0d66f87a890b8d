import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, handleCommand, type Clock } from '@haven/command-handling';
export { derivedId } from '@haven/command-handling';
import type { Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { LogFollower } from '@haven/realtime';
import { roomDecider } from './domain/room.decider';
import type { RoomCommand } from './domain/room.commands';
import { roomStreamName } from './domain/room.events';

import { RoomErrors } from './domain/room.errors';
import { messageStatus } from './read-models/room-messages.projection';

/** What a client's ack carries after an accepted command. */
export interface CommandAck {
  /** position of the last appended event (null: nothing to do) */
  position: number | null;
  /** true when this commandId had been handled before: nothing new was appended */
  replayed: boolean;
  events: { id: string; type: string; position: number }[];
}

/**
 * Runs room commands: the one path (read, fold, decide, append) for every room message and endpoint.
 * The ack waits until this node has projected and delivered the events, so a client that reads a read model
 * after its ack sees its own write.
 */
@Injectable()
export class RoomCommandsService {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly follower: LogFollower,
  ) {}

  /** For paths that act before the decider runs (a held edit): the message exists, is visible and is the actor's. */
  async requireOwnVisibleMessage(actor: Actor, roomId: string, messageId: string): Promise<void> {
    // the same refusals, in the same order, as the decider's EditMessage
    const message = await messageStatus(this.storage.sql, roomId, messageId);
    if (!message || message.deleted) throw RoomErrors.messageNotFound(messageId);
    if (message.redacted) throw RoomErrors.messageRedacted(messageId);
    if (message.authorId !== actor.userId) throw RoomErrors.notAuthor(messageId);
  }

  /**
   * A read mark past the log's newest event would be stored, and then no real mark could move it forward again; the
   * decider cannot tell (it sees the room's stream, not the log's head), so it is refused here.
   */
  async markRead(data: Extract<RoomCommand, { type: 'MarkRead' }>['data'], actor: Actor, commandId: string): Promise<CommandAck> {
    const newest = await this.storage.events.headPosition();
    if (Number.isSafeInteger(data.position) && data.position > newest) throw RoomErrors.positionNotReached(newest);
    return this.execute('MarkRead', data, actor, commandId);
  }

  async execute<T extends RoomCommand['type']>(
    type: T,
    data: Extract<RoomCommand, { type: T }>['data'],
    actor: Actor,
    commandId: string,
  ): Promise<CommandAck> {
    const command = { type, data, context: { actor, commandId, now: this.clock.now().toISOString() } } as RoomCommand;
    const result = await handleCommand(this.storage.events, roomDecider, roomStreamName(data.roomId), command);
    if (result.position !== null) await this.follower.waitFor(result.position);
    return {
      position: result.position,
      replayed: result.replayed,
      events: result.events.map((e) => ({ id: e.id, type: e.type, position: e.position })),
    };
  }
}
