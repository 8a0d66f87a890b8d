import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError, isOverseer, type Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { CurrentActor, HttpAuthGuard } from '@haven/identity';
import { PERSONAL_DATA, type PersonalData } from '@haven/personal-data/personal-data';
import { RecordsRead } from '@haven/personal-data/records-read.interceptor';
import { sharedTopics } from '../domain/mentor-profile';
import { MentoringCommandsService } from '../mentoring-commands.service';
import { awayOf, languagesOfMentor, openRequestsFor, pairingFeedback, pairingsOf, requestsOf, topicsOfMentor, type OpenMentorRequest, type PairingFeedback } from '../read-models/mentoring.projection';
import { FeedbackQuery } from './mentoring.requests';


/** What each role may read of mentoring; commands go over socket.io (mentoring.*). */
@ApiTags('mentoring')
@ApiBearerAuth()
@UseGuards(HttpAuthGuard)
@Controller('mentoring')
export class MentoringController {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly mentoring: MentoringCommandsService,
    /** opens the mentor's topics and the requests' to match them; nothing opened here leaves but to that mentor */
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
  ) {}

  @Get('requests')
  @ApiOperation({
    summary:
      "Mentors: the open requests they may take (in a language they mentor in; none while away), without who asks, each with `matchingTopics` (those it shares with the mentor's topics), most shared first, then oldest first. Participants: their own. Clinicians and admins: every open one. Others: none. Each with `openUntil`, when the system closes it if nobody takes it.",
  })
  @RecordsRead('mentoring.requests', (requests: { participantId?: string }[]) => requests.map((request) => request.participantId))
  async requests(@CurrentActor() actor: Actor) {
    const db = this.storage.sql;
    const rows =
      actor.role === 'mentor'
        ? await this.rankedFor(actor.userId)
        : actor.role === 'participant'
          ? await requestsOf(db, actor.userId)
          : isOverseer(actor.role)
            ? await requestsOf(db, null)
            : [];
    return { ok: true, data: rows.map((row) => ({ ...row, openUntil: this.openUntil(row.requestedAt) })) };
  }

  /** A mentor's open requests, best topic matches first; among equals, oldest first (as openRequestsFor orders them). */
  private async rankedFor(mentorId: string): Promise<(OpenMentorRequest & { matchingTopics: string[] })[]> {
    const db = this.storage.sql;
    const [mine, requests] = await this.personalData.reveal([await topicsOfMentor(db, mentorId), await openRequestsFor(db, mentorId)] as const);
    const matched = requests.map((request, order) => ({ request: { ...request, matchingTopics: sharedTopics(mine, request.topics) }, order }));
    matched.sort((a, b) => b.request.matchingTopics.length - a.request.matchingTopics.length || a.order - b.order);
    return matched.map(({ request }) => request);
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

  @Get('topics')
  @ApiOperation({ summary: 'Mentors: the topics they mentor on ([] when none). Others: null.' })
  async topics(@CurrentActor() actor: Actor) {
    return { ok: true, data: { topics: actor.role === 'mentor' ? await topicsOfMentor(this.storage.sql, actor.userId) : null } };
  }

  @Get('away')
  @ApiOperation({ summary: 'Mentors: whether they are away, and until when (`until` null: until they come back). Others: null.' })
  async away(@CurrentActor() actor: Actor) {
    if (actor.role !== 'mentor') return { ok: true, data: null };
    const away = await awayOf(this.storage.sql, actor.userId);
    return { ok: true, data: { away: away !== null, until: away?.until ?? null } };
  }

  @Get('capacity')
  @ApiOperation({
    summary: 'Mentors: the most people they mentor at once by their own choice (`pairs`, null: none of their own), the limit that holds (the lower of theirs and the clinic\'s) and how many they mentor now (`active`). Others: null.',
  })
  async capacity(@CurrentActor() actor: Actor) {
    return { ok: true, data: actor.role === 'mentor' ? await this.mentoring.capacityFor(actor.userId) : null };
  }

  @Get('pairings')
  @ApiOperation({ summary: "Participants and mentors: their pairings, with each pair room's id. Clinicians and admins: every active one." })
  @RecordsRead('mentoring.pairings', (pairings: { participantId: string; mentorId: string }[]) => pairings.flatMap((p) => [p.participantId, p.mentorId]))
  async pairings(@CurrentActor() actor: Actor) {
    const db = this.storage.sql;
    if (actor.role === 'participant' || actor.role === 'mentor') return { ok: true, data: await pairingsOf(db, actor.userId) };
    if (isOverseer(actor.role)) return { ok: true, data: await pairingsOf(db, null) };
    return { ok: true, data: [] };
  }

  @Get('feedback')
  @ApiOperation({
    summary: "Clinicians and admins: participants' feedback on their pairings (rating 1 to 5, note), newest first, at most 200; one mentor's with ?mentorId=. Never shown to mentors. Others: 403 MENTORING.FORBIDDEN.",
  })
  @RecordsRead('mentoring.feedback', (feedback: PairingFeedback[]) => feedback.flatMap((f) => [f.participantId, f.mentorId]))
  async feedback(@CurrentActor() actor: Actor, @Query() query: FeedbackQuery) {
    if (!isOverseer(actor.role)) throw new DomainError('MENTORING.FORBIDDEN', 'only clinicians and admins read feedback on pairings');
    return { ok: true, data: await pairingFeedback(this.storage.sql, query.mentorId ?? null, 200) };
  }
}
