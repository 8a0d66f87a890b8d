import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { CurrentActor, HttpAuthGuard } from '@haven/identity';
import { openRequestsFor, pairingsOf, requestsOf } from '../read-models/mentoring.projection';

const overseer = (actor: Actor) => actor.role === 'clinician' || actor.role === 'admin';

/** What each role may read of mentoring; commands go over socket.io (mentoring.*). */
@ApiTags('mentoring')
@ApiBearerAuth()
@UseGuards(HttpAuthGuard)
@Controller('mentoring')
export class MentoringController {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  @Get('requests')
  @ApiOperation({
    summary: "Mentors: the open requests they may take, without who asks. Participants: their own. Clinicians and admins: every open one. Others: none.",
  })
  async requests(@CurrentActor() actor: Actor) {
    const db = this.storage.sql;
    if (actor.role === 'mentor') return { ok: true, data: await openRequestsFor(db, actor.userId) };
    if (actor.role === 'participant') return { ok: true, data: await requestsOf(db, actor.userId) };
    if (overseer(actor)) return { ok: true, data: await requestsOf(db, null) };
    return { ok: true, data: [] };
  }

  @Get('pairings')
  @ApiOperation({ summary: "Participants and mentors: their pairings, with each pair room's id. Clinicians and admins: every active one." })
  async pairings(@CurrentActor() actor: Actor) {
    const db = this.storage.sql;
    if (actor.role === 'participant' || actor.role === 'mentor') return { ok: true, data: await pairingsOf(db, actor.userId) };
    if (overseer(actor)) return { ok: true, data: await pairingsOf(db, null) };
    return { ok: true, data: [] };
  }
}
