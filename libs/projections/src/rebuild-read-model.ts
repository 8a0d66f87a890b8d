import type { RecordedEvent, Storage } from '@haven/event-store';
import { ensureCheckpoint, migrateCheckpoints, setCheckpoint } from './checkpoints';
import type { Projection } from './projection';

export interface RebuildProgress {
  position: number;
  head: number;
  events: number;
}

export interface RebuildOptions {
  /** events per readAll call (default 2,000) */
  readBatch?: number;
  /** events applied per transaction (default 20,000): fewer, larger commits write each touched page once, not once per read batch */
  commitEvery?: number;
  onProgress?: (progress: RebuildProgress) => void;
}

/** Rebuilds one read model from position 0; see rebuildReadModels. */
export function rebuildReadModel(
  storage: Storage,
  projection: Projection,
  onProgress?: (progress: RebuildProgress) => void,
): Promise<RebuildProgress> {
  return rebuildReadModels(storage, [projection], { onProgress });
}

/**
 * Rebuilds read models from position 0 in one pass over the log: empties their tables, then applies each event to every
 * one of them in position order, the rows and every checkpoint committed together every `commitEvery` events, so an
 * interrupted rebuild leaves each read model consistent with its checkpoint (run it again to finish it, or let the
 * live follower catch up from there). Run it with the API stopped (or accept that live updates pause on the
 * checkpoint row lock while a chunk commits).
 */
export async function rebuildReadModels(
  storage: Storage,
  projections: readonly Projection[],
  { readBatch = 2000, commitEvery = 20000, onProgress = () => undefined }: RebuildOptions = {},
): Promise<RebuildProgress> {
  const names = projections.map((projection) => projection.name);
  if (new Set(names).size !== names.length) throw new Error(`a read model named twice would be applied twice: ${names.join(', ')}`);
  const { sql, events } = storage;
  await migrateCheckpoints(sql);
  for (const projection of projections) {
    await projection.migrate(sql);
    await ensureCheckpoint(sql, projection.name);
  }
  await sql.transaction(async (tx) => {
    for (const projection of projections) {
      for (const table of projection.tables) await tx.execute(`delete from ${table}`);
      await setCheckpoint(tx, projection.name, 0);
    }
  });
  const progress: RebuildProgress = { position: 0, head: await events.headPosition(), events: 0 };
  for (;;) {
    // read outside the transaction: the store may serialise its reads with the read models' connection
    const chunk: RecordedEvent[] = [];
    let after = progress.position;
    while (chunk.length < commitEvery) {
      const batch = await events.readAll({ after, limit: Math.min(readBatch, commitEvery - chunk.length) });
      if (batch.length === 0) break;
      for (const event of batch) chunk.push(event);
      after = batch[batch.length - 1].position;
    }
    if (chunk.length === 0) break;
    await sql.transaction(async (tx) => {
      for (const event of chunk) {
        for (const projection of projections) await projection.apply(tx, event);
      }
      for (const projection of projections) await setCheckpoint(tx, projection.name, after);
    });
    progress.position = after;
    progress.events += chunk.length;
    onProgress({ ...progress });
  }
  return progress;
}
