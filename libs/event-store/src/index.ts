export * from './event-store';
export * from './sql-database';
export * from './open-storage';
export { SqliteDatabase, openSqliteConnection, toSqlitePlaceholders } from './sqlite/sqlite-database';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export { openSqliteStorage } from './sqlite/open-sqlite-storage';
export { PostgresDatabase } from './postgres/postgres-database';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store';
export { openPostgresStorage, type PostgresStorageOptions } from './postgres/open-postgres-storage';
