import { RowCountMismatchError, type RecordedEvent, type SqlDatabase } from '@haven/event-store';
import { claimAllCheckpoints, claimCheckpoints } from './checkpoints';
import type { Projection } from './projection';

export interface ProjectEventOptions {
  /**
   * this node appended the event (its subscription took it from the append): claim its checkpoints in the same round
   * trip as the writes, expecting no other node to have projected it yet
   */
  appendedHere?: boolean;
}

/**
 * Applies one event to every read model that has not seen it yet, with their checkpoints, in one transaction.
 * The commit does not wait for its flush to disk: read models are derived from the (durably appended) log and their
 * checkpoints commit with their rows, so a crash can only lose a suffix of projected events, which are projected
 * again from the checkpoints on the next start. It saves a disk flush per event on the delivery path.
 */
export async function projectEvent(
  db: SqlDatabase,
  projections: readonly Projection[],
  event: RecordedEvent,
  { appendedHere = false }: ProjectEventOptions = {},
): Promise<void> {
  if (appendedHere) {
    // on PostgreSQL one round trip (BEGIN, the claim, the writes, COMMIT) instead of two: about 1.5 ms less at p50
    // between a post and its delivery in the bench
    try {
      await db.bulkTransaction(async (tx) => {
        await claimAllCheckpoints(tx, projections, event.position);
        for (const projection of projections) await projection.apply(tx, event);
      }, { durable: false });
      return;
    } catch (error) {
      // another node projected it, or part of it, first: nothing of this attempt was committed
      if (!(error instanceof RowCountMismatchError)) throw error;
    }
  }
  // a bulk transaction: on PostgreSQL, BEGIN and the claim in one round trip, the writes and COMMIT in another
  await db.bulkTransaction(async (tx) => {
    const claimed = await claimCheckpoints(tx, projections, event.position);
    for (const projection of projections) if (claimed.has(projection.name)) await projection.apply(tx, event);
  }, { durable: false });
}
