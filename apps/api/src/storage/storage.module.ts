import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { openStorage, STORAGE, type Storage } from '@haven/event-store';
import { ACCESS_SUSPENSIONS, type AccessSuspensions } from '@haven/identity';
import { masterKeysFromEnv, PERSONAL_DATA, sealPersonalData, type PersonalData } from '@haven/personal-data';
import { accessSuspensionsProjection, isSuspended } from '@haven/personal-data/access-suspensions.projection';
import type { Environment } from '../config/environment';
import { allPersonalFields } from '../personal-fields';

const OPENED = Symbol('haven.storage.opened');
type Opened = { storage: Storage; personalData: PersonalData };

/**
 * The event log and the SQL database of the read models, opened once per process. Every append through it seals the
 * personal fields each context declares (crypto-shredding), with keys kept in that SQL database, wrapped under the
 * master key from the environment.
 */
@Global()
@Module({
  providers: [
    {
      provide: OPENED,
      inject: [ConfigService],
      useFactory: async (config: ConfigService<Environment, true>): Promise<Opened> => {
        // throws on a bad or missing production key before anything is opened: the app refuses to start
        const keySettings: Record<string, string | undefined> = {
          NODE_ENV: config.get('NODE_ENV'),
          PERSONAL_DATA_KEY: config.get('PERSONAL_DATA_KEY'),
          PERSONAL_DATA_PREVIOUS_KEYS: config.get('PERSONAL_DATA_PREVIOUS_KEYS'),
        };
        const { masterKeys, usingDevKey } = masterKeysFromEnv((name) => keySettings[name]);
        const logger = new Logger('PersonalData');
        if (usingDevKey) logger.warn('PERSONAL_DATA_KEY is unset: wrapping personal data keys with the public DEV_PERSONAL_DATA_KEY');
        const storage = await openStorage({
          eventStore: config.get('EVENT_STORE'),
          sqlitePath: config.get('SQLITE_PATH'),
          databaseUrl: config.get('DATABASE_URL'),
          kurrentdbUrl: config.get('KURRENTDB_URL'),
          postgresSchema: config.get('POSTGRES_SCHEMA'),
        });
        try {
          const { rewrappedKeys, ...opened } = await sealPersonalData(storage, allPersonalFields, masterKeys);
          if (rewrappedKeys > 0) logger.log(`wrapped ${rewrappedKeys} personal data keys under master key ${masterKeys.current.id}`);
          return opened;
        } catch (error) {
          await storage.close();
          throw error;
        }
      },
    },
    { provide: STORAGE, inject: [OPENED], useFactory: (opened: Opened) => opened.storage },
    { provide: PERSONAL_DATA, inject: [OPENED], useFactory: (opened: Opened) => opened.personalData },
    {
      // every token is checked against it (identity's verifier), so its table is there before the first request
      provide: ACCESS_SUSPENSIONS,
      inject: [STORAGE],
      useFactory: async (storage: Storage): Promise<AccessSuspensions> => {
        await accessSuspensionsProjection.migrate(storage.sql);
        return { isSuspended: (userId) => isSuspended(storage.sql, userId) };
      },
    },
  ],
  exports: [STORAGE, PERSONAL_DATA, ACCESS_SUSPENSIONS],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}
