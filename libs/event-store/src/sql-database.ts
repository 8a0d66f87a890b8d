/**
 * The SQL handle read models use. Read models live in the same database as the events
 * (SQLite file or PostgreSQL) so a projection can write its rows and its checkpoint in one transaction.
 * SQL is written once with PostgreSQL-style `$1` placeholders; the SQLite adapter rewrites them.
 * Keep to the common dialect: ON CONFLICT upserts, TEXT/INTEGER/BIGINT columns, JSON stored as TEXT.
 */
export type SqlValue = string | number | bigint | boolean | null;
export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  query<Row extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** runs a statement; returns the number of rows changed */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
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
  close(): Promise<void>;
}
