import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { openStorage, STORAGE, type Storage } from '@haven/event-store';
import { PERSONAL_DATA, sealPersonalData, type PersonalData } from '@haven/personal-data';
import type { Environment } from '../config/environment';
import { allPersonalFields } from '../personal-fields';

const OPENED = Symbol('haven.storage.opened');
type Opened = { storage: Storage; personalData: PersonalData };

/**
 * The event log and the SQL database of the read models, opened once per process. Every append through it seals the
 * personal fields each context declares (crypto-shredding), with keys kept in that SQL database.
 */
@Global()
@Module({
  providers: [
    {
      provide: OPENED,
      inject: [ConfigService],
      useFactory: async (config: ConfigService<Environment, true>): Promise<Opened> => {
        const storage = await openStorage({
          eventStore: config.get('EVENT_STORE'),
          sqlitePath: config.get('SQLITE_PATH'),
          databaseUrl: config.get('DATABASE_URL'),
          kurrentdbUrl: config.get('KURRENTDB_URL'),
          postgresSchema: config.get('POSTGRES_SCHEMA'),
        });
        try {
          return await sealPersonalData(storage, allPersonalFields);
        } catch (error) {
          await storage.close();
          throw error;
        }
      },
    },
    { provide: STORAGE, inject: [OPENED], useFactory: (opened: Opened) => opened.storage },
    { provide: PERSONAL_DATA, inject: [OPENED], useFactory: (opened: Opened) => opened.personalData },
  ],
  exports: [STORAGE, PERSONAL_DATA],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}
