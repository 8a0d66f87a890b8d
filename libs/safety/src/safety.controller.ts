import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError, type Actor } from '@haven/domain';
import { pageOf } from '@haven/edge';
import { STORAGE, type Storage } from '@haven/event-store';
import { CurrentActor, HttpAuthGuard } from '@haven/identity';
import { RecordsRead } from '@haven/personal-data/records-read.interceptor';
import { CONVERSATION_PORTS, type ConversationPort } from './conversation-port';
import { AlertsQuery } from './safety.requests';
import { onCallNow } from './on-call.projection';
import { SAFETY_CONFIG } from './safety.service';
import type { SafetyConfig } from './safety-config';
import { pageStatuses } from './safety-pages.projection';
import { safetyAlerts, type SafetyAlertView } from './safety-queue.projection';

@ApiTags('safety')
@ApiBearerAuth()
@UseGuards(HttpAuthGuard)
@Controller('safety')
export class SafetyController {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CONVERSATION_PORTS) private readonly ports: ConversationPort[],
    @Inject(SAFETY_CONFIG) private readonly config: SafetyConfig,
  ) {}

  @Get('on-call')
  @ApiOperation({
    summary:
      'Staff: who gets alerts now. `clinicians`: those on call, each with `since` (null: always on call by SAFETY_ON_CALL); `everyClinician`: true while nobody is on call, when every clinician gets them',
  })
  async onCall(@CurrentActor() actor: Actor) {
    if (!['facilitator', 'clinician', 'admin'].includes(actor.role)) throw new DomainError('SAFETY.FORBIDDEN', 'only staff read who is on call');
    const standing = this.config.onCall.map((userId) => ({ userId, since: null as string | null }));
    const shifts = (await onCallNow(this.storage.sql)).filter((c) => !this.config.onCall.includes(c.userId));
    const clinicians = [...standing, ...shifts];
    return { ok: true, data: { clinicians, everyClinician: clinicians.length === 0 } };
  }

  @Get('alerts')
  @ApiOperation({
    summary:
      "The safety queue: clinicians and admins see every alert, facilitators those of conversations they moderate; nobody sees alerts about themselves. Each conversation with its name and type where it has them (a room's kind: mentor pair, family session, group)",
  })
  @RecordsRead('safety.alerts', (alerts: SafetyAlertView[]) => alerts.map((alert) => alert.userId))
  async alerts(@CurrentActor() actor: Actor, @Query() query: AlertsQuery) {
    if (!['facilitator', 'clinician', 'admin'].includes(actor.role)) throw new DomainError('SAFETY.FORBIDDEN', 'only staff read the safety queue');
    const { after, limit } = pageOf(query);
    // the reader's own alerts, and for a facilitator other conversations' alerts, are left out after reading: read on
    // until the page is full or the queue ends, so a short page means the end
    const mine: SafetyAlertView[] = [];
    for (let cursor = after; mine.length < limit; ) {
      const batch = await safetyAlerts(this.storage.sql, query.status, { after: cursor, limit });
      for (const alert of batch) if (mine.length < limit && (await this.isTheirs(actor, alert))) mine.push(alert);
      if (batch.length < limit) break;
      cursor = batch[batch.length - 1].position;
    }
    return { ok: true, data: await this.described(mine) };
  }

  /** an alert about a staff member (their held words, a colleague's note) is for the others; a facilitator's, their conversations' */
  private async isTheirs(actor: Actor, alert: SafetyAlertView): Promise<boolean> {
    if (alert.userId === actor.userId) return false;
    if (actor.role !== 'facilitator') return true;
    const port = this.ports.find((p) => p.kind === alert.conversation.kind);
    return port !== undefined && (await port.isModeratorNow(this.storage.sql, actor.userId, alert.conversation.id));
  }

  /**
   * each alert's conversation with its name and type, read once per conversation; with a pager (SAFETY_PAGER_URL), how
   * paging about it went, so staff know whether the on-call service was told
   */
  private async described(alerts: SafetyAlertView[]) {
    const descriptions = new Map<string, { name: string; type: string } | null>();
    const pager = this.config.pager;
    const pages = pager ? await pageStatuses(this.storage.sql, alerts.map((alert) => alert.alertId), pager.on) : null;
    const out = [];
    for (const alert of alerts) {
      const { kind, id } = alert.conversation;
      const key = `${kind} ${id}`;
      if (!descriptions.has(key)) {
        const port = this.ports.find((p) => p.kind === kind);
        descriptions.set(key, (await port?.describe?.(this.storage.sql, id)) ?? null);
      }
      const description = descriptions.get(key);
      const paging = pages ? { pages: pages.get(alert.alertId) ?? [] } : {};
      out.push({ ...alert, ...(description ? { conversation: { ...alert.conversation, ...description } } : {}), ...paging });
    }
    return out;
  }
}
