import { Module, type DynamicModule } from '@nestjs/common';
import type { NoticeSource } from './notice-source';
import type { OfflineNoticesConfig } from './offline-notices.config';
import { NOTICE_SOURCES, OFFLINE_NOTICES_CONFIG, OfflineNoticesProcessor } from './offline-notices.processor';
import { roomNotices } from './room-notices';

/**
 * Offline notices run only where the clinic has a push gateway (OFFLINE_NOTICE_URL); without one, nothing is polled.
 * The rooms' notices always; `sources` adds other contexts' (mentoring's, which depends on rooms, not rooms on it).
 */
@Module({})
export class OfflineNoticesModule {
  static forRoot(config: OfflineNoticesConfig | null, sources: NoticeSource[] = []): DynamicModule {
    return {
      module: OfflineNoticesModule,
      providers: config
        ? [{ provide: OFFLINE_NOTICES_CONFIG, useValue: config }, { provide: NOTICE_SOURCES, useValue: [roomNotices, ...sources] }, OfflineNoticesProcessor]
        : [],
    };
  }
}
