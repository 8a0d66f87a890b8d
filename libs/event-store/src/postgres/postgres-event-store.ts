import type { ClientConfig, Pool, PoolClient } from 'pg';
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
import { startCatchUpSubscription } from '../internal/catch-up-subscription';
import { ChangeSignal } from '../internal/change-signal';
import { SubscriptionRegistry } from '../internal/subscription-registry';
import { checkSchemaName } from './postgres-connection-config';
import { EVENTS_CHANNEL, PostgresNotificationListener } from './postgres-notification-listener';

interface EventRow {
  position: number | string;
  event_id: string;
  stream_id: string;
  stream_revision: number | string;
  type: string;
  data: RecordedEvent['data'];
  metadata: RecordedEvent['metadata'];
  recorded_at: Date;
}

const COLUMNS = 'position, event_id, stream_id, stream_revision, type, data, metadata, recorded_at';
/** First key of the append lock; the second is hashtext(schema), so stores in other schemas do not contend. */
const APPEND_LOCK_CLASS = 0x4856_4150; // 'HVAP'
const UNIQUE_VIOLATION = '23505';

type Int8 = number | string;
interface StreamState {
  head: Int8;
  stored_ids: Int8;
  revision: Int8 | null;
  stream_position: Int8 | null;
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: Number(row.stream_revision),
    position: Number(row.position),
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at.toISOString(),
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
 */
export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres' as const;
  private readonly changes = new ChangeSignal();
  private readonly subscriptions = new SubscriptionRegistry();
  private readonly listener: PostgresNotificationListener;
  private readonly schema: string;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly pool: Pool,
    options: PostgresEventStoreOptions,
  ) {
    this.schema = checkSchemaName(options.schema);
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.batchSize = options.batchSize ?? 1000;
    this.listener = new PostgresNotificationListener(options.listenerConfig, this.schema, () => this.changes.notify());
  }

  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    checkDistinctIds(events);
    try {
      return await this.appendInTransaction(streamId, events, expectedRevision);
    } catch (error) {
      // Cannot happen while every writer takes the append lock; if one did not, run again under the lock so the
      // caller gets the precise WrongExpectedRevisionError / DuplicateEventIdError / replay.
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      return this.appendInTransaction(streamId, events, expectedRevision);
    }
  }

  private async appendInTransaction(
    streamId: string,
    events: NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      // one round trip; the schema name is a checked identifier, safe to inline
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${APPEND_LOCK_CLASS}, hashtext('${this.schema}'))`);
      const result = await this.appendLocked(client, streamId, events, expectedRevision);
      await client.query('COMMIT');
      // in-process subscribers need not wait for the notification's round trip
      if (events.length > 0) this.changes.notify();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  private async appendLocked(
    client: PoolClient,
    streamId: string,
    events: NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    // one round trip for the common case; the stored events themselves are fetched only for a retried append
    const { rows } = await client.query<StreamState>(
      `SELECT (SELECT COALESCE(MAX(position), 0) FROM events) AS head,
              (SELECT COUNT(*) FROM events WHERE event_id = ANY($2::text[])) AS stored_ids,
              last.stream_revision AS revision, last.position AS stream_position
         FROM (SELECT 1) AS one
         LEFT JOIN LATERAL (SELECT stream_revision, position FROM events WHERE stream_id = $1
                            ORDER BY stream_revision DESC LIMIT 1) AS last ON true`,
      [streamId, events.map((event) => event.id)],
    );
    if (Number(rows[0].stored_ids) > 0) {
      const stored = await client.query<EventRow>(`SELECT ${COLUMNS} FROM events WHERE event_id = ANY($1::text[])`, [
        events.map((event) => event.id),
      ]);
      const replay = replayOfStoredBatch(streamId, events, stored.rows.map(toRecordedEvent));
      if (replay) return replay;
    }
    // Number(): stay correct on a pool without the int8 parser of postgresClientConfig
    const head = Number(rows[0].head);
    const current = rows[0].revision === null ? NO_STREAM_REVISION : Number(rows[0].revision);
    const streamPosition = rows[0].stream_position === null ? 0 : Number(rows[0].stream_position);
    checkExpectedRevision(streamId, expectedRevision, current);
    if (events.length === 0) return { nextExpectedRevision: current, lastPosition: streamPosition, events: [] };

    const recordedAt = new Date().toISOString();
    const recorded = events.map(
      (event, index): RecordedEvent => ({ ...event, streamId, revision: current + 1 + index, position: head + 1 + index, recordedAt }),
    );
    // the notification is queued in this transaction and delivered only if it commits
    await client.query(
      `WITH inserted AS (
         INSERT INTO events (position, event_id, stream_id, stream_revision, type, data, metadata, recorded_at)
         SELECT p, id, $3, r, t, d::jsonb, m::jsonb, $8::timestamptz
           FROM unnest($1::bigint[], $2::text[], $4::bigint[], $5::text[], $6::text[], $7::text[]) AS u(p, id, r, t, d, m)
       )
       SELECT pg_notify($9, $10)`,
      [
        recorded.map((event) => event.position),
        recorded.map((event) => event.id),
        streamId,
        recorded.map((event) => event.revision),
        recorded.map((event) => event.type),
        recorded.map((event) => JSON.stringify(event.data)),
        recorded.map((event) => JSON.stringify(event.metadata)),
        recordedAt,
        EVENTS_CHANNEL,
        this.schema,
      ],
    );
    const last = recorded[recorded.length - 1];
    return { nextExpectedRevision: last.revision, lastPosition: last.position, events: recorded };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = $1 AND stream_revision >= $2 ORDER BY stream_revision`,
      [streamId, fromRevisionOf(options)],
    );
    return rows.map(toRecordedEvent);
  }

  async readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2`,
      [after, limit ?? this.batchSize],
    );
    return rows.map(toRecordedEvent);
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ head: number }>('SELECT COALESCE(MAX(position), 0) AS head FROM events');
    return Number(rows[0].head);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    this.listener.ensure();
    return this.subscriptions.add(
      startCatchUpSubscription(
        {
          readAll: (read) => this.readAll(read),
          changes: this.changes,
          pollIntervalMs: this.pollIntervalMs,
          batchSize: this.batchSize,
          beforeWait: () => this.listener.ensure(),
        },
        options,
      ),
    );
  }

  /** Stops subscriptions and the LISTEN connection; the pool is ended with the PostgresDatabase (Storage.close()). */
  async close(): Promise<void> {
    await this.subscriptions.stopAll();
    await this.listener.close();
  }
}
