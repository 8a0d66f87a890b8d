import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError, isOverseer, type Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { AfterPageQuery, pageOf } from '@haven/edge';
import { CurrentActor, HttpAuthGuard } from '@haven/identity';
import { RecordsRead } from '@haven/personal-data/records-read.interceptor';
import { findableByAnyone, findRoom, listRooms } from '../read-models/room-directory.projection';
import { membershipOf, periodsOfActor, periodsOfUser, roomRoster } from '../read-models/room-membership.projection';
import { messageHistory } from '../read-models/room-messages.projection';
import { roomPins } from '../read-models/room-pins.projection';
import { agreementOf } from '../read-models/room-agreements.projection';
import { moderationLog, type ModerationLogEntry } from '../read-models/moderation-log.projection';
import { reportSubjects, roomReports } from '../read-models/room-reports.projection';
import { ReportsQuery } from './reports.query';
import { derivedId, RoomCommandsService } from '../room-commands.service';
import { HistoryQuery } from './history.query';
import { RoomActivityLimits } from '../room-activity-limits';
import { CreateRoomRequest } from './room-settings.requests';
import { hiddenIdsOf } from '../hidden-people/hidden-people.projection';
import { GROUP_KINDS } from '../hidden-people/hidden-speakers';

const STAFF = new Set(['facilitator', 'clinician', 'admin']);

/** Room reads over HTTP (from read models), and room creation for admin tools that do not hold a socket. */
@ApiTags('rooms')
@ApiBearerAuth()
@UseGuards(HttpAuthGuard)
@Controller('rooms')
export class RoomsController {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly rooms: RoomCommandsService,
    private readonly limits: RoomActivityLimits,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a room (facilitators, clinicians, admins); same as the rooms.create socket message' })
  async create(@CurrentActor() actor: Actor, @Body() { commandId, roomId, ...settings }: CreateRoomRequest) {
    const id = roomId ?? derivedId(actor, commandId, 'room');
    const ack = await this.rooms.execute('CreateRoom', { roomId: id, ...settings }, actor, commandId);
    return { ok: true, data: { ...ack, roomId: id } };
  }

  @Get()
  @ApiOperation({ summary: 'Rooms a user can find (staff also see closed and archived ones)' })
  async list(@CurrentActor() actor: Actor) {
    // a family guest finds nothing: its one room, its session's, is found through the session
    if (actor.role === 'family') return { ok: true, data: [] };
    return { ok: true, data: await listRooms(this.storage.sql, STAFF.has(actor.role)) };
  }

  @Get(':roomId')
  @ApiOperation({ summary: 'One room (a closed or archived one only to staff and its members, as in the list)' })
  async show(@CurrentActor() actor: Actor, @Param('roomId', ParseUUIDPipe) roomId: string) {
    // a family guest sees only its own session's room, once admitted (membershipOf)
    const familyMember = actor.role === 'family' && (await membershipOf(this.storage.sql, actor, roomId)) !== null;
    const room = actor.role === 'family' && !familyMember ? null : await findRoom(this.storage.sql, roomId);
    // the same rule as the list: what a participant cannot find, it cannot look up by id either, unless it is inside
    const hidden =
      room !== null && !STAFF.has(actor.role) && !findableByAnyone(room) &&
      !(await membershipOf(this.storage.sql, actor, roomId));
    if (!room || hidden) throw new DomainError('ROOM.NOT_FOUND', 'no such room');
    return { ok: true, data: room };
  }

  @Get(':roomId/members')
  @ApiOperation({ summary: 'The current members (members of the room only)' })
  async members(@CurrentActor() actor: Actor, @Param('roomId', ParseUUIDPipe) roomId: string) {
    await this.requireMember(actor, roomId);
    return { ok: true, data: await roomRoster(this.storage.sql, roomId) };
  }

  @Get(':roomId/messages')
  @ApiOperation({
    summary: 'Message history, paged by position, with edits and redactions applied (members only; what was said while the reader was in the room, all of it for its moderators)',
  })
  async history(@CurrentActor() actor: Actor, @Param('roomId', ParseUUIDPipe) roomId: string, @Query() query: HistoryQuery) {
    const membership = await this.requireMember(actor, roomId);
    await this.limits.consume('historyPage', actor, roomId);
    const page = { before: query.before, after: query.after, limit: query.limit ?? 50 };
    // as catch-up: a member reads what was said while they were in the room, not before they came or while they were
    // away; moderators read all of it, to review what they are asked about
    const within = membership.moderator
      ? undefined
      : periodsOfActor(await periodsOfUser(this.storage.sql, actor.userId), actor).filter((period) => period.roomId === roomId);
    // nor what people the reader hides said, in a group room they do not moderate (as delivery)
    const room = membership.moderator ? null : await findRoom(this.storage.sql, roomId);
    const hidden = room && GROUP_KINDS.has(room.kind) ? await hiddenIdsOf(this.storage.sql, actor.userId) : [];
    return { ok: true, data: await messageHistory(this.storage.sql, roomId, page, membership.moderator, within, hidden) };
  }

  @Get(':roomId/pins')
  @ApiOperation({
    summary: "The messages pinned in the room now, in the order they were pinned (members: every current member reads them, also those who joined after they were said)",
  })
  async pins(@CurrentActor() actor: Actor, @Param('roomId', ParseUUIDPipe) roomId: string) {
    const membership = await this.requireMember(actor, roomId);
    return { ok: true, data: await roomPins(this.storage.sql, roomId, membership.moderator) };
  }

  @Get(':roomId/agreement')
  @ApiOperation({
    summary: "The group's agreement now (members): { text, version, setAt, accepted } (whether you accepted this version), or null. Until a member accepts it, they cannot post, edit or react there",
  })
  async agreement(@CurrentActor() actor: Actor, @Param('roomId', ParseUUIDPipe) roomId: string) {
    await this.requireMember(actor, roomId);
    return { ok: true, data: await agreementOf(this.storage.sql, roomId, actor.userId) };
  }

  @Get(':roomId/reports')
  @ApiOperation({ summary: "The room's moderation queue (the room's moderators, and clinicians/admins), without reports about the reader's own messages" })
  @RecordsRead('rooms.reports', reportSubjects)
  async reports(@CurrentActor() actor: Actor, @Param('roomId', ParseUUIDPipe) roomId: string, @Query() query: ReportsQuery) {
    await this.requireModerator(actor, roomId);
    // as live: the author of a reported message never learns who reported it or why, moderator or not
    return { ok: true, data: await roomReports(this.storage.sql, roomId, actor.userId, query.status, pageOf(query)) };
  }

  @Get(':roomId/moderation-log')
  @ApiOperation({ summary: 'Who did what to whom, when and why (the room\'s moderators, and clinicians/admins)' })
  @RecordsRead('rooms.moderation-log', (entries: ModerationLogEntry[]) => entries.map((entry) => entry.targetUserId))
  async log(@CurrentActor() actor: Actor, @Param('roomId', ParseUUIDPipe) roomId: string, @Query() query: AfterPageQuery) {
    await this.requireModerator(actor, roomId);
    return { ok: true, data: await moderationLog(this.storage.sql, roomId, pageOf(query)) };
  }

  /** clinicians and admins moderate any room (as the decider allows); facilitators the rooms they facilitate */
  private async requireModerator(actor: Actor, roomId: string): Promise<void> {
    if (isOverseer(actor.role)) {
      if (!(await findRoom(this.storage.sql, roomId))) throw new DomainError('ROOM.NOT_FOUND', 'no such room');
      return;
    }
    const membership = await membershipOf(this.storage.sql, actor, roomId);
    if (!membership?.moderator) throw new DomainError('ROOM.FORBIDDEN', 'only moderators of this room can read this');
  }

  private async requireMember(actor: Actor, roomId: string) {
    const membership = await membershipOf(this.storage.sql, actor, roomId);
    if (!membership) throw new DomainError('ROOM.NOT_A_MEMBER', 'only members of this room can read it');
    return membership;
  }

}
