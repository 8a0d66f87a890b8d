import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A FIFO async lock. better-sqlite3 is one synchronous connection: an async transaction must hold the
 * connection from BEGIN to COMMIT so no other caller's statement lands inside it.
 */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();
  // Knows whether the current async context already holds the lock: waiting again would deadlock.
  private readonly holder = new AsyncLocalStorage<boolean>();

  /** runs fn once every earlier caller has finished; throws instead of deadlocking on re-entry */
  async runExclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.holder.getStore()) {
      throw new Error('re-entrant use of the SQLite connection inside a transaction: use the transaction executor');
    }
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await this.holder.run(true, fn);
    } finally {
      release();
    }
  }
}
