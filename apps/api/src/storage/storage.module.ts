import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { openStorage, STORAGE, type Storage } from '@haven/event-store';
import type { Environment } from '../config/environment';

/** The event log and the SQL database of the read models, opened once per process. */
@Global()
@Module({
  providers: [
    {
      provide: STORAGE,
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>): Promise<Storage> =>
        openStorage({
          eventStore: config.get('EVENT_STORE'),
          sqlitePath: config.get('SQLITE_PATH'),
          databaseUrl: config.get('DATABASE_URL'),
          kurrentdbUrl: config.get('KURRENTDB_URL'),
          postgresSchema: config.get('POSTGRES_SCHEMA'),
        }),
    },
  ],
  exports: [STORAGE],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}
