import { setImmediate as nextTurn } from 'node:timers/promises';
import { placeholderList, type BulkWriter, type RecordedEvent, type Storage } from '@haven/event-store';
import { setCheckpoint } from './checkpoints';
import { ReadModelVersionChangedError } from './prepare-read-models';
import type { Projection } from './projection';
import { readAfter, typesHandledByAll } from './read-log';

export interface CatchUpOptions {
  /**
   * events per transaction (default 20,000): large enough that commits are few, small enough that another node's
   * projection of a new event waits at most one transaction for the checkpoints. Where the log is a table of the same
   * database its positions are consecutive and this counts positions; KurrentDB's are far apart, so there it counts
   * the events read
   */
  eventsPerTransaction?: number;
  /** events per readAll call (as the rebuild's) */
  readBatch?: number;
  /** asked between transactions: true stops the catch-up where it is (the node is stopping) */
  stopped?: () => boolean;
  onProgress?: (progress: { position: number; upTo: number }) => void;
}

/**
 * Brings every read model whose checkpoint is behind `upTo` up to it, many events per transaction: what a node does at
 * start when a read model is new or of a new version (prepareReadModels dropped it), instead of one transaction per
 * event as the live follower projects. Each transaction takes the read models at the lowest checkpoint, applies the
 * log after it (the set-based SQL of those that have it, where the log is a table of the same database; the others
 * event by event) up to the next read model's checkpoint, `eventsPerTransaction` further, or `upTo`, whichever
 * comes first, and moves their checkpoints there. So each read model still sees every event once, in order, and read
 * models at different checkpoints meet on the way.
 *
 * Safe beside other nodes following the same log: the transaction first locks the checkpoints' table against writes
 * (PostgreSQL; SQLite has one writer at a time) and reads them under the lock, so two nodes catching up together take
 * turns, and a live node's claim of an event (claimCheckpoints) waits for the transaction and then finds the event
 * applied. One table lock rather than row locks: rows locked in another order than a live claim's could deadlock. A read
 * model found at another version than this code's (a later version of Haven started meanwhile) stops the catch-up with
 * ReadModelVersionChangedError.
 */
export async function catchUpReadModels(
  storage: Storage,
  projections: readonly Projection[],
  upTo: number,
  { eventsPerTransaction = 20_000, readBatch = 500, stopped = () => false, onProgress = () => undefined }: CatchUpOptions = {},
): Promise<void> {
  if (projections.length === 0) return;
  const { sql } = storage;
  const names = projections.map((projection) => projection.name);
  const byName = new Map(projections.map((projection) => [projection.name, projection]));
  while (!stopped()) {
    const moved = await sql.bulkTransaction(async (tx) => {
      if (sql.dialect === 'postgres') await tx.execute(`lock table read_model_checkpoints in share row exclusive mode`);
      const rows = await tx.query<{ name: string; position: number | string; version: number | string }>(
        `select name, position, version from read_model_checkpoints where name in (${placeholderList(names.length)})`,
        names,
      );
      // another version of Haven started on this database meanwhile and rebuilds what it changed: not by these rules
      for (const row of rows) {
        const known = byName.get(row.name)!.version ?? 1;
        if (Number(row.version) !== known) throw new ReadModelVersionChangedError(row.name, Number(row.version), known);
      }
      const behind = rows.map((row) => ({ name: row.name, position: Number(row.position) })).filter((row) => row.position < upTo);
      if (behind.length === 0) return null;
      const from = Math.min(...behind.map((row) => row.position));
      const ahead = rows.map((row) => Number(row.position)).filter((position) => position > from);
      const limit = Math.min(upTo, ...ahead);
      const group = behind.filter((row) => row.position === from).map((row) => byName.get(row.name)!);
      const to = storage.eventsTableInSql
        ? await applyRange(storage, tx, group, from, Math.min(limit, from + eventsPerTransaction), Infinity, readBatch)
        : await applyRange(storage, tx, group, from, limit, eventsPerTransaction, readBatch);
      for (const projection of group) await setCheckpoint(tx, projection.name, to);
      return to;
    }, { durable: false });
    if (moved === null) return;
    onProgress({ position: moved, upTo });
    // a turn of the event loop between transactions: on SQLite every await in one resolves without one, and a node
    // catching up would not answer /health (nor anything else) until it was through
    await nextTurn();
  }
}

/**
 * Applies the log's events at positions in (after, upTo] to the read models, each in position order, stopping after
 * `maxEvents` events read; returns the position it got to (upTo, or the last event applied when it stopped early).
 */
async function applyRange(
  storage: Storage,
  tx: BulkWriter,
  projections: readonly Projection[],
  after: number,
  upTo: number,
  maxEvents: number,
  readBatch: number,
): Promise<number> {
  const inSql = storage.eventsTableInSql ? projections.filter((projection) => projection.applyRangeFromEventsTable) : [];
  const replayed = projections.filter((projection) => !inSql.includes(projection));
  for (const projection of inSql) await projection.applyRangeFromEventsTable!(tx, after, upTo, storage.sql.dialect);
  if (replayed.length === 0) return upTo;
  const types = typesHandledByAll(replayed);
  let next = readAfter(storage.events, after, Math.min(readBatch, maxEvents), types);
  for (let read = 0; ; ) {
    const batch: RecordedEvent[] = (await next).filter((event) => event.position <= upTo);
    if (batch.length === 0) return upTo;
    read += batch.length;
    const last = batch[batch.length - 1].position;
    const more = last < upTo && read < maxEvents;
    // the next batch is read while this one's writes go out, as in the rebuild
    next = more ? readAfter(storage.events, last, Math.min(readBatch, maxEvents - read), types) : Promise.resolve([]);
    for (const event of batch) {
      for (const projection of replayed) await projection.apply(tx, event);
    }
    await tx.flush();
    if (!more) return read < maxEvents ? upTo : last;
  }
}
