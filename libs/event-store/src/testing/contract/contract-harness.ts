import { randomUUID } from 'node:crypto';
import type { EventOrigin, NewEvent, RecordedEvent, Subscription } from '../../event-store';
import type { Storage } from '../../open-storage';

/** What each part of the contract gets: fresh stores, closed after each test. */
export interface ContractHarness {
  /** a new, empty store */
  fresh(): Promise<Storage>;
  /** a second Storage on the same database as `storage` (another connection / pool), when the adapter has one */
  sibling?: (storage: Storage) => Promise<Storage>;
}

/** A valid event with a fresh id; `data` defaults to a small payload. */
export function newEvent(type = 'ThingHappened', data: Record<string, unknown> = { n: 1 }, id = randomUUID()): NewEvent {
  return {
    id,
    type,
    data,
    metadata: {
      actorId: 'user-1',
      commandId: randomUUID(),
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: '2025-01-02T03:04:05.678Z',
    },
  };
}

export function newEvents(count: number, type = 'ThingHappened'): NewEvent[] {
  return Array.from({ length: count }, (_, index) => newEvent(type, { index }));
}

export interface Follower {
  readonly seen: RecordedEvent[];
  readonly subscription: Subscription;
  /** resolves once `count` events were delivered; rejects if the subscription fails or nothing arrives for long */
  waitFor(count: number): Promise<void>;
}

/** How long waitFor gives up after: a guard against a hung test, not an assertion about speed. */
const GIVE_UP_MS = 15_000;

/** Subscribes from `after` and records every delivered event. */
export function follow(
  storage: Storage,
  after = 0,
  onEach?: (event: RecordedEvent, origin: EventOrigin) => Promise<void> | void,
): Follower {
  const seen: RecordedEvent[] = [];
  const waiters: { count: number; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let failure: unknown;
  const settle = (): void => {
    for (const waiter of [...waiters]) {
      if (failure !== undefined) waiter.reject(failure);
      else if (seen.length >= waiter.count) waiter.resolve();
      else continue;
      waiters.splice(waiters.indexOf(waiter), 1);
    }
  };
  const subscription = storage.events.subscribeToAll({
    after,
    onEvent: async (event, origin) => {
      seen.push(event);
      await onEach?.(event, origin);
      settle();
    },
    onError: (error) => {
      failure = error ?? new Error('subscription failed');
      settle();
    },
  });
  return {
    seen,
    subscription,
    waitFor(count) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`gave up: ${seen.length} of ${count} events delivered`)),
          GIVE_UP_MS,
        );
        waiters.push({
          count,
          resolve: () => (clearTimeout(timer), resolve()),
          reject: (error) => (clearTimeout(timer), reject(error)),
        });
        settle();
      });
    },
  };
}
