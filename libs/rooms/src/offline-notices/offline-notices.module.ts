import { Module, type DynamicModule } from '@nestjs/common';
import type { OfflineNoticesConfig } from './offline-notices.config';
import { OFFLINE_NOTICES_CONFIG, OfflineNoticesProcessor } from './offline-notices.processor';

/** Offline notices run only where the clinic has a push gateway (OFFLINE_NOTICE_URL); without one, nothing is polled. */
@Module({})
export class OfflineNoticesModule {
  static forRoot(config: OfflineNoticesConfig | null): DynamicModule {
    return {
      module: OfflineNoticesModule,
      providers: config ? [{ provide: OFFLINE_NOTICES_CONFIG, useValue: config }, OfflineNoticesProcessor] : [],
    };
  }
}
