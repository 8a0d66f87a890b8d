import type { Pool, PoolClient } from 'pg';
import { Umzug, type UmzugStorage } from 'umzug';
import { postgresMigrations } from './migrations';
import { checkSchemaName } from './postgres-connection-config';

/** Advisory lock key (class, hashtext(schema)) that serialises migrators of one schema. */
const MIGRATION_LOCK_CLASS = 0x4856_4d47; // 'HVMG'

/** Records applied migrations in `haven_migrations` inside the store's schema. */
class PostgresMigrationStorage implements UmzugStorage<PoolClient> {
  constructor(private readonly client: PoolClient) {}

  async executed(): Promise<string[]> {
    await this.client.query(
      'CREATE TABLE IF NOT EXISTS haven_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const { rows } = await this.client.query<{ name: string }>('SELECT name FROM haven_migrations ORDER BY name');
    return rows.map((row) => row.name);
  }

  async logMigration({ name }: { name: string }): Promise<void> {
    await this.client.query('INSERT INTO haven_migrations (name) VALUES ($1)', [name]);
  }

  async unlogMigration({ name }: { name: string }): Promise<void> {
    await this.client.query('DELETE FROM haven_migrations WHERE name = $1', [name]);
  }
}

/**
 * Creates the schema if missing and applies pending migrations, all in one transaction under an advisory lock,
 * so API nodes starting together migrate once and a failure leaves nothing half-applied.
 */
export async function migratePostgres(pool: Pool, schema: string): Promise<void> {
  checkSchemaName(schema);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      // the pool's search_path named the schema before it existed; name it again now that it does
      await client.query(`SET LOCAL search_path TO "${schema}"`);
      const umzug = new Umzug<PoolClient>({
        migrations: postgresMigrations,
        context: client,
        storage: new PostgresMigrationStorage(client),
        logger: undefined,
      });
      await umzug.up();
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    }
  } finally {
    client.release(broken);
  }
}
