/**
 * Pure translations between KurrentDB's client types and our event-store contract.
 *
 * Positions. A KurrentDB `$all` position is `{ commit, prepare }`, byte offsets into its transaction log. Every
 * event appended over gRPC (one or many per append) is its own self-committed prepare record, and the server
 * reports it at `{ commit: p, prepare: p }`, p being that record's log offset: in `$all` reads, subscriptions and
 * (server 22.6+) stream reads alike. So our position is that one number p:
 * - unique per event and strictly increasing in `$all` order; not dense (gaps are record sizes and other streams);
 * - reversible: p -> `{ commit: p, prepare: p }`, a real record start the server can read from;
 * - limit: p must stay <= Number.MAX_SAFE_INTEGER (2^53 bytes, about 9 PB of log); toPosition throws rather than
 *   round. An event with commit != prepare (an explicit transaction of the legacy TCP API) has no single number
 *   and also throws: Haven never writes one;
 * - a forward read from `{ p, p }` includes the event at p, so "after p" drops positions <= p (pageAfter).
 * Positions belong to one KurrentDB database: a checkpoint taken on SQLite or PostgreSQL means nothing here.
 */
import {
  ANY,
  END,
  ErrorType,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type CurrentStreamState,
  type EventData,
  type Filter,
  type Position,
  type ReadPosition,
  type ReadRevision,
  type RecordedEvent as KurrentRecordedEvent,
  type ResolvedEvent,
  type StreamState,
} from '@kurrent/kurrentdb-client';
import {
  WrongExpectedRevisionError,
  type EventMetadata,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
} from '../event-store';

/**
 * Streams Haven writes. `$all` reads and subscriptions only see streams starting with one of these, and append
 * refuses any other: add the prefix here when a context introduces a new kind of stream
 * (tests/event-store/stream-prefixes.test.ts finds every stream a command appends to and fails until it is here).
 */
export const HAVEN_STREAM_PREFIXES: readonly string[] = [
  'room-',
  'safety-',
  'pager-',
  'on-call',
  'mentee-',
  'mentor-profile-',
  'session-',
  'person-',
  'reads-',
  'notices-',
  'notice-preferences-',
  'hidden-people-',
  'presence-',
];

/** `$`-prefixed streams and event types belong to KurrentDB itself (metadata, links, tombstones, stats). */
const SYSTEM_PREFIX = '$';

/** Which KurrentDB streams belong to one store: `namespace` followed by one of `prefixes`. */
export interface StreamScope {
  /** prepended to every stream id: '' in production; tests give each store its own, so runs never meet */
  readonly namespace: string;
  readonly prefixes: readonly string[];
}

export function streamScope(namespace = '', prefixes: readonly string[] = HAVEN_STREAM_PREFIXES): StreamScope {
  if (namespace.startsWith(SYSTEM_PREFIX)) throw new Error(`namespace "${namespace}" would name system streams`);
  if (prefixes.length === 0) throw new Error('a stream scope needs at least one prefix');
  return { namespace, prefixes: [...prefixes] };
}

const inScope = (scope: StreamScope, streamId: string): boolean =>
  !streamId.startsWith(SYSTEM_PREFIX) && scope.prefixes.some((prefix) => streamId.startsWith(prefix));

/** The KurrentDB stream for our stream id; refuses ids `$all` would never show, rather than lose their events. */
export function kurrentStreamName(scope: StreamScope, streamId: string): string {
  if (!inScope(scope, streamId)) {
    throw new Error(`stream "${streamId}" is outside the Haven stream prefixes (${scope.prefixes.join(', ')})`);
  }
  return scope.namespace + streamId;
}

/** Our stream id for a KurrentDB stream name, or undefined when the stream is not this store's. */
export function havenStreamId(scope: StreamScope, streamName: string): string | undefined {
  if (!streamName.startsWith(scope.namespace)) return undefined;
  const streamId = streamName.slice(scope.namespace.length);
  return inScope(scope, streamId) ? streamId : undefined;
}

/** Server-side `$all` filter: only this store's streams cross the wire (system event types are dropped here). */
export function havenStreamFilter(scope: StreamScope): Filter {
  return streamNameFilter({ prefixes: scope.prefixes.map((prefix) => scope.namespace + prefix) });
}

/** Our position for a KurrentDB position (see the top of this file). */
export function toPosition(position: Position | undefined): number {
  if (!position) throw new Error('KurrentDB returned an event without a position (server older than 22.6?)');
  const { commit, prepare } = position;
  if (commit !== prepare) {
    throw new Error(`event at commit ${commit} / prepare ${prepare} was not self-committed: it has no single position`);
  }
  if (commit <= 0n || commit > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`KurrentDB position ${commit} is outside 1..Number.MAX_SAFE_INTEGER`);
  }
  return Number(commit);
}

/** Where a forward read for events after `after` starts: the event at it is included, pageAfter drops it. */
export function toReadPosition(after: number): ReadPosition {
  if (!Number.isSafeInteger(after) || after < 0) throw new RangeError(`position ${after} is not a safe integer >= 0`);
  if (after === 0) return START;
  const at = BigInt(after);
  return { commit: at, prepare: at };
}

/** Where a backward read for events before `before` starts (exclusive on the server); END for the newest. */
export function toBackwardReadPosition(before: number | undefined): ReadPosition {
  return before === undefined ? END : toReadPosition(before);
}

/** A KurrentDB stream revision as our revision; -1 (no stream) passes through. */
export function toRevision(revision: bigint): number {
  if (revision < -1n || revision > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`revision ${revision} is out of range`);
  return Number(revision);
}

/** Where a forward stream read from our revision `from` (a checked one, see fromRevisionOf) starts. */
export function toReadRevision(from: number): ReadRevision {
  return from === 0 ? START : BigInt(from);
}

/** Our expected revision as the server's stream state; -1 is "no stream" as it is in the SQL adapters. */
export function toStreamState(expected: ExpectedRevision): StreamState {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream' || expected === -1) return NO_STREAM;
  if (!Number.isSafeInteger(expected) || expected < 0) throw new RangeError(`expected revision ${expected} is not valid`);
  return BigInt(expected);
}

function toActualRevision(state: CurrentStreamState): number | 'no_stream' {
  return state === NO_STREAM || state < 0n ? 'no_stream' : toRevision(state);
}

const hasType = (error: unknown, type: ErrorType): boolean =>
  typeof error === 'object' && error !== null && (error as { type?: unknown }).type === type;

/**
 * Our conflict error for the client's WrongExpectedVersionError, else undefined. `streamId` and `expected` are
 * ours: the error's streamName carries the namespace, and its expectedState is already translated.
 */
export function toWrongExpectedRevision(
  error: unknown,
  streamId: string,
  expected: ExpectedRevision,
): WrongExpectedRevisionError | undefined {
  if (!(error instanceof WrongExpectedVersionError) && !hasType(error, ErrorType.WRONG_EXPECTED_VERSION)) return undefined;
  return new WrongExpectedRevisionError(streamId, expected, toActualRevision((error as WrongExpectedVersionError).actualState));
}

/** Reading a stream that was never written fails with this; for us it is an empty stream. */
export function isStreamNotFound(error: unknown): boolean {
  return error instanceof StreamNotFoundError || hasType(error, ErrorType.STREAM_NOT_FOUND);
}

/** A new event as KurrentDB event data: JSON data, and our metadata as JSON custom metadata. */
export function toEventData(event: NewEvent): EventData {
  return jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata });
}

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

/** A stored KurrentDB event as ours; `created` (server clock, millisecond precision) becomes recordedAt. */
export function fromKurrentEvent(event: KurrentRecordedEvent, streamId: string): RecordedEvent {
  if (!event.isJson || !isJsonObject(event.data) || !isJsonObject(event.metadata)) {
    throw new Error(`event ${event.id} in ${event.streamId} is not a Haven event (JSON data and JSON metadata)`);
  }
  return {
    id: event.id,
    streamId,
    revision: toRevision(event.revision),
    position: toPosition(event.position),
    type: event.type,
    data: event.data,
    metadata: event.metadata as EventMetadata,
    recordedAt: event.created.toISOString(),
  };
}

/** Ours, or undefined for what a Haven reader must not see: links, `$` event types, other stores' streams. */
export function toHavenEvent(scope: StreamScope, resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const { event, link } = resolved;
  if (!event || link || event.type.startsWith(SYSTEM_PREFIX)) return undefined;
  const streamId = havenStreamId(scope, event.streamId);
  return streamId === undefined ? undefined : fromKurrentEvent(event, streamId);
}

/** The `$all` position of any resolved event, Haven's or not (a read cursor moves past both). */
export function positionOf(resolved: AllStreamResolvedEvent): number {
  return toPosition((resolved.link ?? resolved.event)?.position);
}

/**
 * One page of a forward `$all` read started at toReadPosition(after): our events strictly after `after`, and
 * the cursor (the last position read, ours or not) to continue from.
 */
export function pageAfter(
  scope: StreamScope,
  page: readonly AllStreamResolvedEvent[],
  after: number,
): { events: RecordedEvent[]; cursor: number } {
  const events: RecordedEvent[] = [];
  let cursor = after;
  for (const resolved of page) {
    const position = positionOf(resolved);
    if (position <= cursor) continue;
    cursor = position;
    const event = toHavenEvent(scope, resolved);
    if (event) events.push(event);
  }
  return { events, cursor };
}
