import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, commandAck, handleCommand, type Clock, type CommandAck } from '@haven/command-handling';
import type { Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { LogFollower } from '@haven/realtime';
import { noticePreferencesDecider } from './notice-preferences.decider';
import { noticePreferencesStreamName, type NoticePreferences } from './notice-preferences.events';

/** Runs a person's choice on their own stream; the ack waits until this node has delivered it. */
@Injectable()
export class NoticePreferencesService {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly follower: LogFollower,
  ) {}

  async set(actor: Actor, preferences: NoticePreferences, commandId: string): Promise<CommandAck> {
    const context = { actor, commandId, now: this.clock.now().toISOString() };
    const command = { type: 'SetNoticePreferences' as const, data: preferences, context };
    return commandAck(await this.follower.whenDelivered(await handleCommand(this.storage.events, noticePreferencesDecider, noticePreferencesStreamName(actor.userId), command)));
  }
}
