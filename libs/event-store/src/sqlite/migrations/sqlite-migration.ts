import type Database from 'better-sqlite3';
import type { RunnableMigration } from 'umzug';

/** An umzug migration run on the raw better-sqlite3 connection. */
export type SqliteMigration = RunnableMigration<Database.Database>;
