import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, DeadlineProcessor, handleCommand, type Clock } from '@haven/command-handling';
import { SYSTEM_ACTOR } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { LogFollower } from '@haven/realtime';
import { safetyPagerDecider, type SafetyPagerCommand } from './domain/safety-pager.decider';
import { pagerStreamName } from './domain/safety-pager.events';
import type { SafetyConfig } from './safety-config';
import { sendPage } from './safety-pager';
import { pagesDue, type PageDue } from './safety-pages.projection';
import { SAFETY_CONFIG } from './safety.service';

/**
 * Pages the clinic's on-call service (SAFETY_PAGER_URL) about alerts nobody has acknowledged: when raised and when
 * escalated (SAFETY_PAGER_ON), again with a growing wait while the pager does not take it, for an hour at most. Each
 * attempt is claimed in the log first (command id `page:<alertId>:<kind>:<attempt>`), so of several nodes only the one
 * whose claim was appended sends it; its outcome follows (`SafetyAlertPaged` or `SafetyAlertPageFailed`).
 */
@Injectable()
export class SafetyPagerProcessor extends DeadlineProcessor<PageDue> {
  private readonly logger = new Logger(SafetyPagerProcessor.name);

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SAFETY_CONFIG) private readonly config: SafetyConfig,
    follower: LogFollower,
  ) {
    super(follower);
  }

  protected async due(): Promise<PageDue[]> {
    return this.config.pager ? pagesDue(this.storage.sql, this.clock.now(), this.config.pager.on) : [];
  }

  protected async fire({ alertId, kind, attempts, fellDueAt }: PageDue): Promise<void> {
    const attempt = attempts + 1;
    const claim = await this.decide({ type: 'AttemptPage', data: { alertId, kind, attempt } } as const, `page:${alertId}:${kind}:${attempt}`);
    if (claim.replayed || claim.events.length === 0) return;
    const outcome = await sendPage(this.config.pager!, { alertId, kind, attempt, fellDueAt }, this.clock.now());
    // ids and a status only: the page's words are about a person in crisis
    if (!outcome.sent) this.logger.warn({ msg: 'safety page failed; it will be tried again', alertId, kind, attempt, reason: outcome.reason });
    await this.decide({ type: 'RecordPageOutcome', data: { alertId, kind, attempt, outcome } } as const, `page-outcome:${alertId}:${kind}:${attempt}`);
  }

  protected failed(name: string): void {
    this.logger.error(`safety paging failed: ${name}`);
  }

  private decide(command: Omit<SafetyPagerCommand, 'context'>, commandId: string) {
    const context = { actor: SYSTEM_ACTOR, commandId, now: this.clock.now().toISOString() };
    return handleCommand(this.storage.events, safetyPagerDecider, pagerStreamName(command.data.alertId), { ...command, context } as SafetyPagerCommand);
  }
}
