import type { RecordedEvent, Storage } from '@haven/event-store';
import type { Projection } from './projection';

/** a read started ahead of its use; a failure is also seen where it is awaited, and is not an unhandled rejection before */
export function readAfter(events: Storage['events'], position: number, limit: number, types?: readonly string[]): Promise<RecordedEvent[]> {
  const read = events.readAll({ after: position, limit, ...(types ? { types } : {}) });
  read.catch(() => undefined);
  return read;
}

/** every type some read model handles, or undefined (read everything) when one of them does not say */
export function typesHandledByAll(projections: readonly Projection[]): readonly string[] | undefined {
  if (projections.some((projection) => !projection.eventTypes)) return undefined;
  return [...new Set(projections.flatMap((projection) => projection.eventTypes!))];
}
