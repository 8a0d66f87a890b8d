import type { ReadAllOptions, RecordedEvent, SubscribeOptions, Subscription } from '../event-store';
import type { ChangeSignal } from './change-signal';

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
 * Pull-based subscription shared by the SQL adapters: read batches after the last delivered position,
 * and when caught up, sleep until the change signal or the poll timer fires. One loop per subscription,
 * so onEvent is awaited strictly in position order and a position is never delivered twice.
 * Do not await stop() from inside onEvent: the loop is waiting for that very onEvent.
 */
export function startCatchUpSubscription(source: CatchUpSource, options: SubscribeOptions): Subscription {
  let position = options.after;
  const stopping = new AbortController();

  const loop = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      const seenVersion = source.changes.version;
      const batch = await source.readAll({ after: position, limit: source.batchSize });
      for (const event of batch) {
        if (stopping.signal.aborted) return;
        if (event.position <= position) continue;
        await options.onEvent(event);
        position = event.position;
      }
      if (batch.length < source.batchSize && !stopping.signal.aborted) {
        source.beforeWait?.();
        await source.changes.waitForChange(seenVersion, source.pollIntervalMs, stopping.signal);
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
