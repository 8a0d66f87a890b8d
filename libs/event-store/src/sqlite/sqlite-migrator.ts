import type Database from 'better-sqlite3';
import { Umzug, type UmzugStorage } from 'umzug';
import { sqliteMigrations } from './migrations';

type Connection = Database.Database;

/** Records applied migrations in `haven_migrations`. */
class SqliteMigrationStorage implements UmzugStorage<Connection> {
  constructor(private readonly db: Connection) {}

  async executed(): Promise<string[]> {
    this.db.exec('CREATE TABLE IF NOT EXISTS haven_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
    const rows = this.db.prepare('SELECT name FROM haven_migrations ORDER BY name').all() as { name: string }[];
    return rows.map((row) => row.name);
  }

  async logMigration({ name }: { name: string }): Promise<void> {
    this.db.prepare('INSERT INTO haven_migrations (name, applied_at) VALUES (?, ?)').run(name, new Date().toISOString());
  }

  async unlogMigration({ name }: { name: string }): Promise<void> {
    this.db.prepare('DELETE FROM haven_migrations WHERE name = ?').run(name);
  }
}

/**
 * Brings the file's schema up to date. All of it runs in one IMMEDIATE transaction on this connection, so two
 * processes opening the same new file do not both migrate, and a failed migration leaves nothing half-applied.
 */
export async function migrateSqlite(db: Connection): Promise<void> {
  const umzug = new Umzug<Connection>({
    migrations: sqliteMigrations,
    context: db,
    storage: new SqliteMigrationStorage(db),
    logger: undefined,
  });
  db.exec('BEGIN IMMEDIATE');
  try {
    await umzug.up();
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
