import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { CurrentActor, HttpAuthGuard } from '@haven/identity';
import { roomsOf } from '../read-models/my-rooms.query';
import { hiddenPeopleOf } from '../hidden-people/hidden-people.projection';

/** The reader's own rooms: what a client lists when it opens. */
@ApiTags('rooms')
@ApiBearerAuth()
@UseGuards(HttpAuthGuard)
@Controller('me')
export class MyRoomsController {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  @Get('rooms')
  @ApiOperation({
    summary: "The rooms you are in now (mentor pair and family session rooms included), newest activity first, each with your unread count and read mark",
  })
  async rooms(@CurrentActor() actor: Actor) {
    return { ok: true, data: await roomsOf(this.storage.sql, actor) };
  }

  @Get('hidden-people')
  @ApiOperation({ summary: 'The people you hide in group rooms (rooms.hidePerson), with since when, oldest first: yours alone to read' })
  async hiddenPeople(@CurrentActor() actor: Actor) {
    return { ok: true, data: await hiddenPeopleOf(this.storage.sql, actor.userId) };
  }
}
