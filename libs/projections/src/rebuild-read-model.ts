import { emptyTablesStatements, type RecordedEvent, type SqlWriter, type Storage } from '@haven/event-store';
import { setCheckpoint } from './checkpoints';
import { prepareReadModels } from './prepare-read-models';
import { createIndexStatement, type Projection } from './projection';
import { readAfter, typesHandledByAll } from './read-log';

export interface RebuildProgress {
  position: number;
  head: number;
  events: number;
}

export interface RebuildOptions {
  /** events per readAll call (default 500): a batch stays alive while its SQL is awaited, and one of 2,000 outlived
   * young-generation collections and got promoted, costing ~30% more CPU in garbage collection */
  readBatch?: number;
  /** events applied per transaction (default 100,000): each commit writes every page it touched (to SQLite's WAL),
   * so fewer commits write the same index pages fewer times (positions per transaction when every read model applies
   * ranges in SQL) */
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
 * interrupted rebuild leaves each read model consistent with its checkpoint (run it again, or let the live follower
 * catch up from there). Read models that can apply a range of the log in SQL (`applyRangeFromEventsTable`) do so for
 * each transaction's range, when the log is a table of the same database; the others get the events one by one. Run
 * it with the API stopped: a live node would wait for each transaction (SQLite's write lock, PostgreSQL's checkpoint
 * rows).
 */
export async function rebuildReadModels(
  storage: Storage,
  projections: readonly Projection[],
  { readBatch = 500, commitEvery = 100_000, onProgress = () => undefined }: RebuildOptions = {},
): Promise<RebuildProgress> {
  const names = projections.map((projection) => projection.name);
  if (new Set(names).size !== names.length) throw new Error(`a read model named twice would be applied twice: ${names.join(', ')}`);
  const { sql, events } = storage;
  await prepareReadModels(sql, projections, { rebuilding: true });
  const inSql = storage.eventsTableInSql ? projections.filter((projection) => projection.applyRangeFromEventsTable) : [];
  const replayed = projections.filter((projection) => !inSql.includes(projection));
  const deferred = inSql.flatMap((projection) => projection.deferredIndexes ?? []);
  await sql.transaction(async (tx) => {
    for (const statement of emptyTablesStatements(sql.dialect, projections.flatMap((projection) => projection.tables))) {
      await tx.execute(statement);
    }
    for (const projection of projections) await setCheckpoint(tx, projection.name, 0);
    for (const index of deferred) await tx.execute(`drop index if exists ${index.name}`);
  });
  const progress: RebuildProgress = { position: 0, head: await events.headPosition(), events: 0 };
  const options = { readBatch, commitEvery, onProgress };
  if (replayed.length > 0) {
    // where the log is a table, the database skips the events no replayed read model handles; progress then counts
    // the events read, and the log's own count up to where the rebuild got at the end
    const types = storage.eventsTableInSql ? typesHandledByAll(replayed) : undefined;
    await replay(storage, replayed, inSql, progress, { ...options, types });
    if (types) progress.events = await eventsBetween(sql, 0, progress.position);
  } else await applyInSqlOnly(storage, inSql, progress, options);
  for (const index of deferred) await sql.execute(createIndexStatement(index));
  return progress;
}

/**
 * Applies the log after `progress.position` to the read models, in transactions of about `commitEvery` events: the
 * `replayed` ones event by event, the `inSql` ones by their set-based SQL over each transaction's range of positions.
 */
async function replay(
  { sql, events }: Storage,
  replayed: readonly Projection[],
  inSql: readonly Projection[],
  progress: RebuildProgress,
  { readBatch, commitEvery, onProgress, types }: Required<RebuildOptions> & { types?: readonly string[] },
): Promise<void> {
  const read = (after: number) => readAfter(events, after, readBatch, types);
  let next = read(progress.position);
  for (let more = true; more; ) {
    await sql.bulkTransaction(async (tx) => {
      // each batch is applied as soon as it is read, and the next one is read while this one's writes are sent, so at
      // most two batches are in memory (the SQLite store reads without taking the connection's lock, so this does not
      // wait on itself); on PostgreSQL a batch's writes go in a few round trips instead of one each, on one connection,
      // while the next read runs on another
      const from = { events: progress.events, position: progress.position };
      while (progress.events - from.events < commitEvery) {
        const batch = await next;
        if (batch.length === 0) {
          more = false;
          // read with types, the log's last events may be of others: the rebuild has still seen up to the head
          if (types) progress.position = Math.max(progress.position, progress.head);
          break;
        }
        for (const event of batch) {
          for (const projection of replayed) await projection.apply(tx, event);
        }
        next = read(batch[batch.length - 1].position);
        await tx.flush();
        progress.position = batch[batch.length - 1].position;
        progress.events += batch.length;
        onProgress({ ...progress });
      }
      if (progress.position > from.position) {
        for (const projection of inSql) await projection.applyRangeFromEventsTable!(tx, from.position, progress.position, sql.dialect);
      }
      for (const projection of [...replayed, ...inSql]) await setCheckpoint(tx, projection.name, progress.position);
    });
  }
}

/** Applies the log up to its head to read models that all apply ranges in SQL: transactions of `commitEvery` positions. */
async function applyInSqlOnly(
  { sql }: Storage,
  inSql: readonly Projection[],
  progress: RebuildProgress,
  { commitEvery, onProgress }: Required<RebuildOptions>,
): Promise<void> {
  while (progress.position < progress.head) {
    const after = progress.position;
    const upTo = Math.min(progress.head, after + commitEvery);
    const applied = await sql.bulkTransaction(async (tx) => {
      for (const projection of inSql) await projection.applyRangeFromEventsTable!(tx, after, upTo, sql.dialect);
      for (const projection of inSql) await setCheckpoint(tx, projection.name, upTo);
      return eventsBetween(tx, after, upTo);
    });
    progress.position = upTo;
    progress.events += applied;
    onProgress({ ...progress });
  }
}

/** how many events the log holds at positions in (after, upTo], where the log is a table of this database */
async function eventsBetween(db: SqlWriter, after: number, upTo: number): Promise<number> {
  const rows = await db.query<{ n: number | string }>(`select count(*) as n from events where position > $1 and position <= $2`, [after, upTo]);
  return Number(rows[0].n);
}
