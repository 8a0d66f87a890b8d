import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min, ValidateBy } from 'class-validator';
import { DomainError, type Actor } from '@haven/domain';
import { CommandRequest } from '@haven/edge';
import { STORAGE, type Storage } from '@haven/event-store';
import { CurrentActor, HttpAuthGuard, isUsableUserId } from '@haven/identity';
import { suspendedPeople } from './access-suspensions.projection';
import { erasureRequestOf, openErasureRequests } from './erasure-requests.projection';
import { PeopleService } from './people.service';
import { readsAbout, READS_PAGE } from './personal-data-reads.projection';
import { RecordsRead } from './records-read.interceptor';

export class SuspendRequest extends CommandRequest {
  @ApiProperty({ maxLength: 500, description: 'why, for the record: sealed as the person\'s data, read by clinicians and admins' })
  @IsString() @Length(1, 5000) reason!: string;
}

/** a user id a token could carry as its sub (identity's rule): erasing or exporting anything else would be a no-op on record */
export class PersonParams {
  @ApiProperty({ description: "the person's user id (the token's sub)" })
  @ValidateBy({ name: 'isUserId', validator: { validate: isUsableUserId, defaultMessage: () => 'userId must be a user id a token could carry' } })
  userId!: string;
}

export class ReadsQuery {
  @ApiPropertyOptional({ description: `reads recorded before this global position (the newest ${READS_PAGE} when omitted)` })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) before?: number;
}

@ApiTags('personal data')
@ApiBearerAuth()
@UseGuards(HttpAuthGuard)
@Controller('people')
export class PeopleController {
  constructor(
    private readonly people: PeopleService,
    @Inject(STORAGE) private readonly storage: Storage,
  ) {}

  @Post(':userId/erasure')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Admins: erase a person's personal data (their messages' words, reasons and notes about them, their mentor requests' topics and notes, their family sessions' titles and invitees). Their keys are deleted: what was sealed with them reads as null everywhere, from then on. Ids, times and the record of who did what stay. Cannot be undone.",
  })
  async erase(@CurrentActor() actor: Actor, @Param() { userId }: PersonParams, @Body() { commandId }: CommandRequest) {
    return { ok: true, data: await this.people.erase(actor, userId, commandId) };
  }

  @Post(':userId/export')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Admins: every event the person did or is named in, oldest first, opened (erased values are null), through the log's head when asked. Each export is recorded (PersonalDataExported) before it is read; a repeated commandId exports through the same position again.",
  })
  async export(@CurrentActor() actor: Actor, @Param() { userId }: PersonParams, @Body() { commandId }: CommandRequest) {
    return { ok: true, data: await this.people.export(actor, userId, commandId) };
  }

  @Post(':userId/suspension')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Admins: suspend a person's access at once: every token of theirs is refused (403 AUTH.SUSPENDED, connect_error AUTH.SUSPENDED) and their open connections end on every node (`session.ended`). Memberships, pairings and sessions stay as they are. Not yourself.",
  })
  async suspend(@CurrentActor() actor: Actor, @Param() { userId }: PersonParams, @Body() { commandId, reason }: SuspendRequest) {
    return { ok: true, data: await this.people.suspend(actor, userId, reason, commandId) };
  }

  @Post(':userId/reinstatement')
  @HttpCode(200)
  @ApiOperation({ summary: "Admins: give a suspended person's access back; their tokens work again." })
  async reinstate(@CurrentActor() actor: Actor, @Param() { userId }: PersonParams, @Body() { commandId }: CommandRequest) {
    return { ok: true, data: await this.people.reinstate(actor, userId, commandId) };
  }

  @Get('suspended')
  @ApiOperation({ summary: 'Admins and clinicians: who is suspended now, since when and by whom (the reasons are in the AccessSuspended events).' })
  @RecordsRead('people.suspended', (people: { userId: string }[]) => people.map((person) => person.userId))
  async suspended(@CurrentActor() actor: Actor) {
    if (actor.role !== 'admin' && actor.role !== 'clinician') throw new DomainError('AUTH.FORBIDDEN', 'only admins and clinicians read who is suspended');
    return { ok: true, data: await suspendedPeople(this.storage.sql) };
  }

  @Get('erasure-requests')
  @ApiOperation({ summary: 'Admins: the people who asked for their personal data to be erased and were not answered yet, oldest first (an erasure answers one).' })
  @RecordsRead('people.erasure-requests', (requests: { userId: string }[]) => requests.map((request) => request.userId))
  async erasureRequests(@CurrentActor() actor: Actor) {
    if (actor.role !== 'admin') throw new DomainError('AUTH.FORBIDDEN', 'only admins read who asked for erasure');
    return { ok: true, data: await openErasureRequests(this.storage.sql) };
  }

  @Get(':userId/reads')
  @ApiOperation({
    summary: `Admins: which staff were shown records naming this person (safety and moderation queues, moderation logs, pairings, sessions), when, and in which answer; newest first, at most ${READS_PAGE} a page. Each staff read is recorded (PersonalDataRead) before its answer is sent, once per reader, answer and people named in 15 minutes. This read is recorded too.`,
  })
  @RecordsRead('people.reads', (answer: { userId: string }) => [answer.userId])
  async reads(@CurrentActor() actor: Actor, @Param() { userId }: PersonParams, @Query() { before }: ReadsQuery) {
    if (actor.role !== 'admin') throw new DomainError('AUTH.FORBIDDEN', "only admins read who read a person's records");
    return { ok: true, data: { userId, reads: await readsAbout(this.storage.sql, userId, before) } };
  }
}

/** A person's own request that their data be erased: they ask, see it, and may take it back; an admin answers. */
@ApiTags('personal data')
@ApiBearerAuth()
@UseGuards(HttpAuthGuard)
@Controller('me/erasure-request')
export class MyErasureRequestController {
  constructor(
    private readonly people: PeopleService,
    @Inject(STORAGE) private readonly storage: Storage,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Your open request that your personal data be erased: { requestedAt }, or null.' })
  async mine(@CurrentActor() actor: Actor) {
    return { ok: true, data: await erasureRequestOf(this.storage.sql, actor.userId) };
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Ask for your personal data (what you wrote, and what was written about you) to be erased. An admin decides and erases it (the clinic may have records it must keep); admins see the request at once. Asking again while it is open changes nothing. Not for family guests.",
  })
  async request(@CurrentActor() actor: Actor, @Body() { commandId }: CommandRequest) {
    return { ok: true, data: await this.people.requestErasure(actor, commandId) };
  }

  @Post('withdrawal')
  @HttpCode(200)
  @ApiOperation({ summary: 'Take back your open request for erasure (nothing happens if there is none).' })
  async withdraw(@CurrentActor() actor: Actor, @Body() { commandId }: CommandRequest) {
    return { ok: true, data: await this.people.withdrawErasureRequest(actor, commandId) };
  }
}
