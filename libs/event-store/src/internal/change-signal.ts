import type { RecordedEvent } from '../event-store';

/**
 * How many events appended in this process are kept for subscribers to take without reading them back: enough for a
 * follower a burst behind; one further behind reads the log in batches. Few, because every event kept survives young
 * garbage collections, whose pauses (copying survivors) land on message latency.
 */
const HANDED_EVENTS = 128;

/**
 * Wakes subscription loops when the log may have grown. A version counter instead of a bare event,
 * so a notification that arrives between "read found nothing" and "start waiting" is not lost.
 *
 * It also hands over the events this process has just committed, so a subscriber that is right behind them takes
 * them from memory instead of reading them back (one query less per append on the delivery path). Only a run that
 * starts exactly at the subscriber's next position is handed over: anything else is read from the log.
 */
export class ChangeSignal {
  private counter = 0;
  private readonly waiters = new Set<() => void>();
  /** committed in this process, by position; the oldest are dropped past HANDED_EVENTS */
  private readonly handed = new Map<number, RecordedEvent>();
  private highestHanded = 0;
  private lastUnseenChange = 0;

  get version(): number {
    return this.counter;
  }

  /** Events may have been appended that this process did not hand over (another process, a reconnected listener). */
  notify(): void {
    this.lastUnseenChange = this.bump();
  }

  /** This process committed these events (in position order). */
  appended(events: readonly RecordedEvent[]): void {
    for (const event of events) {
      this.handed.set(event.position, event);
      if (event.position > this.highestHanded) this.highestHanded = event.position;
    }
    for (const position of this.handed.keys()) {
      if (this.handed.size <= HANDED_EVENTS) break;
      this.handed.delete(position);
    }
    this.bump();
  }

  /** The handed-over events right after `position`, with no gap, at most `limit` of them. */
  handedAfter(position: number, limit: number): RecordedEvent[] {
    const run: RecordedEvent[] = [];
    for (let next = this.handed.get(position + 1); next && run.length < limit; next = this.handed.get(next.position + 1)) {
      run.push(next);
    }
    return run;
  }

  /**
   * Whether a subscriber at `position`, whose last read of the log began at version `readAt`, must read again:
   * something it could not be handed may be there (a change this process did not make, or a handed event it missed).
   */
  mayHaveUnread(position: number, readAt: number): boolean {
    return this.lastUnseenChange > readAt || this.highestHanded > position;
  }

  /** resolves true when notified after `sinceVersion`, false after `timeoutMs` or when `abort` fires */
  waitForChange(sinceVersion: number, timeoutMs: number, abort: AbortSignal): Promise<boolean> {
    if (abort.aborted) return Promise.resolve(false);
    if (this.counter !== sinceVersion) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const done = (changed: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        abort.removeEventListener('abort', stop);
        resolve(changed);
      };
      const wake = (): void => done(true);
      const stop = (): void => done(false);
      const timer = setTimeout(stop, timeoutMs);
      this.waiters.add(wake);
      abort.addEventListener('abort', stop, { once: true });
    });
  }

  private bump(): number {
    this.counter += 1;
    if (this.waiters.size > 0) for (const wake of [...this.waiters]) wake();
    return this.counter;
  }
}
