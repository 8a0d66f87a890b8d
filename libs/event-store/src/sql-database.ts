/**
 * The SQL handle read models use. Read models live in the same database as the events
 * (SQLite file or PostgreSQL) so a projection can write its rows and its checkpoint in one transaction.
 * SQL is written once with PostgreSQL-style `$1` placeholders; the SQLite adapter rewrites them.
 * Keep to the common dialect: ON CONFLICT upserts, TEXT/INTEGER/BIGINT columns, JSON stored as TEXT.
 */
export type SqlValue = string | number | bigint | boolean | null;
export type SqlRow = Record<string, unknown>;

/** `$1, $2, …, $count`: the placeholders of an `in (…)` list of `count` parameters. */
export const placeholderList = (count: number): string => Array.from({ length: count }, (_, i) => `$${i + 1}`).join(', ');

export interface SqlExecutor {
  query<Row extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** runs a statement; returns the number of rows changed */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

/**
 * What projections write read models with: statements whose row counts they do not use, so that a bulk transaction
 * may hold writes and send them later, in batches (every SqlExecutor is one).
 */
export interface SqlWriter {
  query<Row extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** resolves when the write is done or held; what it resolves to is not a row count to rely on */
  execute(sql: string, params?: readonly SqlValue[]): Promise<unknown>;
}

/** A SqlWriter inside bulkTransaction; flush() sends the writes it holds. */
export interface BulkWriter extends SqlWriter {
  flush(): Promise<void>;
  /**
   * A write (an insert, update or delete without RETURNING) that must change exactly `rows` rows, checked by the
   * database when its batch is sent, in the same round trip: otherwise the transaction fails with RowCountMismatchError
   * and nothing of it is committed. For a condition the writes after it depend on, without waiting for an answer.
   */
  executeExpecting(sql: string, params: readonly SqlValue[], rows: number): Promise<void>;
}

/** An executeExpecting write changed another number of rows than it had to; its transaction was rolled back. */
export class RowCountMismatchError extends Error {
  override readonly name = 'RowCountMismatchError';
}

export interface TransactionOptions {
  /**
   * false: the commit need not wait for its flush to disk, for rows that can be derived again (read models and their
   * checkpoints, from the log). A crash may then lose the last few such commits, never part of one. Default true.
   * PostgreSQL: `synchronous_commit = off` for this transaction; SQLite (WAL, synchronous=NORMAL) never waits anyway.
   */
  durable?: boolean;
}

export interface SqlDatabase extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /** runs fn in one transaction: committed when fn resolves, rolled back when it throws */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * A transaction for writing many rows (read-model rebuilds). Writes may be held and sent in batches, in order, each
   * batch in one round trip: a query, flush() and the commit send what is held first. A failing write fails the
   * transaction when its batch is sent. PostgreSQL holds writes (one round trip per statement made rebuilds 10x slower
   * than on SQLite); SQLite, in-process, runs each at once.
   */
  bulkTransaction<T>(fn: (tx: BulkWriter) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/**
 * The statements that empty these tables inside a transaction, the cheapest way each engine has. PostgreSQL's DELETE
 * leaves every row and index entry behind as dead until a vacuum, for later inserts to work around; TRUNCATE
 * (transactional there) starts the tables afresh. SQLite's DELETE without WHERE already drops the table's pages.
 */
export function emptyTablesStatements(dialect: SqlDatabase['dialect'], tables: readonly string[]): string[] {
  if (tables.length === 0) return [];
  return dialect === 'postgres' ? [`truncate ${tables.join(', ')}`] : tables.map((table) => `delete from ${table}`);
}
