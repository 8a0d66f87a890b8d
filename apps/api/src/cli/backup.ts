import 'reflect-metadata';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { validateEnvironment } from '../config/environment';

/**
 * A consistent copy of the SQLite database while the API runs: `npm run backup -- --to <file>`. Uses SQLite's online
 * backup (better-sqlite3's `backup`), which copies every page of one snapshot, the WAL's committed pages included, so
 * the copy needs no WAL of its own; copying the file with `cp` while the API writes could catch it half-written, or
 * without what is still only in the WAL.
 *
 * The copy holds the events, the read models and `personal_data_keys`, the keys wrapped under the master key: it opens
 * nothing personal without PERSONAL_DATA_KEY, which is never in it. PostgreSQL is backed up with its own tools
 * (pg_dump); KurrentDB's events with KurrentDB's.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { to: { type: 'string' } }, strict: true });
  const env = validateEnvironment(process.env);
  // the SQL database is SQLite with the embedded store, and with KurrentDB when no DATABASE_URL holds its read models
  const sqlIsSqlite = env.EVENT_STORE === 'sqlite' || (env.EVENT_STORE === 'kurrentdb' && !env.DATABASE_URL);
  if (!sqlIsSqlite) {
    throw new Error(
      `backup copies a SQLite database; with EVENT_STORE=${env.EVENT_STORE} the events, read models and personal_data_keys are in PostgreSQL: ` +
        `pg_dump --schema=${env.POSTGRES_SCHEMA} "$DATABASE_URL" (README, "Backups")`,
    );
  }
  if (!values.to) throw new Error('name the copy to write: npm run backup -- --to <file>');
  const source = resolve(env.SQLITE_PATH);
  const target = resolve(values.to);
  if (!existsSync(source)) throw new Error(`SQLITE_PATH: ${source} does not exist (is SQLITE_PATH the API's?)`);
  if (target === source) throw new Error('--to names the database itself');
  if (existsSync(target)) throw new Error(`--to: ${target} exists already; backup never overwrites`);
  mkdirSync(dirname(target), { recursive: true });

  const database = new Database(source, { fileMustExist: true });
  try {
    // every page in one step, inside one read transaction: SQLite restarts a backup made in steps whenever another
    // connection (the running API) writes between two of them, which under steady posting could be for ever
    await database.backup(target, { progress: () => 0x7fffffff });
  } catch (error) {
    rmSync(target, { force: true });
    throw error;
  } finally {
    database.close();
  }

  // a copy is only as good as what opens: check it, and say what it holds
  const copy = new Database(target, { readonly: true, fileMustExist: true });
  try {
    const integrity = copy.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`the copy at ${target} fails SQLite's integrity check: ${String(integrity)}`);
    const count = (sql: string) => {
      try {
        return Number((copy.prepare(sql).get() as { n: number | null }).n ?? 0);
      } catch {
        return 0; // a table this database does not have (KurrentDB holds the events; no key made yet)
      }
    };
    const events = count('select count(*) as n from events');
    const head = count('select max(position) as n from events');
    const keys = count('select count(*) as n from personal_data_keys');
    const size = statSync(target).size;
    console.log(
      `backed up ${source} to ${target}: ${(size / 1024 / 1024).toFixed(1)} MiB, ${events} events (head position ${head}), ${keys} person keys (wrapped: keep PERSONAL_DATA_KEY apart from the copy)`,
    );
  } finally {
    copy.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
