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
  /** callers holding or waiting for the lock */
  private users = 0;

  /** runs fn once every earlier caller has finished; throws instead of deadlocking on re-entry */
  async runExclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.holder.getStore()?.held) {
      throw new Error('re-entrant use of the SQLite connection inside a transaction: use the transaction executor');
    }
    this.users += 1;
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    const section = { held: true };
    try {
      return await this.holder.run(section, fn);
    } finally {
      section.held = false;
      this.users -= 1;
      release();
    }
  }

  /**
   * runExclusive for synchronous work: with nobody holding or waiting for the lock it runs at once, skipping the
   * queue and the async context (nothing can interleave with synchronous code); otherwise it queues as usual.
   */
  runExclusiveSync<T>(work: () => T): Promise<T> {
    if (this.users > 0) return this.runExclusive(work);
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
