/**
 * Wakes subscription loops when the log may have grown. A version counter instead of a bare event,
 * so a notification that arrives between "read found nothing" and "start waiting" is not lost.
 */
export class ChangeSignal {
  private counter = 0;
  private readonly waiters = new Set<() => void>();

  get version(): number {
    return this.counter;
  }

  notify(): void {
    this.counter += 1;
    if (this.waiters.size === 0) return;
    for (const wake of [...this.waiters]) wake();
  }

  /** resolves when notified after `sinceVersion`, after `timeoutMs`, or when `abort` fires */
  waitForChange(sinceVersion: number, timeoutMs: number, abort: AbortSignal): Promise<void> {
    if (this.counter !== sinceVersion || abort.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        abort.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      abort.addEventListener('abort', done, { once: true });
    });
  }
}
