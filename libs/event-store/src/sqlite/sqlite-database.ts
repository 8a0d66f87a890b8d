import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AsyncMutex } from '../internal/async-mutex';
import type { SqlDatabase, SqlExecutor, SqlRow, SqlValue } from '../sql-database';

type Connection = Database.Database;
type BoundParams = Record<string, string | number | bigint | null>;

/** Opens (creating the file and its directory if missing) a SQLite connection tuned for an event log. */
export function openSqliteConnection(path: string): Connection {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const connection = new Database(path);
  // WAL: readers never block the writer, and another process can follow the same file.
  connection.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives an application crash; an OS crash or power loss may roll back
  // the last few commits (the WAL is fsynced at checkpoints, not per commit) but never corrupts the file.
  connection.pragma('synchronous = NORMAL');
  // Another process holding the write lock makes us wait (up to 5 s) instead of failing with SQLITE_BUSY.
  connection.pragma('busy_timeout = 5000');
  connection.pragma('foreign_keys = ON');
  return connection;
}

/** `$1` (PostgreSQL style) to `?1`, leaving quoted strings alone. */
export function toSqlitePlaceholders(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(\d+)/g, (match, index: string | undefined) =>
    index === undefined ? match : `?${index}`,
  );
}

/** `?1`-style parameters bind by name in better-sqlite3; booleans become 0/1 (SQLite has no boolean). */
function bind(params: readonly SqlValue[]): BoundParams {
  const bound: BoundParams = {};
  params.forEach((value, index) => {
    bound[String(index + 1)] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  });
  return bound;
}

/** Runs SQL on the connection directly; the caller must hold the mutex. */
class DirectExecutor implements SqlExecutor {
  private readonly statements = new Map<string, Database.Statement>();
  constructor(private readonly connection: Connection) {}

  async query<Row extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    const statement = this.prepare(sql);
    if (!statement.reader) {
      statement.run(bind(params));
      return [];
    }
    return statement.all(bind(params)) as Row[];
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const statement = this.prepare(sql);
    // better-sqlite3 refuses run() on a statement that returns rows (e.g. INSERT ... RETURNING)
    if (statement.reader) return statement.all(bind(params)).length;
    return statement.run(bind(params)).changes;
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= 500) this.statements.clear();
      statement = this.connection.prepare(toSqlitePlaceholders(sql));
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/**
 * The read-model SQL handle on the shared SQLite connection. Every call, and every whole transaction, runs under
 * one async mutex: the connection is synchronous and shared, so an awaited transaction must not have another
 * caller's statements (or an event append) land between its BEGIN and COMMIT.
 */
export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  private readonly mutex = new AsyncMutex();
  private readonly direct: DirectExecutor;

  constructor(readonly connection: Connection) {
    this.direct = new DirectExecutor(connection);
  }

  query<Row extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    return this.mutex.runExclusive(() => this.direct.query<Row>(sql, params));
  }

  execute(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.mutex.runExclusive(() => this.direct.execute(sql, params));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.mutex.runExclusive(async () => {
      // IMMEDIATE takes the write lock up front: a deferred read-then-write could fail with SQLITE_BUSY
      // when another process wrote in between.
      this.connection.exec('BEGIN IMMEDIATE');
      let open = true;
      const guarded: SqlExecutor = {
        query: (sql, params) => (open ? this.direct.query(sql, params) : Promise.reject(finishedError())),
        execute: (sql, params) => (open ? this.direct.execute(sql, params) : Promise.reject(finishedError())),
      };
      try {
        const result = await fn(guarded);
        this.connection.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.connection.inTransaction) this.connection.exec('ROLLBACK');
        throw error;
      } finally {
        open = false;
      }
    });
  }

  /** Runs synchronous work on the raw connection under the mutex (the event store appends through this). */
  exclusive<T>(work: (connection: Connection) => T): Promise<T> {
    return this.mutex.runExclusiveSync(() => work(this.connection));
  }

  async close(): Promise<void> {
    await this.mutex.runExclusive(() => {
      if (this.connection.open) this.connection.close();
    });
  }
}

function finishedError(): Error {
  return new Error('this transaction has already finished');
}
