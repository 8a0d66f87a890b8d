import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, commandAck, handleCommand, type CommandAck, handledOnThisNode, previewCommand, type Clock, type CommandResult } from '@haven/command-handling';
export { derivedId } from '@haven/command-handling';
import type { Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { LogFollower } from '@haven/realtime';
import { roomDecider } from './domain/room.decider';
import type { RoomCommand } from './domain/room.commands';
import { roomStreamName } from './domain/room.events';
import { RoomErrors } from './domain/room.errors';

export type { CommandAck } from '@haven/command-handling';

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

  /**
   * A read mark past the log's newest event would be stored, and then no real mark could move it forward again; the
   * decider cannot tell (it sees the room's stream, not the log's head), so it is refused here.
   */
  async markRead(data: Extract<RoomCommand, { type: 'MarkRead' }>['data'], actor: Actor, commandId: string): Promise<CommandAck> {
    const newest = await this.storage.events.headPosition();
    if (Number.isSafeInteger(data.position) && data.position > newest) throw RoomErrors.positionNotReached(newest);
    return this.execute('MarkRead', data, actor, commandId);
  }

  /** This node has handled the command id in the room (from its cache, no read; see handledOnThisNode). */
  handledOnThisNode(roomId: string, actor: Actor, commandId: string): boolean {
    return handledOnThisNode(this.storage.events, roomDecider, roomStreamName(roomId), actor, commandId);
  }

  /** Throws the refusal the command would get now; appends nothing (see previewCommand). */
  async preview<T extends RoomCommand['type']>(type: T, data: Extract<RoomCommand, { type: T }>['data'], actor: Actor, commandId: string): Promise<void> {
    await previewCommand(this.storage.events, roomDecider, roomStreamName(data.roomId), this.command(type, data, actor, commandId));
  }

  async execute<T extends RoomCommand['type']>(
    type: T,
    data: Extract<RoomCommand, { type: T }>['data'],
    actor: Actor,
    commandId: string,
  ): Promise<CommandAck> {
    return commandAck(await this.run(this.command(type, data, actor, commandId)));
  }

  /**
   * execute, for a command that creates something the client may name (a message, a report): the ack names what was
   * stored under `field`, which for a replayed command id is what the first attempt created, not what the retry names
   */
  async executeNaming<T extends 'PostMessage' | 'ReportMessage'>(
    type: T,
    data: Extract<RoomCommand, { type: T }>['data'],
    actor: Actor,
    commandId: string,
    field: 'messageId' | 'reportId',
  ): Promise<CommandAck & Partial<Record<typeof field, string>>> {
    const result = await this.run(this.command(type, data, actor, commandId));
    const stored = result.events[0]?.data[field];
    return { ...commandAck(result), [field]: typeof stored === 'string' ? stored : (data as Record<string, unknown>)[field] };
  }

  private async run(command: RoomCommand): Promise<CommandResult> {
    return this.follower.whenDelivered(await handleCommand(this.storage.events, roomDecider, roomStreamName(command.data.roomId), command));
  }

  private command(type: RoomCommand['type'], data: RoomCommand['data'], actor: Actor, commandId: string): RoomCommand {
    return { type, data, context: { actor, commandId, now: this.clock.now().toISOString() } } as RoomCommand;
  }
}
