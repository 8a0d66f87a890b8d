import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { AppData } from './app-process';

/** Every row of the given tables, sorted, so a rebuilt read model can be compared with the live one. */
export async function dumpTables(data: AppData, tables: string[]): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  if (data.store === 'sqlite') {
    // not read-only: a read-only connection cannot recover a WAL a stopped app left behind, and would read the file as
    // it was before that WAL (it writes nothing either way)
    const db = new Database(data.env.SQLITE_PATH);
    try {
      for (const table of tables) dump[table] = normalise(db.prepare(`select * from ${table}`).all());
    } catch (error) {
      // jest gives each test file its own realm but loads the native addon once, so a SqliteError's class may come from
      // another file's realm, and `rejects.toThrow()` would take it for no error at all: an Error of this realm instead
      throw new Error((error as { message: string }).message, { cause: error });
    } finally {
      db.close();
    }
    return dump;
  }
  const client = new Client({ connectionString: data.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(`set search_path to "${data.env.POSTGRES_SCHEMA}"`);
    for (const table of tables) dump[table] = normalise((await client.query(`select * from ${table}`)).rows);
  } finally {
    await client.end();
  }
  return dump;
}

const normalise = (rows: unknown[]): unknown[] =>
  rows.map((row) => JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))).sort();
