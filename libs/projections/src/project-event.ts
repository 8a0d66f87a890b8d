import type { RecordedEvent, SqlDatabase } from '@haven/event-store';
import { claimCheckpoints } from './checkpoints';
import type { Projection } from './projection';

/**
 * Applies one event to every read model that has not seen it yet, with their checkpoints, in one transaction.
 * The commit does not wait for its flush to disk: read models are derived from the (durably appended) log and their
 * checkpoints commit with their rows, so a crash can only lose a suffix of projected events, which are projected
 * again from the checkpoints on the next start. It saves a disk flush per event on the delivery path.
 */
export async function projectEvent(db: SqlDatabase, projections: readonly Projection[], event: RecordedEvent): Promise<void> {
  // a bulk transaction: on PostgreSQL, BEGIN and the claim in one round trip, the writes and COMMIT in another
  await db.bulkTransaction(async (tx) => {
    const claimed = await claimCheckpoints(tx, projections.map((projection) => projection.name), event.position);
    for (const projection of projections) if (claimed.has(projection.name)) await projection.apply(tx, event);
  }, { durable: false });
}
