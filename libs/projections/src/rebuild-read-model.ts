import type { Storage } from '@haven/event-store';
import { ensureCheckpoint, migrateCheckpoints, setCheckpoint } from './checkpoints';
import type { Projection } from './projection';

export interface RebuildProgress {
  position: number;
  head: number;
  events: number;
}

const BATCH = 2000;

/**
 * Rebuilds a read model from position 0: empties its tables, then replays the log in batches, each batch
 * and the checkpoint in one transaction. Run it with the API stopped (or accept that live updates pause
 * on the checkpoint row lock while a batch commits).
 */
export async function rebuildReadModel(
  storage: Storage,
  projection: Projection,
  onProgress: (progress: RebuildProgress) => void = () => undefined,
): Promise<RebuildProgress> {
  const { sql, events } = storage;
  await migrateCheckpoints(sql);
  await projection.migrate(sql);
  await ensureCheckpoint(sql, projection.name);
  await sql.transaction(async (tx) => {
    for (const table of projection.tables) await tx.execute(`delete from ${table}`);
    await setCheckpoint(tx, projection.name, 0);
  });
  const head = await events.headPosition();
  const progress: RebuildProgress = { position: 0, head, events: 0 };
  for (;;) {
    const batch = await events.readAll({ after: progress.position, limit: BATCH });
    if (batch.length === 0) break;
    await sql.transaction(async (tx) => {
      for (const event of batch) await projection.apply(tx, event);
      await setCheckpoint(tx, projection.name, batch[batch.length - 1].position);
    });
    progress.position = batch[batch.length - 1].position;
    progress.events += batch.length;
    onProgress({ ...progress });
  }
  return progress;
}
