import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AsyncMutex } from '../internal/async-mutex';
import { replacePlaceholders } from '../internal/placeholders';
import { RowCountMismatchError, type BulkWriter, type SqlDatabase, type SqlExecutor, type SqlRow, type SqlValue } from '../sql-database';

type Connection = Database.Database;

/** the connection's page cache limit, in KiB */
const PAGE_CACHE_KIB = 64 * 1024;
type BoundValue = string | number | bigint | null;

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
  // A 64 MB page cache (SQLite's default is 2 MB) keeps the read models' indexes in memory: with 2 MB, every insert
  // into room_messages' indexes past their first 2 MB read pages back from the OS, and a rebuild took up to 1.9x as long.
  // It is a limit, not an allocation: a small database uses only what it has.
  connection.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  return connection;
}

/** `$1` (PostgreSQL style) to `?1`, leaving quoted strings alone. */
export function toSqlitePlaceholders(sql: string): string {
  return replacePlaceholders(sql, (index) => `?${index + 1}`);
}

/**
 * `$n` placeholders to anonymous `?`, with the parameter index each one takes (a `$n` may repeat or come out of order).
 * Anonymous parameters bind from an argument list, cheaper than a `{ 1: …, 2: … }` object per call.
 */
export function toPositionalPlaceholders(sql: string): { sql: string; order: number[] } {
  const order: number[] = [];
  const text = replacePlaceholders(sql, (index) => (order.push(index), '?'));
  return { sql: text, order };
}

interface Prepared {
  statement: Database.Statement;
  /** the index into the caller's params of each `?`, in order */
  order: number[];
  /** whether `order` is simply 0, 1, 2, …: the caller's params can then be passed as they are */
  inOrder: boolean;
}

/** The argument list for a statement; booleans become 0/1 (SQLite has no boolean). */
function argumentsFor({ order, inOrder }: Prepared, params: readonly SqlValue[]): readonly BoundValue[] {
  if (inOrder && params.length === order.length && !params.some((value) => typeof value === 'boolean')) {
    return params as readonly BoundValue[];
  }
  return order.map((index) => {
    if (index >= params.length) throw new RangeError(`missing SQL parameter $${index + 1}`);
    const value = params[index];
    return typeof value === 'boolean' ? (value ? 1 : 0) : value;
  });
}

/** Runs SQL on the connection directly; the caller must hold the mutex. */
class DirectExecutor implements SqlExecutor {
  private readonly statements = new Map<string, Prepared>();
  constructor(private readonly connection: Connection) {}

  async query<Row extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    const prepared = this.prepare(sql);
    if (!prepared.statement.reader) {
      prepared.statement.run(...argumentsFor(prepared, params));
      return [];
    }
    return prepared.statement.all(...argumentsFor(prepared, params)) as Row[];
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const prepared = this.prepare(sql);
    // better-sqlite3 refuses run() on a statement that returns rows (e.g. INSERT ... RETURNING)
    if (prepared.statement.reader) return prepared.statement.all(...argumentsFor(prepared, params)).length;
    return prepared.statement.run(...argumentsFor(prepared, params)).changes;
  }

  private prepare(sql: string): Prepared {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      if (this.statements.size >= 500) this.statements.clear();
      const positional = toPositionalPlaceholders(sql);
      const inOrder = positional.order.every((index, i) => index === i);
      prepared = { statement: this.connection.prepare(positional.sql), order: positional.order, inOrder };
      this.statements.set(sql, prepared);
    }
    return prepared;
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

  /** Writes run at once: a statement costs no round trip in-process. */
  bulkTransaction<T>(fn: (tx: BulkWriter) => Promise<T>): Promise<T> {
    const flush = (): Promise<void> => Promise.resolve();
    return this.transaction((tx) => {
      const executeExpecting = async (sql: string, params: readonly SqlValue[], rows: number): Promise<void> => {
        const changed = await tx.execute(sql, params);
        if (changed !== rows) throw new RowCountMismatchError(`expected ${rows} changed rows, ${changed} changed`);
      };
      // the transaction's own executor (its functions need no binding), no wrapper per statement
      return fn({ query: tx.query, execute: tx.execute, flush, executeExpecting });
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
