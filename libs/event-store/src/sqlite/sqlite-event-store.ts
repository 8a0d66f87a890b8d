import type Database from 'better-sqlite3';
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
import type { SqliteDatabase } from './sqlite-database';

interface EventRow {
  position: number;
  event_id: string;
  stream_id: string;
  stream_revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

const COLUMNS = 'position, event_id, stream_id, stream_revision, type, data, metadata, recorded_at';

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: row.stream_revision,
    position: row.position,
    type: row.type,
    data: JSON.parse(row.data) as RecordedEvent['data'],
    metadata: JSON.parse(row.metadata) as RecordedEvent['metadata'],
    recordedAt: row.recorded_at,
  };
}

export interface SqliteEventStoreOptions {
  /** how often a subscriber looks for events written by another process (default 250 ms) */
  pollIntervalMs?: number;
  /** default readAll limit and subscription batch size (default 1000) */
  batchSize?: number;
}

/**
 * Event store on a SQLite file, sharing one connection with the read models' SqliteDatabase.
 * Appends run under that database's mutex in a BEGIN IMMEDIATE transaction: SQLite has one writer at a time,
 * so AUTOINCREMENT positions are handed out in commit order and followers never skip one.
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  private readonly changes = new ChangeSignal();
  private readonly subscriptions = new SubscriptionRegistry();
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly db: SqliteDatabase,
    options: SqliteEventStoreOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.batchSize = options.batchSize ?? 1000;
  }

  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    checkDistinctIds(events);
    const { result, appended } = await this.db.exclusive((connection) =>
      connection.transaction(() => this.appendInTransaction(connection, streamId, events, expectedRevision)).immediate(),
    );
    if (appended) this.changes.notify();
    return result;
  }

  private appendInTransaction(
    connection: Database.Database,
    streamId: string,
    events: NewEvent[],
    expectedRevision: ExpectedRevision,
  ): { result: AppendResult; appended: boolean } {
    if (events.length > 0) {
      const stored = connection
        .prepare(`SELECT ${COLUMNS} FROM events WHERE event_id IN (SELECT value FROM json_each(?))`)
        .all(JSON.stringify(events.map((event) => event.id))) as EventRow[];
      const replay = replayOfStoredBatch(streamId, events, stored.map(toRecordedEvent));
      if (replay) return { result: replay, appended: false };
    }
    const head = connection
      .prepare('SELECT stream_revision AS revision, position FROM events WHERE stream_id = ? ORDER BY stream_revision DESC LIMIT 1')
      .get(streamId) as { revision: number; position: number } | undefined;
    const current = head?.revision ?? NO_STREAM_REVISION;
    checkExpectedRevision(streamId, expectedRevision, current);
    if (events.length === 0) {
      return { result: { nextExpectedRevision: current, lastPosition: head?.position ?? 0, events: [] }, appended: false };
    }
    const insert = connection.prepare(
      'INSERT INTO events (event_id, stream_id, stream_revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const recordedAt = new Date().toISOString();
    const recorded = events.map((event, index): RecordedEvent => {
      const revision = current + 1 + index;
      const { lastInsertRowid } = insert.run(
        event.id, streamId, revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), recordedAt,
      );
      return { ...event, streamId, revision, position: Number(lastInsertRowid), recordedAt };
    });
    const last = recorded[recorded.length - 1];
    return { result: { nextExpectedRevision: last.revision, lastPosition: last.position, events: recorded }, appended: true };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const rows = this.db.connection
      .prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND stream_revision >= ? ORDER BY stream_revision`)
      .all(streamId, fromRevisionOf(options)) as EventRow[];
    return rows.map(toRecordedEvent);
  }

  async readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    const rows = this.db.connection
      .prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`)
      .all(after, limit ?? this.batchSize) as EventRow[];
    return rows.map(toRecordedEvent);
  }

  async headPosition(): Promise<number> {
    const row = this.db.connection.prepare('SELECT COALESCE(MAX(position), 0) AS head FROM events').get() as { head: number };
    return row.head;
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return this.subscriptions.add(
      startCatchUpSubscription(
        {
          readAll: (read) => this.readAll(read),
          changes: this.changes,
          pollIntervalMs: this.pollIntervalMs,
          batchSize: this.batchSize,
        },
        options,
      ),
    );
  }

  /** Stops the subscriptions; the shared connection is closed with the SqliteDatabase (Storage.close()). */
  async close(): Promise<void> {
    await this.subscriptions.stopAll();
  }
}
