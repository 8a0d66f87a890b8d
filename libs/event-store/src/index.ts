export * from './event-store';
export * from './sql-database';
export * from './open-storage';
export { SqliteDatabase, openSqliteConnection, toSqlitePlaceholders } from './sqlite/sqlite-database';
export { WalCheckpointer } from './sqlite/wal-checkpointer';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export { openSqliteStorage } from './sqlite/open-sqlite-storage';
// The PostgreSQL and KurrentDB engines are not re-exported here: openStorage loads the one it is given, so that a
// deployment never loads a client it does not use. Their modules are imported by path where one is needed directly.
export type { PostgresStorageOptions } from './postgres/open-postgres-storage';
export type { KurrentDbStorageOptions } from './kurrentdb/open-kurrentdb-storage';
