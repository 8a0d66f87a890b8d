import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, commandAck, handleCommand, type Clock, type CommandAck } from '@haven/command-handling';
import type { Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { LogFollower } from '@haven/realtime';
import { hiddenPeopleDecider, type HiddenPeopleCommand } from './hidden-people.decider';
import { hiddenPeopleStreamName } from './hidden-people.events';
import { seenInGroupAs } from './hidden-people.projection';

/** Runs a person's hide and unhide commands on their own list; the ack waits until this node has delivered them. */
@Injectable()
export class HiddenPeopleService {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly follower: LogFollower,
  ) {}

  async hide(actor: Actor, hiddenUserId: string, commandId: string): Promise<CommandAck> {
    // the decider sees one list, not the rooms: whom the two met as is read here (a read only for those who may hide)
    const peer = actor.role === 'participant' || actor.role === 'mentor';
    const seenAs = peer && hiddenUserId !== actor.userId ? await seenInGroupAs(this.storage.sql, actor.userId, hiddenUserId) : null;
    return this.run({ type: 'HidePerson', data: { hiddenUserId, seenAs }, context: this.context(actor, commandId) });
  }

  unhide(actor: Actor, hiddenUserId: string, commandId: string): Promise<CommandAck> {
    return this.run({ type: 'UnhidePerson', data: { hiddenUserId }, context: this.context(actor, commandId) });
  }

  private async run(command: HiddenPeopleCommand): Promise<CommandAck> {
    return commandAck(await this.follower.whenDelivered(await handleCommand(this.storage.events, hiddenPeopleDecider, hiddenPeopleStreamName(command.context.actor.userId), command)));
  }

  private context(actor: Actor, commandId: string) {
    return { actor, commandId, now: this.clock.now().toISOString() };
  }
}
