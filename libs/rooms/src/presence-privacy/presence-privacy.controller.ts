import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { CurrentActor, HttpAuthGuard } from '@haven/identity';
import { hidesPresence } from './presence-privacy.projection';

/** The reader's own choice of being shown online (rooms.setPresenceVisible), for a client's settings. */
@ApiTags('rooms')
@ApiBearerAuth()
@UseGuards(HttpAuthGuard)
@Controller('me')
export class PresencePrivacyController {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  @Get('presence')
  @ApiOperation({ summary: 'Whether your rooms are told when you come and go (rooms.setPresenceVisible): { visible }, true unless you chose otherwise' })
  async presence(@CurrentActor() actor: Actor) {
    return { ok: true, data: { visible: !(await hidesPresence(this.storage.sql, actor.userId)) } };
  }
}
