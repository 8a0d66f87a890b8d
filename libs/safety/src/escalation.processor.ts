import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, deadlinePollMs, startDeadlinePoller, type Clock } from '@haven/command-handling';
import { SYSTEM_ACTOR } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { alertsDueForEscalation } from './safety-queue.projection';
import { SafetyService } from './safety.service';

/** Escalates alerts nobody acknowledged in time to every clinician (command id `escalate:<alertId>`). */
@Injectable()
export class EscalationProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EscalationProcessor.name);
  private poller?: { stop(): void };

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly safety: SafetyService,
  ) {}

  onApplicationBootstrap(): void {
    this.poller = startDeadlinePoller({
      intervalMs: deadlinePollMs(),
      due: () => alertsDueForEscalation(this.storage.sql, this.clock.now().toISOString()),
      fire: (alertId) => this.safety.escalate(alertId, SYSTEM_ACTOR),
      onError: (name) => this.logger.error(`escalation failed: ${name}`),
    });
  }

  onApplicationShutdown(): void {
    this.poller?.stop();
  }
}
