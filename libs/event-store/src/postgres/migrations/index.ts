import { createEvents } from './0001-create-events.migration';
import { createAppendFunction } from './0002-create-append-function.migration';
import { createExpectRowsFunction } from './0003-create-expect-rows-function.migration';
import type { PostgresMigration } from './postgres-migration';

/** In order; never edit one that has shipped, add the next. */
export const postgresMigrations: PostgresMigration[] = [createEvents, createAppendFunction, createExpectRowsFunction];
