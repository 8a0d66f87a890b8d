import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import { isOverseer, type Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { CurrentActor, HttpAuthGuard } from '@haven/identity';
import { RecordsRead } from '@haven/personal-data/records-read.interceptor';
import { FamilyErrors } from '../domain/family-session.errors';
import { FamilySessionsService } from '../family-sessions.service';
import { familySessionsOf, findFamilySession, guestsOf, invitesOf } from '../read-models/family-sessions.projection';
import { lobbyWordOf } from '../read-models/family-lobby-word.projection';
import { RedeemFamilyInviteRequest } from './family-sessions.requests';


/** Redeeming an invite: the one endpoint without a token (the code is the credential), so it has a tighter limit. */
@ApiTags('family sessions')
@Controller('family-sessions')
export class FamilyInvitesController {
  constructor(private readonly sessions: FamilySessionsService) {}

  @Post('redeem')
  @HttpCode(200)
  @Throttle({ default: { limit: 10, ttl: 60_000 } })
  @ApiOperation({ summary: "A family member's invite code for a guest token (role family, this session only); single use. No token needed." })
  async redeem(@Body() { code }: RedeemFamilyInviteRequest) {
    return { ok: true, data: await this.sessions.redeem(code) };
  }
}

/** What each role may read of family sessions; commands go over socket.io (family.*). */
@ApiTags('family sessions')
@ApiBearerAuth()
@UseGuards(HttpAuthGuard)
@Controller('family-sessions')
export class FamilySessionsController {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  @Get()
  @ApiOperation({ summary: "Participants and hosts: their sessions. Clinicians and admins: every session not ended. Family guests: their own session, with the latest word to its lobby (lobbyWord)." })
  @RecordsRead('family-sessions', (sessions: { participantId?: string }[]) => sessions.map((session) => session.participantId))
  async list(@CurrentActor() actor: Actor) {
    const db = this.storage.sql;
    if (actor.role === 'family') {
      const own = await findFamilySession(db, actor.familySessionId!);
      return { ok: true, data: own ? [{ ...publicSummary(own), lobbyWord: await lobbyWordOf(db, own.sessionId) }] : [] };
    }
    return { ok: true, data: await familySessionsOf(db, isOverseer(actor.role) ? null : actor.userId) };
  }

  @Get(':sessionId')
  @ApiOperation({ summary: "One session with its invites (never their codes) and guests: its participant, host, clinicians and admins" })
  @RecordsRead('family-sessions.one', (session: { participantId: string; guests: { guestId: string | null }[] }) => [
    session.participantId,
    ...session.guests.map((guest) => guest.guestId),
  ])
  async show(@CurrentActor() actor: Actor, @Param('sessionId', ParseUUIDPipe) sessionId: string) {
    const db = this.storage.sql;
    const session = await findFamilySession(db, sessionId);
    const inIt = session && actor.role !== 'family' && (isOverseer(actor.role) || actor.userId === session.participantId || actor.userId === session.hostId);
    if (!session || !inIt) throw FamilyErrors.notFound();
    return { ok: true, data: { ...session, invites: await invitesOf(db, sessionId), guests: await guestsOf(db, sessionId), lobbyWord: await lobbyWordOf(db, sessionId) } };
  }
}

/** What a guest sees of their session: when and what, not who else is in it. */
const publicSummary = (s: { sessionId: string; title: string; startsAt: string; endsAt: string; roomId: string; status: string }) => ({
  sessionId: s.sessionId,
  title: s.title,
  startsAt: s.startsAt,
  endsAt: s.endsAt,
  roomId: s.roomId,
  status: s.status,
});
