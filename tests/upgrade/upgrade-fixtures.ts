import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { TEST_DATABASE_URL, uniqueSchema } from '../support/postgres';
import { AppProcess, type AppData, type StoreKind } from '../support/app-process';
import { dumpTables } from '../support/read-model-dump';
import { caughtUp, headPosition } from '../support/stores';

/** stands for the PostgreSQL schema's name in a fixture's dump */
export const SCHEMA_PLACEHOLDER = '__haven_fixture_schema__';
export const FIXTURES_DIR = join(__dirname, 'fixtures');

/** The tables that are no read model: the log, the people's keys, the event store's migrations. Nothing else is kept. */
export const SOURCE_TABLES = ['events', 'personal_data_keys', 'haven_migrations'];

export interface Fixture {
  name: string;
  store: StoreKind;
  path: string;
  /** the log's head when it was made */
  head: number;
}

/** Every fixture in tests/upgrade/fixtures, oldest first (their names start with the date). */
export function fixtures(): Fixture[] {
  return readdirSync(FIXTURES_DIR)
    .filter((file) => file.endsWith('.sqlite') || file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const path = join(FIXTURES_DIR, file);
      const about = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as { head: number };
      return { name: file, store: file.endsWith('.sqlite') ? 'sqlite' : 'postgres', path, head: about.head };
    });
}

/** A deployment whose database is a copy of the fixture's (its own SQLite file or PostgreSQL schema). */
export async function restore(store: StoreKind, fixturePath: string): Promise<AppData> {
  if (store === 'sqlite') {
    const path = join(mkdtempSync(join(tmpdir(), 'haven-upgrade-')), 'haven.sqlite');
    const db = new Database(fixturePath, { readonly: true });
    try {
      db.prepare('VACUUM INTO ?').run(path);
    } finally {
      db.close();
    }
    return { store, env: { EVENT_STORE: 'sqlite', SQLITE_PATH: path, REDIS_KEY_PREFIX: uniqueSchema('haven-test') } };
  }
  const schema = uniqueSchema('upgrade');
  restoreSql(readFileSync(fixturePath, 'utf8').split(SCHEMA_PLACEHOLDER).join(schema));
  return { store, env: { EVENT_STORE: 'postgres', DATABASE_URL: TEST_DATABASE_URL, POSTGRES_SCHEMA: schema, REDIS_KEY_PREFIX: uniqueSchema('haven-test') } };
}

/** Another deployment holding a copy of this one's database as it is now (the app stopped). */
export async function copyOf(data: AppData): Promise<AppData> {
  if (data.store === 'sqlite') return restore('sqlite', data.env.SQLITE_PATH);
  const schema = data.env.POSTGRES_SCHEMA;
  const dump = execFileSync('pg_dump', ['--schema', schema, '--no-owner', '--no-privileges', TEST_DATABASE_URL], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const copy = uniqueSchema('upgrade');
  restoreSql(dump.split(schema).join(copy));
  return { store: 'postgres', env: { ...data.env, POSTGRES_SCHEMA: copy, REDIS_KEY_PREFIX: uniqueSchema('haven-test') } };
}

/** pg_dump's `\restrict` lines guard a restore against a hostile dump, and psql before 15.14 does not know them: a fixture is ours */
export const withoutRestrict = (sql: string): string => sql.replace(/^\\(un)?restrict .*$/gm, '');

function restoreSql(sql: string): void {
  execFileSync('psql', ['--quiet', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1', TEST_DATABASE_URL], { input: withoutRestrict(sql), stdio: ['pipe', 'ignore', 'pipe'] });
}

/** Every table in the deployment's database, by name. */
export async function tablesOf(data: AppData): Promise<string[]> {
  if (data.store === 'sqlite') {
    const db = new Database(data.env.SQLITE_PATH);
    try {
      return (db.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`).all() as { name: string }[]).map((r) => r.name);
    } finally {
      db.close();
    }
  }
  return withPostgres(async (client) =>
    (await client.query<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = $1 order by table_name`, [data.env.POSTGRES_SCHEMA])).rows.map((r) => r.table_name),
  );
}

/** Drops every table but the source tables: what is left is a log, from which the app builds every read model anew. */
export async function keepOnlyTheLog(data: AppData): Promise<void> {
  const readModels = (await tablesOf(data)).filter((table) => !SOURCE_TABLES.includes(table));
  if (data.store === 'sqlite') {
    const db = new Database(data.env.SQLITE_PATH);
    try {
      for (const table of readModels) db.exec(`drop table "${table}"`);
    } finally {
      db.close();
    }
    return;
  }
  await withPostgres(async (client) => {
    for (const table of readModels) await client.query(`drop table "${data.env.POSTGRES_SCHEMA}"."${table}" cascade`);
  });
}

/** Writes a read model's stored version (prepareReadModels reads it at start). */
export async function setStoredVersion(data: AppData, readModel: string, version: number): Promise<void> {
  await execOn(data, `update read_model_versions set version = ${Number(version)} where name = '${readModel.replace(/'/g, "''")}'`);
}

/** Runs statements (`;`-separated, no parameters) on the deployment's database, as another process would. */
export async function execOn(data: AppData, sql: string): Promise<void> {
  if (data.store === 'sqlite') {
    const db = new Database(data.env.SQLITE_PATH);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  await withPostgres((client) => client.query(`set search_path to "${data.env.POSTGRES_SCHEMA}"; ${sql}`));
}

/** The rows of one query (no parameters) on the deployment's database. */
export async function rowsOn(data: AppData, sql: string): Promise<Record<string, unknown>[]> {
  if (data.store === 'sqlite') {
    const db = new Database(data.env.SQLITE_PATH, { readonly: true });
    try {
      return db.prepare(sql).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  }
  return withPostgres(async (client) => {
    await client.query(`set search_path to "${data.env.POSTGRES_SCHEMA}"`);
    return (await client.query(sql)).rows as Record<string, unknown>[];
  });
}

export async function dropDeployment(data: AppData): Promise<void> {
  if (data.store === 'postgres') await withPostgres((client) => client.query(`drop schema if exists "${data.env.POSTGRES_SCHEMA}" cascade`));
}

async function withPostgres<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Starts the app on `data`, waits until it has projected the whole log, stops it; resolves with the log's head. */
export async function runToTheHead(data: AppData): Promise<number> {
  const app = await AppProcess.start(data);
  try {
    await caughtUp(app.url, 30_000);
    return await headPosition(app.url);
  } finally {
    await app.stop();
  }
}

/**
 * Builds every read model of `data` anew from its log alone (a copy of its database with only the source tables),
 * and resolves with both dumps, table by table, and the tables each database holds. `made` is told of the copy, for
 * the caller to drop it afterwards.
 */
export async function builtFromTheLog(data: AppData, made: (copy: AppData) => void) {
  const fresh = await copyOf(data);
  made(fresh);
  await keepOnlyTheLog(fresh);
  await runToTheHead(fresh);
  const tables = await tablesOf(fresh);
  const readModels = tables.filter((table) => !SOURCE_TABLES.includes(table));
  const [was, built] = await Promise.all([dumpTables(data, readModels), dumpTables(fresh, readModels)]);
  return { tables: { was: await tablesOf(data), built: tables }, readModels, was, built };
}
