import type { EventStore, RecordedEvent } from '@haven/event-store';

const BATCH = 1000;

/** One event of an export, as a client would read it, with its metadata's who and when. */
export interface ExportedEvent {
  position: number;
  streamId: string;
  type: string;
  actorId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** Whether the person did this, or is named anywhere in what it holds (an author, a target, a participant, a guest). */
export function mentions(event: RecordedEvent, userId: string): boolean {
  return event.metadata.actorId === userId || holds(event.data, userId);
}

function holds(value: unknown, userId: string): boolean {
  if (value === userId) return true;
  if (Array.isArray(value)) return value.some((item) => holds(item, userId));
  if (typeof value === 'object' && value !== null) return Object.values(value).some((item) => holds(item, userId));
  return false;
}

/** Every event up to `throughPosition` that the person did or is named in, oldest first, as stored (still sealed). */
export async function eventsAbout(store: EventStore, userId: string, throughPosition: number): Promise<ExportedEvent[]> {
  const found: ExportedEvent[] = [];
  for (let after = 0; after < throughPosition; ) {
    const batch = await store.readAll({ after, limit: BATCH });
    if (batch.length === 0) break;
    for (const event of batch) {
      if (event.position > throughPosition) return found;
      if (mentions(event, userId)) {
        const { position, streamId, type, data, metadata } = event;
        found.push({ position, streamId, type, actorId: metadata.actorId, occurredAt: metadata.occurredAt, data });
      }
    }
    after = batch[batch.length - 1].position;
  }
  return found;
}
