import {
  BACKWARDS,
  END,
  type Filter,
  type KurrentDBClient,
  type ReadStreamOptions as KurrentReadStreamOptions,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store';
import { checkDistinctIds, checkExpectedRevision, NO_STREAM_REVISION, replayOfStoredBatch } from '../internal/append-rules';
import { fromRevisionOf } from '../internal/read-rules';
import { CatchUpSubscriptions } from '../internal/catch-up-subscription';
import { KurrentDbChangeListener } from './kurrentdb-change-listener';
import {
  havenStreamFilter,
  isStreamNotFound,
  kurrentStreamName,
  pageAfter,
  positionOf,
  streamScope,
  toBackwardReadPosition,
  toEventData,
  toHavenEvent,
  toReadPosition,
  toReadRevision,
  toRevision,
  toStreamState,
  toWrongExpectedRevision,
  type StreamScope,
} from './kurrentdb-mapping';

export interface KurrentDbEventStoreOptions {
  /** prepended to every stream name (default none); tests give each store its own */
  namespace?: string;
  /** which streams (after the namespace) are Haven's; default HAVEN_STREAM_PREFIXES */
  streamPrefixes?: readonly string[];
  /** default readAll limit and subscription batch size (default 1000) */
  batchSize?: number;
  /** how often a subscriber reads even without a change notification (default 500 ms) */
  pollIntervalMs?: number;
}

/** headPosition reads this many events backwards per page (more than one only matters past `$` events). */
const HEAD_PAGE = 16;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/**
 * Event store on KurrentDB; the client does the work, kurrentdb-mapping the translation.
 * Idempotent append: KurrentDB only deduplicates a retried batch at the same expected revision, so the stream is
 * read first (one more stream read per append) and a batch already in it is answered from there. Gap: KurrentDB
 * has no index of event ids across streams, so an id reused in another stream is not detected (the SQL stores
 * refuse it with DuplicateEventIdError).
 * Subscriptions page through readAll like the SQL adapters, woken by a live server subscription: the server drops
 * a live subscriber that falls behind, and a slow projection must not end a subscription.
 */
export class KurrentDbEventStore implements EventStore {
  readonly kind = 'kurrentdb' as const;
  private readonly scope: StreamScope;
  private readonly filter: Filter;
  private readonly following: CatchUpSubscriptions;
  private readonly listener: KurrentDbChangeListener;

  constructor(
    private readonly client: KurrentDBClient,
    options: KurrentDbEventStoreOptions = {},
  ) {
    this.scope = streamScope(options.namespace, options.streamPrefixes);
    this.filter = havenStreamFilter(this.scope);
    this.following = new CatchUpSubscriptions({ pollIntervalMs: options.pollIntervalMs ?? 500, batchSize: options.batchSize ?? 1000 });
    this.listener = new KurrentDbChangeListener(client, this.filter, this.following.changes);
  }

  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    checkDistinctIds(events);
    const name = kurrentStreamName(this.scope, streamId);
    if (events.length === 0) return this.emptyAppend(name, streamId, expectedRevision);
    const replay = replayOfStoredBatch(streamId, events, await this.storedWithIds(streamId, events));
    if (replay) return replay;

    let nextExpectedRevision: number;
    try {
      const result = await this.client.appendToStream(name, events.map(toEventData), {
        streamState: toStreamState(expectedRevision),
      });
      nextExpectedRevision = toRevision(result.nextExpectedRevision);
    } catch (error) {
      const conflict = toWrongExpectedRevision(error, streamId, expectedRevision);
      if (!conflict) throw error;
      // the same batch may have won a race since we looked: then this is its retry
      const raced = replayOfStoredBatch(streamId, events, await this.storedWithIds(streamId, events));
      if (raced) return raced;
      throw conflict;
    }
    this.following.changes.notify();
    // positions and `created` are the server's: read the batch back (by revision, so exactly these events)
    const first = nextExpectedRevision - events.length + 1;
    const written = await this.readKurrentStream(name, { fromRevision: BigInt(first), maxCount: events.length });
    if (written.length !== events.length || written.some((event, index) => event.id !== events[index].id)) {
      throw new Error(`stream ${streamId}: revisions ${first}..${nextExpectedRevision} do not hold the appended events`);
    }
    return { nextExpectedRevision, lastPosition: written[written.length - 1].position, events: written };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    // a revision past the end reads as empty, like a stream that was never written
    const fromRevision = toReadRevision(fromRevisionOf(options));
    return this.readKurrentStream(kurrentStreamName(this.scope, streamId), { fromRevision });
  }

  async readAll({ after, limit, types }: ReadAllOptions): Promise<RecordedEvent[]> {
    const wanted = limit ?? this.following.batchSize;
    if (!types) return this.readAllPage(after, wanted, () => true);
    const kept = new Set(types);
    return this.readAllPage(after, wanted, (event) => kept.has(event.type));
  }

  /** up to `wanted` events after `after` that `keep` accepts, page by page */
  private async readAllPage(after: number, wanted: number, keep: (event: RecordedEvent) => boolean): Promise<RecordedEvent[]> {
    const found: RecordedEvent[] = [];
    let cursor = after;
    while (found.length < wanted) {
      // one more than needed: the read includes the event at the cursor, which pageAfter drops
      const maxCount = wanted - found.length + 1;
      const page = await collect(this.client.readAll({ fromPosition: toReadPosition(cursor), maxCount, filter: this.filter }));
      const next = pageAfter(this.scope, page, cursor);
      found.push(...next.events.filter(keep).slice(0, wanted - found.length));
      if (page.length < maxCount || next.cursor === cursor) break;
      cursor = next.cursor;
    }
    return found;
  }

  async headPosition(): Promise<number> {
    let before: number | undefined;
    for (;;) {
      const page = await collect(
        this.client.readAll({
          direction: BACKWARDS,
          fromPosition: toBackwardReadPosition(before),
          maxCount: HEAD_PAGE,
          filter: this.filter,
        }),
      );
      const newest = page.map((resolved) => toHavenEvent(this.scope, resolved)).find((event) => event !== undefined);
      if (newest) return newest.position;
      if (page.length < HEAD_PAGE) return 0;
      const oldest = positionOf(page[page.length - 1]);
      if (before !== undefined && oldest >= before) return 0;
      before = oldest;
    }
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return this.following.subscribe((read) => this.readAll(read), options, () => this.listener.ensureListening());
  }

  /** Stops the subscriptions, then closes the connection (the store owns its client). */
  async close(): Promise<void> {
    await this.following.stopAll();
    await this.listener.close();
    await this.client.dispose();
  }

  private async emptyAppend(name: string, streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    const [head] = await this.readKurrentStream(name, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    const current = head?.revision ?? NO_STREAM_REVISION;
    checkExpectedRevision(streamId, expected, current);
    return { nextExpectedRevision: current, lastPosition: head?.position ?? 0, events: [] };
  }

  /** The stored events of `streamId` with an id of the batch (the whole stream is read: ids are not indexed). */
  private async storedWithIds(streamId: string, events: readonly NewEvent[]): Promise<RecordedEvent[]> {
    const ids = new Set(events.map((event) => event.id));
    return (await this.readStream(streamId)).filter((event) => ids.has(event.id));
  }

  /** A stream read as our events; a stream never written reads as empty. */
  private async readKurrentStream(name: string, options: KurrentReadStreamOptions): Promise<RecordedEvent[]> {
    let resolved: ResolvedEvent[];
    try {
      resolved = await collect(this.client.readStream(name, options));
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
    return resolved.flatMap((one) => toHavenEvent(this.scope, one) ?? []);
  }
}
