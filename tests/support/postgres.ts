import { Client } from 'pg';

/** The PostgreSQL the integration tests use: DATABASE_URL, or the machine's local one. */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<boolean> | undefined;

/**
 * Whether PostgreSQL answers. When it does not, PostgreSQL tests are skipped with a loud message,
 * except under CI=true, where an unreachable PostgreSQL fails the run.
 */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (error) {
      if (process.env.CI === 'true') {
        throw new Error(`PostgreSQL at ${TEST_DATABASE_URL} is unreachable and CI=true: failing. (${String(error)})`);
      }
      console.warn(`\n!!! PostgreSQL at ${TEST_DATABASE_URL} is unreachable: PostgreSQL tests are SKIPPED. Start it with ../shared/services-up.sh\n`);
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
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
