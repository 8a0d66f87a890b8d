import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NoticeSource } from './notice-source';
import type { OfflineNoticesConfig } from './offline-notices.config';
import { NOTICE_SOURCES, OFFLINE_NOTICES_CONFIG, OfflineNoticesProcessor } from './offline-notices.processor';
import { roomNotices } from './room-notices';

/**
 * Offline notices run only where the clinic has a push gateway (OFFLINE_NOTICE_URL); without one, nothing is polled.
 * The rooms' notices always; `sources` adds other contexts' (mentoring's, family sessions'), which depend on rooms,
 * not rooms on them, made with the app's settings.
 */
@Module({})
export class OfflineNoticesModule {
  static forRoot(config: OfflineNoticesConfig | null, sources: (settings: ConfigService) => NoticeSource[] = () => []): DynamicModule {
    return {
      module: OfflineNoticesModule,
      providers: config
        ? [
            { provide: OFFLINE_NOTICES_CONFIG, useValue: config },
            { provide: NOTICE_SOURCES, inject: [ConfigService], useFactory: (settings: ConfigService) => [roomNotices, ...sources(settings)] },
            OfflineNoticesProcessor,
          ]
        : [],
    };
  }
}
