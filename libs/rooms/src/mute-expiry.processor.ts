import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, deadlinePollMs, startDeadlinePoller, type Clock } from '@haven/command-handling';
import { SYSTEM_ACTOR } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { dueMutes } from './read-models/mute-deadlines.projection';
import { RoomCommandsService } from './room-commands.service';

/** Ends mutes when their time comes: ExpireMute as the system actor, command id derived from the mute itself. */
@Injectable()
export class MuteExpiryProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MuteExpiryProcessor.name);
  private poller?: { stop(): void };

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rooms: RoomCommandsService,
  ) {}

  onApplicationBootstrap(): void {
    this.poller = startDeadlinePoller({
      intervalMs: deadlinePollMs(),
      due: () => dueMutes(this.storage.sql, this.clock.now().toISOString()),
      fire: ({ roomId, userId, mutedUntil }) =>
        this.rooms.execute('ExpireMute', { roomId, userId, mutedUntil }, SYSTEM_ACTOR, `mute-ends:${userId}:${mutedUntil}`),
      onError: (name) => this.logger.error(`mute expiry failed: ${name}`),
    });
  }

  onApplicationShutdown(): void {
    this.poller?.stop();
  }
}
