import type { RecordedEvent, SqlDatabase } from '@haven/event-store';
import { claimCheckpoint } from './checkpoints';
import type { Projection } from './projection';

/** Applies one event to every read model that has not seen it yet, each with its checkpoint, in one transaction. */
export async function projectEvent(db: SqlDatabase, projections: readonly Projection[], event: RecordedEvent): Promise<void> {
  await db.transaction(async (tx) => {
    for (const projection of projections) {
      if (await claimCheckpoint(tx, projection.name, event.position)) await projection.apply(tx, event);
    }
  });
}
