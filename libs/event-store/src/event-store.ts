/**
 * The one event-store contract every adapter (SQLite, PostgreSQL, KurrentDB) implements.
 * Positions and revisions are plain numbers: safe integers are far beyond what a clinic appends.
 */

/** Who caused an event and why; travels with every event. */
export interface EventMetadata {
  /** user id of the acting user, or `system` for deadlines and processors */
  actorId: string;
  /** client-chosen id of the command that produced the event, scoped to the actor */
  commandId: string;
  correlationId: string;
  causationId: string | null;
  /** ISO time the command was decided (from the injected clock) */
  occurredAt: string;
  [key: string]: unknown;
}

export interface NewEvent<Type extends string = string, Data = Record<string, unknown>> {
  /** UUID; appending an event id that is already stored is a no-op (idempotent append) */
  id: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = Record<string, unknown>>
  extends NewEvent<Type, Data> {
  streamId: string;
  /** 0-based revision of the event within its stream */
  revision: number;
  /** global position in the log, strictly increasing in commit order; starts at 1 */
  position: number;
  /** ISO time the store recorded the event */
  recordedAt: string;
}

/** `no_stream`: the stream must not exist; `any`: no check; a number: the stream's last revision must equal it. */
export type ExpectedRevision = number | 'no_stream' | 'any';

export interface AppendResult {
  /** revision of the stream's last event after the append */
  nextExpectedRevision: number;
  /** position of the last appended event */
  lastPosition: number;
  /** the events as stored (for an idempotent replay: as they were first stored) */
  events: RecordedEvent[];
}

export interface ReadStreamOptions {
  /** first revision to return (inclusive); default 0 */
  fromRevision?: number;
}

export interface ReadAllOptions {
  /** read events with a position strictly greater than this; 0 reads from the start */
  after: number;
  /** at most this many events; defaults to the adapter's batch size */
  limit?: number;
  /**
   * only events of these types (`after` and `limit` work on what is left). The SQL stores filter in the database; on
   * KurrentDB the events are filtered as they arrive, which saves nothing but the caller's work
   */
  types?: readonly string[];
}

export interface SubscribeOptions {
  /** deliver events with a position strictly greater than this (catch-up), then live */
  after: number;
  /** called once per event, in position order; the next event waits for the returned promise */
  onEvent: (event: RecordedEvent, origin: EventOrigin) => Promise<void> | void;
  /** called when the subscription stops on an error (it does not resume by itself) */
  onError?: (error: unknown) => void;
}

/** Where a subscription took an event from. */
export interface EventOrigin {
  /**
   * true: this process appended it and the subscription took it from the append, right after its commit; false: read
   * from the log (another process's append, a catch-up, or an adapter that hands nothing over).
   */
  appendedHere: boolean;
}

export interface Subscription {
  /** the position of the last event handed to onEvent */
  readonly position: number;
  stop(): Promise<void>;
}

export interface EventStore {
  readonly kind: 'sqlite' | 'postgres' | 'kurrentdb';
  append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /**
   * the stream's events in revision order, from `fromRevision` on (all of them by default); empty when the stream
   * does not exist or has nothing at or after that revision
   */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** position of the newest event, 0 when the log is empty */
  headPosition(): Promise<number>;
  subscribeToAll(options: SubscribeOptions): Subscription;
  close(): Promise<void>;
}

/** The single conflict error every adapter maps its own to; the command handler retries on it. */
export class WrongExpectedRevisionError extends Error {
  readonly code = 'STORE.WRONG_EXPECTED_REVISION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** An append reused an event id already stored for different content or another stream. */
export class DuplicateEventIdError extends Error {
  readonly code = 'STORE.DUPLICATE_EVENT_ID';
  constructor(readonly eventId: string) {
    super(`event id ${eventId} is already stored with other content`);
    this.name = 'DuplicateEventIdError';
  }
}
