import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type AppendResult,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
} from '../event-store';

/** Revision of a stream with no events. */
export const NO_STREAM_REVISION = -1;

/** Throws WrongExpectedRevisionError unless `current` (-1 = no stream) satisfies `expected`. */
export function checkExpectedRevision(streamId: string, expected: ExpectedRevision, current: number): void {
  const satisfied = expected === 'any' || (expected === 'no_stream' ? current === NO_STREAM_REVISION : expected === current);
  if (!satisfied) throw wrongExpectedRevision(streamId, expected, current);
}

/** The conflict for a stream whose last revision is `current` (-1 = no stream). */
export function wrongExpectedRevision(streamId: string, expected: ExpectedRevision, current: number): WrongExpectedRevisionError {
  return new WrongExpectedRevisionError(streamId, expected, current === NO_STREAM_REVISION ? 'no_stream' : current);
}

/** A batch may not name one event id twice. */
export function checkDistinctIds(events: readonly NewEvent[]): void {
  if (events.length < 2) return;
  const seen = new Set<string>();
  for (const event of events) {
    if (seen.has(event.id)) throw new DuplicateEventIdError(event.id);
    seen.add(event.id);
  }
}

/**
 * Decides an append whose ids may already be stored (`stored`: the stored events with any of the batch's ids).
 * None stored: null (append normally). All stored, in this stream, as consecutive revisions in the batch's order:
 * the stored result (a retried append). Anything else: DuplicateEventIdError.
 */
export function replayOfStoredBatch(
  streamId: string,
  events: readonly NewEvent[],
  stored: readonly RecordedEvent[],
): AppendResult | null {
  if (stored.length === 0) return null;
  const ordered = [...stored].sort((a, b) => a.revision - b.revision);
  const isSameBatch =
    ordered.length === events.length &&
    ordered.every(
      (match, index) =>
        match.id === events[index].id && match.streamId === streamId && match.revision === ordered[0].revision + index,
    );
  if (!isSameBatch) {
    const storedIds = new Set(stored.map((event) => event.id));
    throw new DuplicateEventIdError(events.find((event) => storedIds.has(event.id))?.id ?? ordered[0].id);
  }
  const last = ordered[ordered.length - 1];
  return { nextExpectedRevision: last.revision, lastPosition: last.position, events: ordered };
}
