import type { EventStore } from './event-store';
import type { SqlDatabase } from './sql-database';

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
  close(): Promise<void>;
}
