import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store';
import { checkDistinctIds, checkExpectedRevision, NO_STREAM_REVISION, replayOfStoredBatch } from '../internal/append-rules';
import { CatchUpSubscriptions } from '../internal/catch-up-subscription';
import { fromRevisionOf } from '../internal/read-rules';
import type { SqliteDatabase } from './sqlite-database';
import { prepareEventStatements, toRecordedEvent, type EventStatements } from './sqlite-event-statements';

type AppendTransaction = (streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision) => AppendResult;

/**
 * A UNIQUE violation: under BEGIN IMMEDIATE only UNIQUE(event_id) can fail, i.e. an id is already stored.
 * By its code, not instanceof: the native addon keeps the SqliteError class of whichever realm loaded it first.
 */
const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';

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
 * The hot path is one stream-head lookup and the inserts: stored event ids are looked up only when the insert
 * hits UNIQUE(event_id) or the expected revision does not match (both are what a retried append looks like).
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  private readonly following: CatchUpSubscriptions;
  private prepared?: { statements: EventStatements; appendTransaction: AppendTransaction };

  constructor(
    private readonly db: SqliteDatabase,
    options: SqliteEventStoreOptions = {},
  ) {
    this.following = new CatchUpSubscriptions({ pollIntervalMs: options.pollIntervalMs ?? 250, batchSize: options.batchSize ?? 1000 });
  }

  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    checkDistinctIds(events);
    if (events.length === 0) return this.emptyAppend(streamId, expectedRevision);
    return this.db.exclusive(() => {
      const { statements, appendTransaction } = this.statements();
      let result: AppendResult;
      try {
        result = appendTransaction(streamId, events, expectedRevision);
      } catch (error) {
        // rolled back; a retried batch is answered from the stored events, whatever the expected revision
        if (!(error instanceof WrongExpectedRevisionError) && !isUniqueViolation(error)) throw error;
        const stored = statements.storedWithIds.all(JSON.stringify(events.map((event) => event.id)));
        const replay = replayOfStoredBatch(streamId, events, stored.map(toRecordedEvent));
        if (replay) return replay;
        throw error;
      }
      this.following.changes.appended(result.events);
      return result;
    });
  }

  /** Appends nothing: only the expected revision is checked (a single read needs no transaction). */
  private async emptyAppend(streamId: string, expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const head = this.statements().statements.streamHead.get(streamId);
    const current = head?.revision ?? NO_STREAM_REVISION;
    checkExpectedRevision(streamId, expectedRevision, current);
    return { nextExpectedRevision: current, lastPosition: head?.position ?? 0, events: [] };
  }

  /** Runs inside BEGIN IMMEDIATE (see statements()); throwing rolls the whole batch back. */
  private insertBatch(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): AppendResult {
    const { statements } = this.statements();
    const current = statements.streamRevision.get(streamId) ?? NO_STREAM_REVISION;
    checkExpectedRevision(streamId, expectedRevision, current);
    const recordedAt = new Date().toISOString();
    const recorded = new Array<RecordedEvent>(events.length);
    for (let index = 0; index < events.length; index += 1) {
      const { id, type, data, metadata } = events[index];
      const revision = current + 1 + index;
      const { lastInsertRowid } = statements.insert.run(
        id, streamId, revision, type, JSON.stringify(data), JSON.stringify(metadata), recordedAt,
      );
      recorded[index] = { id, type, data, metadata, streamId, revision, position: Number(lastInsertRowid), recordedAt };
    }
    const last = recorded[recorded.length - 1];
    return { nextExpectedRevision: last.revision, lastPosition: last.position, events: recorded };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const from = fromRevisionOf(options);
    return this.statements().statements.readStream.all(streamId, from).map(toRecordedEvent);
  }

  async readAll({ after, limit, types }: ReadAllOptions): Promise<RecordedEvent[]> {
    const { statements } = this.statements();
    const max = limit ?? this.following.batchSize;
    const rows = types ? statements.readAllOfTypes.all(after, JSON.stringify(types), max) : statements.readAll.all(after, max);
    return rows.map(toRecordedEvent);
  }

  async headPosition(): Promise<number> {
    return this.statements().statements.headPosition.get() ?? 0;
  }

  /** Prepared on first use, when the migrations have run; they live as long as the shared connection. */
  private statements(): { statements: EventStatements; appendTransaction: AppendTransaction } {
    if (!this.prepared) {
      const { connection } = this.db;
      const transaction = connection.transaction((streamId: string, events: NewEvent[], expected: ExpectedRevision) =>
        this.insertBatch(streamId, events, expected),
      );
      this.prepared = { statements: prepareEventStatements(connection), appendTransaction: transaction.immediate };
    }
    return this.prepared;
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return this.following.subscribe((read) => this.readAll(read), options);
  }

  /** Stops the subscriptions; the shared connection is closed with the SqliteDatabase (Storage.close()). */
  async close(): Promise<void> {
    await this.following.stopAll();
  }
}
