import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ReadAllOptions, RecordedEvent, SubscribeOptions, Subscription } from '../event-store';
import { ChangeSignal } from './change-signal';
import { SubscriptionRegistry } from './subscription-registry';

export interface CatchUpSource {
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** notified by the adapter when new events may be visible (in-process append, LISTEN, ...) */
  changes: ChangeSignal;
  /** fallback poll: catches writers the signal cannot see (another process) */
  pollIntervalMs: number;
  batchSize: number;
  /** called before each idle wait; e.g. to re-establish a dropped LISTEN connection */
  beforeWait?: () => void;
}

/**
 * Pull-based subscription shared by the adapters: read batches after the last delivered position (or take the events
 * this process just appended, when the signal hands them over right after it), and when caught up, sleep until the
 * change signal or the poll timer fires; a poll always reads. One loop per subscription,
 * so onEvent is awaited strictly in position order and a position is never delivered twice.
 * Do not await stop() from inside onEvent: the loop is waiting for that very onEvent.
 */
export function startCatchUpSubscription(source: CatchUpSource, options: SubscribeOptions): Subscription {
  let position = options.after;
  const stopping = new AbortController();

  const loop = async (): Promise<void> => {
    let readAt = -1; // the version before the last read of the log
    // read the log (not only what is handed over): at the start, after a poll, and after a full batch read from it
    let mustRead = true;
    while (!stopping.signal.aborted) {
      const seenVersion = source.changes.version;
      let batch = source.changes.handedAfter(position, source.batchSize);
      let fromLog = false;
      if (batch.length === 0 && (mustRead || source.changes.mayHaveUnread(position, readAt))) {
        readAt = seenVersion;
        batch = await source.readAll({ after: position, limit: source.batchSize });
        fromLog = true;
      }
      for (const event of batch) {
        if (stopping.signal.aborted) return;
        if (event.position <= position) continue;
        await options.onEvent(event, { appendedHere: !fromLog });
        position = event.position;
      }
      const full = batch.length === source.batchSize;
      mustRead = fromLog && full;
      // a full batch, or one that stopped short of what the signal knows is there: go on without waiting
      const more = full || (batch.length > 0 && source.changes.mayHaveUnread(position, readAt));
      if (!more && !stopping.signal.aborted) {
        source.beforeWait?.();
        mustRead = !(await source.changes.waitForChange(seenVersion, source.pollIntervalMs, stopping.signal));
      } else if (full) {
        // a turn of the event loop between full batches: on SQLite no await above waits for one, and a subscription far
        // behind the log held up the whole process until it was through
        await nextTurn();
      }
    }
  };

  const finished = loop().catch((error: unknown) => {
    stopping.abort();
    try {
      options.onError?.(error);
    } catch {
      // an onError that throws must not turn into an unhandled rejection
    }
  });

  return {
    get position() {
      return position;
    },
    async stop() {
      stopping.abort();
      await finished;
    },
  };
}

/**
 * What every adapter's subscribeToAll shares: the change signal its appends ring, the poll and batch settings, and the
 * live subscriptions, stopped when the store closes.
 */
export class CatchUpSubscriptions {
  readonly changes = new ChangeSignal();
  private readonly live = new SubscriptionRegistry();

  constructor(readonly settings: { pollIntervalMs: number; batchSize: number }) {}

  get batchSize(): number {
    return this.settings.batchSize;
  }

  subscribe(readAll: CatchUpSource['readAll'], options: SubscribeOptions, beforeWait?: () => void): Subscription {
    return this.live.add(startCatchUpSubscription({ readAll, changes: this.changes, ...this.settings, beforeWait }, options));
  }

  stopAll(): Promise<void> {
    return this.live.stopAll();
  }
}
