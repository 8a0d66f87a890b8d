import type { ClientConfig, Pool } from 'pg';
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
import { checkDistinctIds, replayOfStoredBatch } from '../internal/append-rules';
import { EVENT_COLUMNS } from '../internal/event-columns';
import { fromRevisionOf } from '../internal/read-rules';
import { CatchUpSubscriptions } from '../internal/catch-up-subscription';
import { APPEND_SQL, APPEND_STATEMENT, appendOutcome, appendParams, type AppendOutcomeRow } from './postgres-append';
import { checkSchemaName } from './postgres-connection-config';
import { PostgresNotificationListener } from './postgres-notification-listener';

/** A stored event as node-postgres returns it with `rowMode: 'array'`, in EVENT_COLUMNS order: cheaper than a keyed object. */
type EventRow = [
  position: number | string,
  eventId: string,
  streamId: string,
  streamRevision: number | string,
  type: string,
  data: RecordedEvent['data'],
  metadata: RecordedEvent['metadata'],
  recordedAt: Date,
];

/** First key of the append lock; the second is hashtext(schema), so stores in other schemas do not contend. */
const APPEND_LOCK_CLASS = 0x4856_4150; // 'HVAP'
const UNIQUE_VIOLATION = '23505';

function toRecordedEvent([position, id, streamId, revision, type, data, metadata, recordedAt]: EventRow): RecordedEvent {
  return {
    id,
    streamId,
    revision: Number(revision),
    position: Number(position),
    type,
    data,
    metadata,
    recordedAt: recordedAt.toISOString(),
  };
}

export interface PostgresEventStoreOptions {
  schema: string;
  /** settings for the dedicated LISTEN connection (same server and schema as the pool) */
  listenerConfig: ClientConfig;
  /** fallback poll for subscribers when a notification is missed (default 500 ms) */
  pollIntervalMs?: number;
  /** default readAll limit and subscription batch size (default 1000) */
  batchSize?: number;
}

/**
 * Event store on PostgreSQL.
 *
 * Gap-free positions: with a plain sequence, append A can take position 5, append B position 6, and B commit
 * first; a follower reading `position > 4` then sees 6, moves on, and never sees 5. Here every append takes
 * a transaction-scoped advisory lock first and assigns positions (max + 1) while holding it. The lock is
 * released only after the commit is visible, so the next append's positions are assigned after the previous
 * ones are visible: positions are handed out in commit order, and a reader that sees position N sees every
 * position below N. The price is that appends to one schema are serialised (a few ms each).
 * All of an append runs in the haven_append function (migration 0002), called as one statement: one round trip,
 * one implicit transaction, and the lock is still held from before the positions are read until after the commit.
 */
export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres' as const;
  private readonly following: CatchUpSubscriptions;
  private readonly listener: PostgresNotificationListener;
  private readonly schema: string;
  /** backend process ids of this process's pool connections: their appends' notifications are already handed over */
  private readonly ownBackends = new Set<number>();

  constructor(
    private readonly pool: Pool,
    options: PostgresEventStoreOptions,
  ) {
    this.schema = checkSchemaName(options.schema);
    this.following = new CatchUpSubscriptions({ pollIntervalMs: options.pollIntervalMs ?? 500, batchSize: options.batchSize ?? 1000 });
    this.listener = new PostgresNotificationListener(options.listenerConfig, this.schema, (fromBackend) => {
      if (!this.ownBackends.has(fromBackend)) this.following.changes.notify();
    });
    pool.on('remove', (client) => this.ownBackends.delete((client as { processID?: number }).processID ?? -1));
  }

  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    checkDistinctIds(events);
    try {
      return await this.appendOnce(streamId, events, expectedRevision);
    } catch (error) {
      // Cannot happen while every writer takes the append lock; if one did not, run again under the lock so the
      // caller gets the precise WrongExpectedRevisionError / DuplicateEventIdError / replay.
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      return this.appendOnce(streamId, events, expectedRevision);
    }
  }

  private async appendOnce(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const call = { streamId, events, expectedRevision, recordedAt: new Date().toISOString() };
    const client = await this.pool.connect();
    let rows: AppendOutcomeRow[];
    try {
      // the LISTEN connection skips notifications from this backend: this call hands its events over itself
      this.ownBackends.add((client as { processID?: number }).processID ?? -1);
      ({ rows } = await client.query<AppendOutcomeRow>({
        name: APPEND_STATEMENT,
        text: APPEND_SQL,
        values: appendParams(call, APPEND_LOCK_CLASS, this.schema),
      }));
      client.release();
    } catch (error) {
      client.release(error as Error); // as pool.query does: a connection that failed a query is not reused
      throw error;
    }
    const outcome = appendOutcome(rows[0], call);
    if (outcome !== 'stored') {
      // in-process subscribers take these events as they are, without the notification's round trip or a read
      if (outcome.events.length > 0) this.following.changes.appended(outcome.events);
      return outcome;
    }
    const ids = events.map((event) => event.id);
    const stored = await this.pool.query<EventRow>({
      text: `SELECT ${EVENT_COLUMNS} FROM events WHERE event_id = ANY($1::text[])`,
      values: [ids],
      rowMode: 'array',
    });
    const replay = replayOfStoredBatch(streamId, events, stored.rows.map(toRecordedEvent));
    if (replay) return replay;
    throw new Error(`stream ${streamId}: haven_append reported stored event ids, but none is stored`);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>({
      rowMode: 'array',
      text: `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND stream_revision >= $2 ORDER BY stream_revision`,
      values: [streamId, fromRevisionOf(options)],
    });
    return rows.map(toRecordedEvent);
  }

  async readAll({ after, limit, types }: ReadAllOptions): Promise<RecordedEvent[]> {
    const max = limit ?? this.following.batchSize;
    const { rows } = await this.pool.query<EventRow>({
      rowMode: 'array',
      ...(types
        ? { text: `SELECT ${EVENT_COLUMNS} FROM events WHERE position > $1 AND type = ANY($3) ORDER BY position LIMIT $2`, values: [after, max, [...types]] }
        : { text: `SELECT ${EVENT_COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2`, values: [after, max] }),
    });
    return rows.map(toRecordedEvent);
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ head: number }>('SELECT COALESCE(MAX(position), 0) AS head FROM events');
    return Number(rows[0].head);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    this.listener.ensure();
    return this.following.subscribe((read) => this.readAll(read), options, () => this.listener.ensure());
  }


  /** Stops subscriptions and the LISTEN connection; the pool is ended with the PostgresDatabase (Storage.close()). */
  async close(): Promise<void> {
    await this.following.stopAll();
    await this.listener.close();
  }
}
