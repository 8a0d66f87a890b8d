import type { Storage } from '../open-storage';
import { openSqliteConnection, SqliteDatabase } from './sqlite-database';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store';
import { migrateSqlite } from './sqlite-migrator';

/** Opens (and migrates) a SQLite file: one connection shared by the event store and the read models. */
export async function openSqliteStorage(path: string, options: SqliteEventStoreOptions = {}): Promise<Storage> {
  const connection = openSqliteConnection(path);
  try {
    await migrateSqlite(connection);
  } catch (error) {
    connection.close();
    throw error;
  }
  const sql = new SqliteDatabase(connection);
  const events = new SqliteEventStore(sql, options);
  return {
    events,
    sql,
    async close() {
      await events.close();
      await sql.close();
    },
  };
}
