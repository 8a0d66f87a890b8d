import type { Pool, PoolClient, QueryResult } from 'pg';
import { RowCountMismatchError, type BulkWriter, type SqlDatabase, type SqlExecutor, type SqlRow, type SqlValue, type TransactionOptions } from '../sql-database';
import { HELD_WRITES, HeldWrites, withLiterals } from './held-writes';
import { ROW_COUNT_MISMATCH_SQLSTATE } from './migrations/0003-create-expect-rows-function.migration';

function executorOn(client: Pool | PoolClient): SqlExecutor {
  return {
    async query<Row extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
      return (await client.query<Row>(sql, [...params])).rows;
    },
    async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
      return (await client.query(sql, [...params])).rowCount ?? 0;
    },
  };
}

/** haven_expect_rows' error as the error executeExpecting documents; anything else unchanged */
function asRowCountMismatch(error: unknown): never {
  if ((error as { code?: unknown }).code === ROW_COUNT_MISMATCH_SQLSTATE) throw new RowCountMismatchError((error as Error).message);
  throw error;
}

/** The read-model SQL handle on the store's pool; a transaction holds one pooled client from BEGIN to COMMIT. */
export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  private readonly direct: SqlExecutor;
  private closed = false;

  constructor(readonly pool: Pool) {
    this.direct = executorOn(pool);
  }

  query<Row extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    return this.direct.query<Row>(sql, params);
  }

  execute(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.direct.execute(sql, params);
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.inTransaction((client) => fn(executorOn(client)), options);
  }

  /**
   * Statements go as text with their values as literals (withLiterals), in the simple query protocol, which takes many
   * in one round trip: BEGIN goes with the first query or batch of writes, COMMIT with the last writes. A read-model
   * transaction of one query and a few writes (a live projection) takes two round trips instead of four. Consecutive
   * copies of one plain insert go as one multi-row insert (HeldWrites): a rebuild of room_messages 2.3x as fast.
   */
  async bulkTransaction<T>(fn: (tx: BulkWriter) => Promise<T>, { durable = true }: TransactionOptions = {}): Promise<T> {
    const client = await this.pool.connect();
    const held = new HeldWrites();
    held.addText(durable ? 'BEGIN' : 'BEGIN; SET LOCAL synchronous_commit = off');
    let begun = false;
    let broken: Error | undefined;
    /** sends what is held (and `last`); the result of the last statement */
    const send = async (last?: string): Promise<QueryResult | undefined> => {
      if (last !== undefined) held.addText(last);
      const text = held.take();
      if (text === '') return undefined;
      begun = true;
      const results = (await client.query(text).catch(asRowCountMismatch)) as QueryResult | QueryResult[];
      return Array.isArray(results) ? results[results.length - 1] : results;
    };
    const writer: BulkWriter = {
      async query<Row extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
        return ((await send(withLiterals(sql, params)))?.rows ?? []) as Row[];
      },
      async execute(sql: string, params: readonly SqlValue[] = []): Promise<void> {
        held.add(sql, params);
        if (held.size >= HELD_WRITES) await send();
      },
      flush: async () => void (await send()),
      async executeExpecting(sql: string, params: readonly SqlValue[], rows: number): Promise<void> {
        // the write's changed rows, counted and checked by the server, in the batch it is sent with
        held.addWriteText(`WITH changed AS (${withLiterals(sql, params)} RETURNING 1) SELECT haven_expect_rows(count(*), ${Number(rows)}) FROM changed`);
        if (held.size >= HELD_WRITES) await send();
      },
    };
    try {
      const result = await fn(writer);
      if (begun || held.size > 0) await send('COMMIT');
      return result;
    } catch (error) {
      held.clear();
      if (begun) await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      // a client whose ROLLBACK failed is in an unknown state: destroy it rather than return it to the pool
      client.release(broken);
    }
  }

  /** BEGIN, fn, COMMIT on one pooled client; ROLLBACK when fn throws. */
  private async inTransaction<T>(fn: (client: PoolClient) => Promise<T>, { durable = true }: TransactionOptions = {}): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      // one round trip either way
      await client.query(durable ? 'BEGIN' : 'BEGIN; SET LOCAL synchronous_commit = off');
      try {
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      }
    } finally {
      // a client whose ROLLBACK failed is in an unknown state: destroy it rather than return it to the pool
      client.release(broken);
    }
  }

  /** Ends the pool shared with the event store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
