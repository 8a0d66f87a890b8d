import type { Pool, PoolClient } from 'pg';
import type { SqlDatabase, SqlExecutor, SqlRow, SqlValue, TransactionOptions } from '../sql-database';

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

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, { durable = true }: TransactionOptions = {}): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      // one round trip either way
      await client.query(durable ? 'BEGIN' : 'BEGIN; SET LOCAL synchronous_commit = off');
      try {
        const result = await fn(executorOn(client));
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
