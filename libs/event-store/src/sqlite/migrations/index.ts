import { createEvents } from './0001-create-events.migration';
import type { SqliteMigration } from './sqlite-migration';

/** In order; never edit one that has shipped, add the next. */
export const sqliteMigrations: SqliteMigration[] = [createEvents];
