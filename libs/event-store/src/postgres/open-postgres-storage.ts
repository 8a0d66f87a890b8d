import { Pool } from 'pg';
import type { Storage } from '../open-storage';
import { checkSchemaName, postgresClientConfig } from './postgres-connection-config';
import { PostgresDatabase } from './postgres-database';
import { PostgresEventStore } from './postgres-event-store';
import { migratePostgres } from './postgres-migrator';

export interface PostgresStorageOptions {
  /** default `public` */
  schema?: string;
  /** pool size (default 10) */
  maxConnections?: number;
  pollIntervalMs?: number;
  batchSize?: number;
}

/** Opens (and migrates) a PostgreSQL store: one pool shared by the event store and the read models. */
export async function openPostgresStorage(databaseUrl: string, options: PostgresStorageOptions = {}): Promise<Storage> {
  const schema = checkSchemaName(options.schema ?? 'public');
  const clientConfig = postgresClientConfig(databaseUrl, schema);
  const pool = new Pool({ ...clientConfig, max: options.maxConnections ?? 10 });
  // an idle client losing its connection must not crash the process; the pool replaces it
  pool.on('error', () => undefined);
  try {
    await migratePostgres(pool, schema);
  } catch (error) {
    await pool.end();
    throw new Error(`PostgreSQL at DATABASE_URL (${withoutPassword(databaseUrl)}): ${(error as Error).message}`, { cause: error });
  }
  const sql = new PostgresDatabase(pool);
  const events = new PostgresEventStore(pool, {
    schema,
    listenerConfig: clientConfig,
    pollIntervalMs: options.pollIntervalMs,
    batchSize: options.batchSize,
  });
  return {
    events,
    sql,
    eventsTableInSql: true,
    async close() {
      await events.close();
      await sql.close();
    },
  };
}

/** the URL to name in an error, its password left out */
function withoutPassword(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'not a URL';
  }
}
