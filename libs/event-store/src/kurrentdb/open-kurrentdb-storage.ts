import { BACKWARDS, END, KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { Storage } from '../open-storage';
import { openPostgresStorage } from '../postgres/open-postgres-storage';
import { openSqliteStorage } from '../sqlite/open-sqlite-storage';
import { KurrentDbEventStore, type KurrentDbEventStoreOptions } from './kurrentdb-event-store';

export interface KurrentDbStorageOptions extends KurrentDbEventStoreOptions {
  /** read models in this SQLite file, unless databaseUrl is set */
  sqlitePath: string;
  /** read models in PostgreSQL instead */
  databaseUrl?: string;
  postgresSchema?: string;
}

/** Fails at start, not at the first command, when the server is unreachable or may not read `$all`. */
async function checkReachable(client: KurrentDBClient): Promise<void> {
  const newest = client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
  await newest.next();
  await newest.return?.(undefined);
}

/** The URL without its user info, for error messages. */
const redacted = (url: string): string => url.replace(/\/\/[^/@]*@/, '//');

/**
 * Opens KurrentDB for the events (`kurrentdb://host:2113?tls=false`) and SQL for the read models. The SQL side is
 * opened by its own engine's open function so it is created and migrated the same way; the SQL event store that
 * comes with it stays unused (its `events` table stays empty: the log lives in KurrentDB).
 */
export async function openKurrentDbStorage(kurrentdbUrl: string, options: KurrentDbStorageOptions): Promise<Storage> {
  const { sqlitePath, databaseUrl, postgresSchema, ...eventOptions } = options;
  const sqlStorage = databaseUrl
    ? await openPostgresStorage(databaseUrl, { schema: postgresSchema })
    : await openSqliteStorage(sqlitePath);
  await sqlStorage.events.close();
  const { sql } = sqlStorage;
  const client = KurrentDBClient.connectionString(kurrentdbUrl);
  try {
    await checkReachable(client);
  } catch (error) {
    await client.dispose();
    await sql.close();
    throw new Error(`KurrentDB at ${redacted(kurrentdbUrl)} did not answer a read of $all: ${String(error)}`, { cause: error });
  }
  const events = new KurrentDbEventStore(client, eventOptions);
  return {
    events,
    sql,
    eventsTableInSql: false,
    async close() {
      await events.close();
      await sql.close();
    },
  };
}
