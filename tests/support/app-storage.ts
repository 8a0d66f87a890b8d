import { openStorage, type Storage } from '@haven/event-store';
import { TEST_DATABASE_URL } from './postgres';

/**
 * The store an app process keeps its data in (the env freshData gives it), opened in this process: to append or read
 * beside the app, as another writer would.
 */
export function openAppStorage(env: Record<string, string>): Promise<Storage> {
  return openStorage(
    env.EVENT_STORE === 'sqlite'
      ? { eventStore: 'sqlite', sqlitePath: env.SQLITE_PATH }
      : { eventStore: 'postgres', databaseUrl: env.DATABASE_URL ?? TEST_DATABASE_URL, postgresSchema: env.POSTGRES_SCHEMA },
  );
}
