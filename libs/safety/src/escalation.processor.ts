import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, DeadlineProcessor, type Clock } from '@haven/command-handling';
import { SYSTEM_ACTOR } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { LogFollower } from '@haven/realtime';
import { alertsDueForEscalation } from './safety-queue.projection';
import { SafetyService } from './safety.service';

/** Escalates alerts nobody acknowledged in time to every clinician (command id `escalate:<alertId>`). */
@Injectable()
export class EscalationProcessor extends DeadlineProcessor<string> {
  private readonly logger = new Logger(EscalationProcessor.name);

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly safety: SafetyService,
    follower: LogFollower,
  ) {
    super(follower);
  }

  protected due(): Promise<string[]> {
    return alertsDueForEscalation(this.storage.sql, this.clock.now().toISOString());
  }

  protected fire(alertId: string) {
    return this.safety.escalate(alertId, SYSTEM_ACTOR);
  }

  protected failed(name: string): void {
    this.logger.error(`escalation failed: ${name}`);
  }
}
