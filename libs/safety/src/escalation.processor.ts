import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, type Clock } from '@haven/command-handling';
import { SYSTEM_ACTOR } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { alertsDueForEscalation } from './safety-queue.projection';
import { SafetyService } from './safety.service';

const POLL_MS = Number(process.env.DEADLINE_POLL_MS ?? 1000);

/**
 * Escalates alerts nobody acknowledged in time to every clinician. A deadline read from safety_queue, not a
 * sleeping timer: it survives restarts, and the command id `escalate:<alertId>` makes several nodes append it once.
 */
@Injectable()
export class EscalationProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EscalationProcessor.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly safety: SafetyService,
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
      for (const alertId of await alertsDueForEscalation(this.storage.sql, this.clock.now().toISOString())) {
        await this.safety.escalate(alertId, SYSTEM_ACTOR);
      }
    } catch (error) {
      // the error's name only: messages may quote health data
      this.logger.error(`escalation failed: ${error instanceof Error ? error.name : 'error'}`);
    } finally {
      this.running = false;
    }
  }
}
