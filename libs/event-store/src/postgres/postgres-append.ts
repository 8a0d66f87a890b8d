import type { AppendResult, ExpectedRevision, NewEvent, RecordedEvent } from '../event-store';
import { NO_STREAM_REVISION, wrongExpectedRevision } from '../internal/append-rules';

/**
 * The client side of haven_append (migration 0002): its parameters, and its answer as our append's outcome.
 * Pure, so the mapping is unit-tested without a server.
 */

/** Named: each pooled connection parses and plans it once. */
export const APPEND_STATEMENT = 'haven_append';
export const APPEND_SQL = 'SELECT outcome, revision, event_position FROM haven_append($1, $2, $3, $4, $5, $6, $7, $8, $9)';

type Int8 = number | string;

export interface AppendOutcomeRow {
  outcome: 'appended' | 'unchanged' | 'wrong_revision' | 'stored';
  revision: Int8 | null;
  event_position: Int8 | null;
}

/** haven_append's `expected`: NULL for any, -1 for no stream; a revision no stream can have matches nothing. */
export function expectedParam(expected: ExpectedRevision): number | null {
  if (expected === 'any') return null;
  if (expected === 'no_stream') return NO_STREAM_REVISION;
  return Number.isSafeInteger(expected) && expected >= NO_STREAM_REVISION ? expected : -2;
}

export interface AppendCall {
  streamId: string;
  events: readonly NewEvent[];
  expectedRevision: ExpectedRevision;
  /** the client's clock, as the SQLite adapter records it */
  recordedAt: string;
}

export function appendParams(call: AppendCall, lockClass: number, schema: string): unknown[] {
  const { streamId, events, expectedRevision, recordedAt } = call;
  return [
    streamId,
    expectedParam(expectedRevision),
    lockClass,
    schema,
    events.map((event) => event.id),
    events.map((event) => event.type),
    events.map((event) => JSON.stringify(event.data)),
    events.map((event) => JSON.stringify(event.metadata)),
    recordedAt,
  ];
}

/**
 * The append's result for haven_append's answer; throws WrongExpectedRevisionError for a conflict. 'stored': an id
 * of the batch is already stored and nothing was written, the caller applies the replay rules to the stored events.
 */
export function appendOutcome(row: AppendOutcomeRow, call: AppendCall): AppendResult | 'stored' {
  const { streamId, events, expectedRevision, recordedAt } = call;
  // Number(): stay correct on a pool without the int8 parser of postgresClientConfig
  const revision = Number(row.revision);
  switch (row.outcome) {
    case 'appended': {
      const first = Number(row.event_position);
      const recorded = events.map(
        ({ id, type, data, metadata }, index): RecordedEvent => ({
          id, type, data, metadata, streamId, revision: revision + 1 + index, position: first + index, recordedAt,
        }),
      );
      return { nextExpectedRevision: revision + events.length, lastPosition: first + events.length - 1, events: recorded };
    }
    case 'unchanged':
      return { nextExpectedRevision: revision, lastPosition: Number(row.event_position), events: [] };
    case 'wrong_revision':
      throw wrongExpectedRevision(streamId, expectedRevision, revision);
    case 'stored':
      return 'stored';
    default:
      throw new Error(`haven_append answered ${String(row.outcome)}`);
  }
}
