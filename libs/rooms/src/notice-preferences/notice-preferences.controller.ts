import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { CurrentActor, HttpAuthGuard } from '@haven/identity';
import { PERSONAL_DATA, type PersonalData } from '@haven/personal-data/personal-data';
import type { NoticePreferences } from './notice-preferences.events';
import { noticePreferencesOf } from './notice-preferences.projection';

/** The reader's own notice preferences (notices.setPreferences). */
@ApiTags('rooms')
@ApiBearerAuth()
@UseGuards(HttpAuthGuard)
@Controller('me')
export class NoticePreferencesController {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
  ) {}

  @Get('notice-preferences')
  @ApiOperation({ summary: 'Whether and when your devices are told while you are away (paused, quiet hours): yours alone to read' })
  async preferences(@CurrentActor() actor: Actor): Promise<{ ok: true; data: NoticePreferences }> {
    const { paused, quietHours } = await this.personalData.reveal(await noticePreferencesOf(this.storage.sql, actor.userId));
    // quiet hours an erasure emptied are none, as the notices read them
    const kept = quietHours && quietHours.from !== null && quietHours.until !== null && quietHours.timeZone !== null ? quietHours : null;
    return { ok: true, data: { paused, quietHours: kept } };
  }
}
