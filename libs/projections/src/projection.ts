import type { RecordedEvent, SqlDatabase, SqlExecutor, SqlWriter } from '@haven/event-store';

/**
 * A read model: its tables live in the same database as the events, and its checkpoint is written in the
 * same transaction as its rows, so a crash never leaves rows and checkpoint disagreeing.
 */
export interface Projection {
  /** the read model's name; also its checkpoint key */
  readonly name: string;
  /** the tables it owns, emptied before a rebuild */
  readonly tables: readonly string[];
  /**
   * Optional, 1 when unset: bump it when what the tables hold changes (a column, a table, a rule of `apply`). At the
   * next start every node drops the read model's tables and builds it again from the log (prepareReadModels), as it
   * does a new read model; without the bump, an upgraded database would keep rows the earlier rules wrote, and a table
   * added to an existing read model would never see the events before the upgrade.
   */
  readonly version?: number;
  /** creates its tables if missing (idempotent; run at start) */
  migrate(db: SqlExecutor): Promise<void>;
  /**
   * applies one event inside the caller's transaction; events it does not care about are ignored. Its writes may be
   * sent later in a batch (a rebuild's bulk transaction), so it cannot use their row counts; its queries see them.
   */
  apply(tx: SqlWriter, event: RecordedEvent): Promise<void>;
  /**
   * Optional: the only event types `apply` does anything with, so that a rebuild can read just those from the log (in
   * the database, on the SQL stores). Every type it handles must be listed: a test applies every other type of the
   * domains and expects no statement.
   */
  readonly eventTypes?: readonly string[];
  /**
   * Optional, for rebuilds: applies the events at positions in (after, upTo] by set-based SQL over the log's `events`
   * table, when that table is in the same database (Storage.eventsTableInSql). It must leave exactly the rows `apply`
   * leaves when given those events one by one in position order (tests compare the two on both engines). Worth it for
   * a read model with a row for most events: the database writes them without a round trip or a JS value per row.
   * `dialect`: where the engines' costs differ enough for a statement of each.
   */
  applyRangeFromEventsTable?(tx: SqlWriter, after: number, upTo: number, dialect: SqlDatabase['dialect']): Promise<void>;
  /**
   * Optional, with applyRangeFromEventsTable: indexes that a set-based rebuild drops before its inserts and creates
   * again after them (building an index once costs less than keeping it up to date row by row). `migrate` must create
   * them too (`createIndexStatement`), so a rebuild stopped in between leaves them to the next start. Never an index
   * the SQL itself relies on.
   */
  readonly deferredIndexes?: readonly IndexDefinition[];
}

export interface IndexDefinition {
  name: string;
  /** table and columns: `room_messages (room_id, position)` */
  on: string;
}

export const createIndexStatement = (index: IndexDefinition): string => `create index if not exists ${index.name} on ${index.on}`;
