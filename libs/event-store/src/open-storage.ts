import type { EventStore } from './event-store';
import type { SqlDatabase } from './sql-database';
import { openSqliteStorage } from './sqlite/open-sqlite-storage';

/** Which engines to use; read from the environment by the app, passed explicitly by tests. */
export interface StorageConfig {
  eventStore: 'sqlite' | 'postgres' | 'kurrentdb';
  /** SQLite file for events and read models (sqlite), or for read models only (kurrentdb without DATABASE_URL) */
  sqlitePath?: string;
  /** PostgreSQL for events and read models (postgres), or for read models only (kurrentdb with it set) */
  databaseUrl?: string;
  kurrentdbUrl?: string;
  /** PostgreSQL schema to use (tests give each run its own); default `public` */
  postgresSchema?: string;
}

/** The event log plus the SQL database that holds read models beside it. */
export interface Storage {
  events: EventStore;
  sql: SqlDatabase;
  /**
   * the events are rows of an `events` table in `sql` (SQLite, PostgreSQL), so a read model can be rebuilt from them
   * by set-based SQL; false when they live elsewhere (KurrentDB)
   */
  readonly eventsTableInSql: boolean;
  close(): Promise<void>;
}

/** Injection token for the process's Storage (a plain symbol: this lib stays free of Nest). */
export const STORAGE = Symbol('haven.storage');

/** Where the SQLite file goes when `sqlitePath` is not set. */
export const DEFAULT_SQLITE_PATH = './data/haven.sqlite';

/**
 * Opens the configured engine, creating and migrating its tables (and the SQLite file or PostgreSQL schema) if needed.
 * PostgreSQL's and KurrentDB's modules are required when chosen, not imported at the top: their clients take about half
 * a second of CPU to load, which every start on the SQLite default would pay for nothing (`require`, not `import()`,
 * because jest's CommonJS runtime runs this file too).
 */
export async function openStorage(config: StorageConfig): Promise<Storage> {
  switch (config.eventStore) {
    case 'sqlite': {
      return openSqliteStorage(config.sqlitePath ?? DEFAULT_SQLITE_PATH);
    }
    case 'postgres': {
      if (!config.databaseUrl) throw new Error('eventStore "postgres" needs databaseUrl (DATABASE_URL)');
      const { openPostgresStorage } = require('./postgres/open-postgres-storage') as typeof import('./postgres/open-postgres-storage');
      return openPostgresStorage(config.databaseUrl, { schema: config.postgresSchema });
    }
    case 'kurrentdb': {
      if (!config.kurrentdbUrl) throw new Error('eventStore "kurrentdb" needs kurrentdbUrl (KURRENTDB_URL)');
      const { databaseUrl, postgresSchema } = config;
      const { openKurrentDbStorage } = require('./kurrentdb/open-kurrentdb-storage') as typeof import('./kurrentdb/open-kurrentdb-storage');
      return openKurrentDbStorage(config.kurrentdbUrl, { sqlitePath: config.sqlitePath ?? DEFAULT_SQLITE_PATH, databaseUrl, postgresSchema });
    }
    default: {
      const unknown: never = config.eventStore;
      throw new Error(`unknown eventStore "${String(unknown)}"`);
    }
  }
}
