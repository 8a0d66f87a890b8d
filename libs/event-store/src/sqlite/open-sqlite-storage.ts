import type { Storage } from '../open-storage';
import { openSqliteConnection, SqliteDatabase } from './sqlite-database';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store';
import { migrateSqlite } from './sqlite-migrator';
import { WalCheckpointer } from './wal-checkpointer';

/** Opens (and migrates) a SQLite file: one connection shared by the event store and the read models. */
export async function openSqliteStorage(path: string, options: SqliteEventStoreOptions = {}): Promise<Storage> {
  if (path.trim() === '') throw new Error('SQLITE_PATH is empty: SQLite would open a temporary database and lose every event at the next stop');
  let connection: ReturnType<typeof openSqliteConnection>;
  try {
    connection = openSqliteConnection(path);
  } catch (error) {
    throw new Error(`SQLite file at SQLITE_PATH (${path}): ${(error as Error).message}`, { cause: error });
  }
  try {
    await migrateSqlite(connection);
  } catch (error) {
    connection.close();
    throw error;
  }
  // checkpoints run on a worker thread, not inside a commit on the event loop (see WalCheckpointer)
  let checkpointer: WalCheckpointer | undefined;
  if (path !== ':memory:') {
    connection.pragma('wal_autocheckpoint = 0');
    checkpointer = WalCheckpointer.start(path, (message) => process.emitWarning(`SQLite WAL checkpoint failed: ${message}`));
  }
  const sql = new SqliteDatabase(connection);
  const events = new SqliteEventStore(sql, options);
  return {
    events,
    sql,
    eventsTableInSql: true,
    async close() {
      await events.close();
      await checkpointer?.stop();
      await sql.close();
    },
  };
}
