import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { isOverseer, type Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { CurrentActor, HttpAuthGuard } from '@haven/identity';
import { RecordsRead } from '@haven/personal-data/records-read.interceptor';
import { moderationQueue, reportSubjects } from '../read-models/room-reports.projection';
import { ReportsQuery } from './reports.query';

/** The moderation queue of every room a reader moderates, in one list (each room's own is GET /rooms/:roomId/reports). */
@ApiTags('rooms')
@ApiBearerAuth()
@UseGuards(HttpAuthGuard)
@Controller('moderation')
export class ModerationController {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  @Get('reports')
  @ApiOperation({
    summary:
      "Reports across rooms, oldest first (at most 200): clinicians and admins every room's, mentor pairs' included; others the rooms they moderate now; never about the reader's own messages",
  })
  @RecordsRead('moderation.reports', reportSubjects)
  async reports(@CurrentActor() actor: Actor, @Query() query: ReportsQuery) {
    // a family login moderates nothing, whatever user id it carries
    if (actor.role === 'family') return { ok: true, data: [] };
    const everyRoom = isOverseer(actor.role);
    return { ok: true, data: await moderationQueue(this.storage.sql, { userId: actor.userId, everyRoom }, query.status) };
  }
}
