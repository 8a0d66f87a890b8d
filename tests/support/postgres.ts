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

/** A fresh schema name per test file, so runs never see each other's rows. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
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
