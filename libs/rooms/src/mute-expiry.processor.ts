import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, type Clock } from '@haven/command-handling';
import { SYSTEM_ACTOR } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { dueMutes } from './read-models/mute-deadlines.projection';
import { RoomCommandsService } from './room-commands.service';

/** how often due mutes are looked for; tests lower it with DEADLINE_POLL_MS */
const POLL_MS = Number(process.env.DEADLINE_POLL_MS ?? 1000);

/**
 * Ends mutes when their time comes: reads what is due from mute_deadlines and sends ExpireMute as the system
 * actor. The command id is derived from the mute itself, so several nodes firing the same deadline append once,
 * and a restart simply finds what is still due.
 */
@Injectable()
export class MuteExpiryProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MuteExpiryProcessor.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rooms: RoomCommandsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), POLL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const due of await dueMutes(this.storage.sql, this.clock.now().toISOString())) {
        const commandId = `mute-ends:${due.userId}:${due.mutedUntil}`;
        await this.rooms.execute('ExpireMute', { roomId: due.roomId, userId: due.userId, mutedUntil: due.mutedUntil }, SYSTEM_ACTOR, commandId);
      }
    } catch (error) {
      this.logger.error(`mute expiry failed: ${error instanceof Error ? error.name : 'error'}`);
    } finally {
      this.running = false;
    }
  }
}
