import { escapeLiteral, type Pool, type PoolClient, type QueryResult } from 'pg';
import { replacePlaceholders } from '../internal/placeholders';
import type { BulkWriter, SqlDatabase, SqlExecutor, SqlRow, SqlValue, TransactionOptions } from '../sql-database';

/** Writes a bulk transaction holds before sending them in one round trip. */
const HELD_WRITES = 1000;

/**
 * The statement with each `$n` replaced by its value as a quoted literal, which the server types from its context
 * exactly as it types node-postgres's parameters (sent as text of unknown type): `'42'` into a bigint column is 42.
 * Strings go through pg's escapeLiteral (quotes and backslashes), so message text cannot end the literal.
 */
export function withLiterals(sql: string, params: readonly SqlValue[]): string {
  return replacePlaceholders(sql, (index) => {
    if (index >= params.length) throw new RangeError(`missing SQL parameter $${index + 1}`);
    const value = params[index];
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`SQL parameter $${index + 1} is not a finite number`);
    return escapeLiteral(String(value));
  });
}

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
   * transaction of one query and a few writes (a live projection) takes two round trips instead of four.
   */
  async bulkTransaction<T>(fn: (tx: BulkWriter) => Promise<T>, { durable = true }: TransactionOptions = {}): Promise<T> {
    const client = await this.pool.connect();
    const held: string[] = [durable ? 'BEGIN' : 'BEGIN; SET LOCAL synchronous_commit = off'];
    let begun = false;
    let broken: Error | undefined;
    /** sends what is held (and `last`); the result of the last statement */
    const send = async (last?: string): Promise<QueryResult | undefined> => {
      if (last !== undefined) held.push(last);
      if (held.length === 0) return undefined;
      begun = true;
      const results = (await client.query(held.splice(0).join(';\n'))) as QueryResult | QueryResult[];
      return Array.isArray(results) ? results[results.length - 1] : results;
    };
    const writer: BulkWriter = {
      async query<Row extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
        return ((await send(withLiterals(sql, params)))?.rows ?? []) as Row[];
      },
      async execute(sql: string, params: readonly SqlValue[] = []): Promise<void> {
        held.push(withLiterals(sql, params));
        if (held.length >= HELD_WRITES) await send();
      },
      flush: async () => void (await send()),
    };
    try {
      const result = await fn(writer);
      if (begun || held.length > 1) await send('COMMIT');
      return result;
    } catch (error) {
      held.length = 0;
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
