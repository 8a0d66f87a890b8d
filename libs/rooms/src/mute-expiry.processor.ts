import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, DeadlineProcessor, type Clock } from '@haven/command-handling';
import { SYSTEM_ACTOR } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { LogFollower } from '@haven/realtime';
import { dueMutes, type DueMute } from './read-models/mute-deadlines.projection';
import { RoomCommandsService } from './room-commands.service';

/** Ends mutes when their time comes: ExpireMute as the system actor, command id derived from the mute itself. */
@Injectable()
export class MuteExpiryProcessor extends DeadlineProcessor<DueMute> {
  private readonly logger = new Logger(MuteExpiryProcessor.name);

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rooms: RoomCommandsService,
    follower: LogFollower,
  ) {
    super(follower);
  }

  protected due(): Promise<DueMute[]> {
    return dueMutes(this.storage.sql, this.clock.now().toISOString());
  }

  protected fire({ roomId, userId, mutedUntil }: DueMute) {
    return this.rooms.execute('ExpireMute', { roomId, userId, mutedUntil }, SYSTEM_ACTOR, `mute-ends:${userId}:${mutedUntil}`);
  }

  protected failed(name: string): void {
    this.logger.error(`mute expiry failed: ${name}`);
  }
}
