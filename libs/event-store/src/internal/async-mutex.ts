import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A FIFO async lock. better-sqlite3 is one synchronous connection: an async transaction must hold the
 * connection from BEGIN to COMMIT so no other caller's statement lands inside it.
 */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();
  // Knows whether the current async context holds the lock right now: waiting again would deadlock.
  // A flag object, cleared on release, so work merely started inside the section (a timer) is not mistaken for it.
  private readonly holder = new AsyncLocalStorage<{ held: boolean }>();

  /** runs fn once every earlier caller has finished; throws instead of deadlocking on re-entry */
  async runExclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.holder.getStore()?.held) {
      throw new Error('re-entrant use of the SQLite connection inside a transaction: use the transaction executor');
    }
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    const section = { held: true };
    try {
      return await this.holder.run(section, fn);
    } finally {
      section.held = false;
      release();
    }
  }
}
