import { Client } from 'pg';

/** The PostgreSQL the integration tests use: DATABASE_URL, or the machine's local one. */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * `describe` when PostgreSQL answered (tests/support/global-setup.js says so), a loud skip when not. A function, so
 * that importing this file (as app-process.ts does, also in the bench) does not need jest's globals.
 */
export function describeWithPostgres(name: string, suite: () => void): void {
  (process.env.HAVEN_TEST_POSTGRES === 'down' ? describe.skip : describe)(name, suite);
}

/**
 * A fresh schema name per test file, so runs never see each other's rows. It carries the jest run's tag
 * (HAVEN_TEST_RUN, set by global-setup.js), so that global-teardown.js drops this run's schemas and no other's.
 */
export function uniqueSchema(prefix: string): string {
  const run = process.env.HAVEN_TEST_RUN ?? 'norun';
  return `${prefix}_${run}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** where the server's write-ahead log is now: read it back with `storedBytes` */
export async function walPosition(): Promise<string> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return String((await client.query(`select pg_current_wal_lsn() as lsn`)).rows[0].lsn);
  } finally {
    await client.end();
  }
}

/**
 * The bytes PostgreSQL keeps on disk for one schema, as the server's files hold them after a checkpoint: every table's,
 * index's and TOAST table's data file, and the write-ahead log's segments written since `sinceWal` (`walPosition`).
 * Read through the server (pg_read_binary_file, which the tests' superuser may call), so no access to its data
 * directory is needed. Dead tuples and free space are in there as they are on disk.
 */
export async function storedBytes(schema: string, sinceWal: string): Promise<{ file: string; bytes: Buffer }[]> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query('checkpoint');
    const { rows: relations } = await client.query(
      `select pg_relation_filepath(c.oid) as file from pg_class c
        where (c.relnamespace = $1::regnamespace
               or c.oid in (select reltoastrelid from pg_class where relnamespace = $1::regnamespace)
               or c.oid in (select indexrelid from pg_index where indrelid in
                             (select reltoastrelid from pg_class where relnamespace = $1::regnamespace)))
          and pg_relation_filepath(c.oid) is not null`,
      [schema],
    );
    const { rows: segments } = await client.query(
      `select 'pg_wal/' || name as file from pg_ls_waldir()
        where name ~ '^[0-9A-F]{24}$' and name >= pg_walfile_name($1::pg_lsn) and name <= pg_walfile_name(pg_current_wal_lsn())
        order by name`,
      [sinceWal],
    );
    const files: { file: string; bytes: Buffer }[] = [];
    for (const { file } of [...relations, ...segments]) {
      const { rows } = await client.query(`select pg_read_binary_file($1, 0, (pg_stat_file($1, true)).size, true) as bytes`, [file]);
      if (rows[0]?.bytes) files.push({ file, bytes: rows[0].bytes as Buffer });
    }
    return files;
  } finally {
    await client.end();
  }
}
