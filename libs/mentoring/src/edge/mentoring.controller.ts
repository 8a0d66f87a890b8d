import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { CurrentActor, HttpAuthGuard } from '@haven/identity';
import { MentoringCommandsService } from '../mentoring-commands.service';
import { languagesOfMentor, openRequestsFor, pairingsOf, requestsOf } from '../read-models/mentoring.projection';

const overseer = (actor: Actor) => actor.role === 'clinician' || actor.role === 'admin';

/** What each role may read of mentoring; commands go over socket.io (mentoring.*). */
@ApiTags('mentoring')
@ApiBearerAuth()
@UseGuards(HttpAuthGuard)
@Controller('mentoring')
export class MentoringController {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly mentoring: MentoringCommandsService,
  ) {}

  @Get('requests')
  @ApiOperation({
    summary:
      "Mentors: the open requests they may take (in a language they mentor in), without who asks. Participants: their own. Clinicians and admins: every open one. Others: none. Each with `openUntil`, when the system closes it if nobody takes it.",
  })
  async requests(@CurrentActor() actor: Actor) {
    const db = this.storage.sql;
    const rows =
      actor.role === 'mentor'
        ? await openRequestsFor(db, actor.userId)
        : actor.role === 'participant'
          ? await requestsOf(db, actor.userId)
          : overseer(actor)
            ? await requestsOf(db, null)
            : [];
    return { ok: true, data: rows.map((row) => ({ ...row, openUntil: this.openUntil(row.requestedAt) })) };
  }

  /** as MENTOR_REQUEST_OPEN_HOURS is set now (the setting the expiry uses when it comes) */
  private openUntil(requestedAt: string): string {
    return new Date(Date.parse(requestedAt) + this.mentoring.requestOpenForSeconds * 1000).toISOString();
  }

  @Get('languages')
  @ApiOperation({ summary: 'Mentors: the languages they mentor in (null: never set, every language). Others: null.' })
  async languages(@CurrentActor() actor: Actor) {
    return { ok: true, data: { languages: actor.role === 'mentor' ? await languagesOfMentor(this.storage.sql, actor.userId) : null } };
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
