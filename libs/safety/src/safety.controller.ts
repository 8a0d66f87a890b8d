import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError, type Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { CurrentActor, HttpAuthGuard } from '@haven/identity';
import { CONVERSATION_PORTS, type ConversationPort } from './conversation-port';
import { AlertsQuery } from './safety.requests';
import { safetyAlerts } from './safety-queue.projection';

@ApiTags('safety')
@ApiBearerAuth()
@UseGuards(HttpAuthGuard)
@Controller('safety')
export class SafetyController {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CONVERSATION_PORTS) private readonly ports: ConversationPort[],
  ) {}

  @Get('alerts')
  @ApiOperation({ summary: 'The safety queue: clinicians and admins see every alert, facilitators those of conversations they moderate; nobody sees alerts about themselves' })
  async alerts(@CurrentActor() actor: Actor, @Query() { status }: AlertsQuery) {
    if (!['facilitator', 'clinician', 'admin'].includes(actor.role)) throw new DomainError('SAFETY.FORBIDDEN', 'only staff read the safety queue');
    // an alert about a staff member (their held words, a colleague's note) is for the others: never in their own queue
    const all = (await safetyAlerts(this.storage.sql, status)).filter((alert) => alert.userId !== actor.userId);
    if (actor.role !== 'facilitator') return { ok: true, data: all };
    const mine = [];
    for (const alert of all) {
      const port = this.ports.find((p) => p.kind === alert.conversation.kind);
      if (port && (await port.isModeratorNow(this.storage.sql, actor.userId, alert.conversation.id))) mine.push(alert);
    }
    return { ok: true, data: mine };
  }
}
