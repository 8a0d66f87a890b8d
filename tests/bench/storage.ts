/**
 * Figures 2 and 3, in this process: the event stores' append path against raw inserts of the same rows with the same
 * driver and durability settings, and the read-model rebuild against a raw sequential read of the same events.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { emptyTablesStatements, openSqliteConnection, openStorage, WalCheckpointer, type NewEvent, type Storage } from '@haven/event-store';
import { rebuildReadModel, rebuildReadModels, type Projection } from '@haven/projections';
import { allReadModels } from '../../apps/api/src/read-models';
import { TEST_DATABASE_URL, dropSchema, uniqueSchema } from '../support/postgres';
import { messagePosted, nextRoomEvents, seedRooms, type SeedRoom } from './events';
import { nowMs } from './stats';

/** The app's read models, from the same (Nest-free) list the app and the rebuild CLI use. */
const READ_MODELS: Projection[] = allReadModels;

export type StoreKind = 'sqlite' | 'postgres';

interface Place {
  kind: StoreKind;
  sqlitePath?: string;
  schema?: string;
  dispose(): Promise<void>;
}

function freshPlace(kind: StoreKind): Place {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'haven-bench-store-'));
    return { kind, sqlitePath: join(dir, 'events.sqlite'), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = uniqueSchema('bench');
  return { kind, schema, dispose: () => dropSchema(schema) };
}

const openAt = (place: Place): Promise<Storage> =>
  openStorage(
    place.kind === 'sqlite'
      ? { eventStore: 'sqlite', sqlitePath: place.sqlitePath }
      : { eventStore: 'postgres', databaseUrl: TEST_DATABASE_URL, postgresSchema: place.schema },
  );

// ---------------------------------------------------------------------------------------------------------------
// Figure 2: append throughput

export interface AppendFigure {
  store: StoreKind;
  perAppend: number;
  product: { events: number; seconds: number; eventsPerSecond: number };
  baseline: { events: number; seconds: number; eventsPerSecond: number };
}

const STREAMS = 100;

/** Pre-built batches so both sides spend no time making events: only serialising and writing them. */
function batchesFor(perAppend: number, count: number): { streamIndex: number; events: NewEvent[] }[] {
  const at = new Date().toISOString();
  let n = 0;
  return Array.from({ length: count }, (_, i) => ({
    streamIndex: i % STREAMS,
    events: Array.from({ length: perAppend }, () => messagePosted(`user-${n % 40}`, at, n++)),
  }));
}

/** Runs `appendOne(i)` sequentially until `seconds` have passed (or the prepared batches run out). */
async function timed(batchCount: number, seconds: number, appendOne: (i: number) => Promise<void>) {
  // warm-up: statements prepared, JIT compiled, connections open
  const warm = Math.min(20, Math.floor(batchCount / 10));
  for (let i = 0; i < warm; i++) await appendOne(i);
  const start = nowMs();
  const deadline = start + seconds * 1000;
  let done = 0;
  for (let i = warm; i < batchCount && nowMs() < deadline; i++) {
    await appendOne(i);
    done++;
  }
  return { batches: done, seconds: (nowMs() - start) / 1000 };
}

/**
 * `rounds` rounds, each the product for `seconds` then the baseline for `seconds` on fresh tables, alternating so that
 * a busy moment of the shared machine falls on both sides; each side's figure is its median round.
 */
export async function appendFigure(store: StoreKind, perAppend: number, seconds: number, rounds = 1): Promise<AppendFigure> {
  const runs: AppendFigure[] = [];
  for (let round = 0; round < rounds; round++) runs.push(await appendRound(store, perAppend, seconds));
  const median = (side: 'product' | 'baseline') =>
    runs.map((run) => run[side]).sort((a, b) => a.eventsPerSecond - b.eventsPerSecond)[Math.floor((runs.length - 1) / 2)];
  return { store, perAppend, product: median('product'), baseline: median('baseline') };
}

async function appendRound(store: StoreKind, perAppend: number, seconds: number): Promise<AppendFigure> {
  // enough batches for the time given at a rate well above what either side reaches here
  const batchCount = Math.ceil((perAppend === 1 ? 30000 : 2500) * (seconds / 4)) + 50;
  const batches = batchesFor(perAppend, batchCount);

  // the product: EventStore.append with an expected revision per stream, as the command handler does
  const productPlace = freshPlace(store);
  const storage = await openAt(productPlace);
  const revisions = new Array<number>(STREAMS).fill(-1);
  const productRun = await timed(batchCount, seconds, async (i) => {
    const { streamIndex, events } = batches[i];
    const expected = revisions[streamIndex] < 0 ? 'no_stream' : revisions[streamIndex];
    const result = await storage.events.append(`room-bench-${streamIndex}`, events, expected);
    revisions[streamIndex] = result.nextExpectedRevision;
  });
  await storage.close();
  await productPlace.dispose();

  // the baseline: the same table (made by the same migration), the same rows, the same driver and settings
  const basePlace = freshPlace(store);
  await (await openAt(basePlace)).close();
  let baseRun: { batches: number; seconds: number };
  if (store === 'sqlite') {
    const db = openSqliteConnection(basePlace.sqlitePath!); // WAL, synchronous=NORMAL, as the product
    // checkpoints as the product runs them (on a worker thread), so both sides do the same disk work
    db.pragma('wal_autocheckpoint = 0');
    const checkpointer = WalCheckpointer.start(basePlace.sqlitePath!, (message) => {
      throw new Error(`baseline checkpoint failed: ${message}`);
    });
    const insert = db.prepare(
      'INSERT INTO events (event_id, stream_id, stream_revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const nextRevision = new Array<number>(STREAMS).fill(0);
    const write = db.transaction((streamId: string, events: NewEvent[], first: number, recordedAt: string) => {
      events.forEach((event, k) =>
        insert.run(event.id, streamId, first + k, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), recordedAt),
      );
    });
    baseRun = await timed(batchCount, seconds, async (i) => {
      const { streamIndex, events } = batches[i];
      write.immediate(`room-bench-${streamIndex}`, events, nextRevision[streamIndex], new Date().toISOString());
      nextRevision[streamIndex] += events.length;
    });
    await checkpointer.stop();
    db.close();
  } else {
    const client = new Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${basePlace.schema}` });
    await client.connect();
    const nextRevision = new Array<number>(STREAMS).fill(0);
    let position = 0;
    baseRun = await timed(batchCount, seconds, async (i) => {
      const { streamIndex, events } = batches[i];
      const first = nextRevision[streamIndex];
      nextRevision[streamIndex] += events.length;
      const recordedAt = new Date().toISOString();
      if (events.length === 1) {
        const [event] = events;
        await client.query(
          'INSERT INTO events (position, event_id, stream_id, stream_revision, type, data, metadata, recorded_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::timestamptz)',
          [++position, event.id, `room-bench-${streamIndex}`, first, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), recordedAt],
        );
      } else {
        // one statement, one implicit transaction: the cheapest way to store a batch durably
        const positions = events.map(() => ++position);
        await client.query(
          `INSERT INTO events (position, event_id, stream_id, stream_revision, type, data, metadata, recorded_at)
           SELECT p, id, $3, r, t, d::jsonb, m::jsonb, $8::timestamptz
             FROM unnest($1::bigint[], $2::text[], $4::bigint[], $5::text[], $6::text[], $7::text[]) AS u(p, id, r, t, d, m)`,
          [
            positions,
            events.map((e) => e.id),
            `room-bench-${streamIndex}`,
            events.map((_, k) => first + k),
            events.map((e) => e.type),
            events.map((e) => JSON.stringify(e.data)),
            events.map((e) => JSON.stringify(e.metadata)),
            recordedAt,
          ],
        );
      }
    });
    await client.end();
  }
  await basePlace.dispose();

  const figure = (run: { batches: number; seconds: number }) => ({
    events: run.batches * perAppend,
    seconds: run.seconds,
    eventsPerSecond: (run.batches * perAppend) / run.seconds,
  });
  return { store, perAppend, product: figure(productRun), baseline: figure(baseRun) };
}

export async function postgresDurability(): Promise<string> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const settings = ['synchronous_commit', 'fsync', 'wal_sync_method', 'full_page_writes'];
    const values: string[] = [];
    for (const name of settings) values.push(`${name}=${(await client.query(`show ${name}`)).rows[0][name]}`);
    const version = (await client.query('show server_version')).rows[0].server_version as string;
    return `PostgreSQL ${version} at 127.0.0.1 (${values.join(', ')})`;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Figure 3: rebuild from position 0

export interface RebuildFigure {
  store: StoreKind;
  events: number;
  seedSeconds: number;
  /** raw sequential read of the events table, same driver, same batch size, rows as arrays and not decoded */
  rawRead: { seconds: number; eventsPerSecond: number };
  /** EventStore.readAll from 0 to the head (rows decoded to RecordedEvents), no projection */
  storeRead: { seconds: number; eventsPerSecond: number };
  readModels: { name: string; seconds: number; eventsPerSecond: number }[];
  /** every read model in one pass over the log (what `rebuild-read-models --all` does) */
  all: { seconds: number; eventsPerSecond: number };
  /**
   * the rows the read model writing the most of them wrote in its rebuild, written again with the bare driver alone (no
   * read, no decoding, no projection): the write part of that rebuild at its cheapest through the driver
   */
  writesAlone: { readModel: string; rows: number; how: string; seconds: number; eventsPerSecond: number };
  /**
   * the same rows copied inside the database from a copy of the table (INSERT … SELECT, one transaction): what the
   * engine's own writes of these rows cost with no driver in between and every index kept up to date row by row
   */
  copiedInDatabase: { rows: number; seconds: number; eventsPerSecond: number };
  /** read models that rebuild in SQL (applyRangeFromEventsTable), rebuilt event by event instead, as on KurrentDB */
  eventByEvent: { name: string; seconds: number; eventsPerSecond: number }[];
}

const REBUILD_BATCH = 500; // readBatch in libs/projections/src/rebuild-read-model.ts

/** Appends `total` events of realistic room traffic through the product's append, 100 per append, rooms interleaved. */
export async function seed(storage: Storage, total: number): Promise<number> {
  const rooms: SeedRoom[] = seedRooms(Math.max(10, Math.round(total / 400)), 11, 2000);
  const counter = { n: 0 };
  let written = 0;
  for (let r = 0; written < total; r = (r + 1) % rooms.length) {
    const room = rooms[r];
    const events = nextRoomEvents(room, Math.min(100, total - written), counter);
    const result = await storage.events.append(room.streamId, events, room.revision < 0 ? 'no_stream' : room.revision);
    room.revision = result.nextExpectedRevision;
    written += events.length;
  }
  return written;
}

export async function rebuildFigure(store: StoreKind, total: number, onStep: (text: string) => void): Promise<RebuildFigure> {
  const place = freshPlace(store);
  const storage = await openAt(place);
  try {
    let started = nowMs();
    const events = await seed(storage, total);
    const seedSeconds = (nowMs() - started) / 1000;
    onStep(`seeded ${events} events in ${seedSeconds.toFixed(1)} s`);
    const rate = (seconds: number) => ({ seconds, eventsPerSecond: events / seconds });

    // baseline: a raw sequential read with the same driver and the same batch size as the rebuild
    const COLUMNS = 'position, event_id, stream_id, stream_revision, type, data, metadata, recorded_at';
    // one connection for every pass, like the store's own; the median of three passes after a warm-up pass
    const sqlite = store === 'sqlite' ? openSqliteConnection(place.sqlitePath!) : undefined;
    const pg = store === 'postgres' ? new Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${place.schema}` }) : undefined;
    await pg?.connect();
    // rows as arrays, each driver's cheapest row form (the SQLite store reads that way too)
    const select = sqlite?.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(true);
    const rawReadOnce = async (): Promise<number> => {
      const begin = nowMs();
      let read = 0;
      for (let after = 0; ; ) {
        const rows = select
          ? (select.all(after, REBUILD_BATCH) as unknown[][])
          : (
              await pg!.query<unknown[]>({
                text: `SELECT ${COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2`,
                values: [after, REBUILD_BATCH],
                rowMode: 'array',
              })
            ).rows;
        if (rows.length === 0) break;
        read += rows.length;
        after = Number(rows[rows.length - 1][0]);
      }
      if (read !== events) throw new Error(`raw read saw ${read} events, expected ${events}`);
      return (nowMs() - begin) / 1000;
    };
    await rawReadOnce();
    const passes = [await rawReadOnce(), await rawReadOnce(), await rawReadOnce()].sort((a, b) => a - b);
    const rawRead = rate(passes[1]);
    sqlite?.close();
    await pg?.end();
    onStep(`raw read ${Math.round(rawRead.eventsPerSecond)} events/s`);

    started = nowMs();
    let read = 0;
    for (let after = 0; ; ) {
      const batch = await storage.events.readAll({ after, limit: REBUILD_BATCH });
      if (batch.length === 0) break;
      read += batch.length;
      after = batch[batch.length - 1].position;
    }
    const storeRead = rate((nowMs() - started) / 1000);
    if (read !== events) throw new Error(`readAll saw ${read} events, expected ${events}`);

    const readModels: RebuildFigure['readModels'] = [];
    for (const projection of READ_MODELS) {
      started = nowMs();
      const progress = await rebuildReadModel(storage, projection);
      if (progress.events !== events) throw new Error(`${projection.name}: rebuilt ${progress.events} events, expected ${events}`);
      readModels.push({ name: projection.name, ...rate((nowMs() - started) / 1000) });
      onStep(`${projection.name}: ${Math.round(readModels[readModels.length - 1].eventsPerSecond)} events/s`);
    }
    const eventByEvent: RebuildFigure['eventByEvent'] = [];
    for (const projection of READ_MODELS.filter((p) => p.applyRangeFromEventsTable)) {
      started = nowMs();
      await rebuildReadModel(storage, { ...projection, applyRangeFromEventsTable: undefined });
      eventByEvent.push({ name: projection.name, ...rate((nowMs() - started) / 1000) });
      onStep(`${projection.name}, event by event: ${Math.round(eventByEvent[eventByEvent.length - 1].eventsPerSecond)} events/s`);
    }
    started = nowMs();
    const together = await rebuildReadModels(storage, READ_MODELS);
    if (together.events !== events) throw new Error(`all read models: rebuilt ${together.events} events, expected ${events}`);
    const all = rate((nowMs() - started) / 1000);
    onStep(`all in one pass: ${Math.round(all.eventsPerSecond)} events/s`);

    // the read model that writes the most rows (room_messages): when the others read only their few event types, the
    // slowest of a run can be one that writes a few hundred rows, and its writes alone say nothing
    const rowCounts = new Map<string, number>();
    for (const p of READ_MODELS) {
      let rows = 0;
      for (const table of p.tables) rows += Number((await storage.sql.query<{ n: number | string }>(`select count(*) as n from ${table}`))[0].n);
      rowCounts.set(p.name, rows);
    }
    const projection = [...READ_MODELS].sort((a, b) => rowCounts.get(b.name)! - rowCounts.get(a.name)!)[0];
    const written = store === 'sqlite' ? await sqliteWritesAlone(place, projection.tables) : await postgresWritesAlone(place, projection.tables);
    const writesAlone = { readModel: projection.name, ...written, ...rate(written.seconds) };
    onStep(`${projection.name}'s ${written.rows} rows written alone: ${Math.round(writesAlone.eventsPerSecond)} events/s`);
    const copied = await copiedInDatabase(storage, projection.tables);
    const copiedInDatabaseFigure = { ...copied, ...rate(copied.seconds) };
    onStep(`${projection.name}'s rows copied inside the database: ${Math.round(copiedInDatabaseFigure.eventsPerSecond)} events/s`);
    return { store, events, seedSeconds, rawRead, storeRead, readModels, all, writesAlone, copiedInDatabase: copiedInDatabaseFigure, eventByEvent };
  } finally {
    await storage.close();
    await place.dispose();
  }
}

/** A read model's rows, read out, deleted, and inserted again with one prepared INSERT per row in one transaction. */
async function sqliteWritesAlone(place: Place, tables: readonly string[]): Promise<{ rows: number; how: string; seconds: number }> {
  const db = openSqliteConnection(place.sqlitePath!); // the product's settings (WAL, synchronous=NORMAL, page cache)
  try {
    const contents = tables.map((table) => ({ table, rows: db.prepare(`SELECT * FROM ${table}`).raw(true).all() as unknown[][] }));
    for (const { table } of contents) db.exec(`DELETE FROM ${table}`);
    const begin = nowMs();
    db.exec('BEGIN');
    for (const { table, rows } of contents) {
      if (rows.length === 0) continue;
      const insert = db.prepare(`INSERT INTO ${table} VALUES (${rows[0].map(() => '?').join(', ')})`);
      for (const row of rows) insert.run(...row);
    }
    db.exec('COMMIT');
    const seconds = (nowMs() - begin) / 1000;
    return { rows: countRows(contents), how: 'one prepared INSERT per row, one transaction', seconds };
  } finally {
    db.close();
  }
}

/**
 * The same on PostgreSQL with the cheapest insert pg offers without another package: INSERT … SELECT FROM unnest of
 * one typed array per column, 1,000 rows per statement (COPY needs pg-copy-streams).
 */
async function postgresWritesAlone(place: Place, tables: readonly string[]): Promise<{ rows: number; how: string; seconds: number }> {
  const pg = new Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${place.schema}` });
  await pg.connect();
  try {
    const contents = [];
    for (const table of tables) {
      const types = (
        await pg.query<{ type: string }>(
          `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
          [table],
        )
      ).rows.map((r) => r.type);
      const rows = (await pg.query<unknown[]>({ text: `SELECT * FROM ${table}`, rowMode: 'array' })).rows;
      contents.push({ table, types, rows });
    }
    for (const { table } of contents) await pg.query(`TRUNCATE ${table}`);
    const begin = nowMs();
    await pg.query('BEGIN');
    for (const { table, types, rows } of contents) {
      const unnest = `INSERT INTO ${table} SELECT * FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})`;
      for (let from = 0; from < rows.length; from += 1000) {
        const batch = rows.slice(from, from + 1000);
        await pg.query(unnest, types.map((_, column) => batch.map((row) => row[column])));
      }
    }
    await pg.query('COMMIT');
    const seconds = (nowMs() - begin) / 1000;
    return { rows: countRows(contents), how: 'INSERT … SELECT FROM unnest(one array per column), 1,000 rows per statement, one transaction', seconds };
  } finally {
    await pg.end();
  }
}

/** A read model's rows copied aside, deleted, and inserted again from the copy by the database itself, timed. */
async function copiedInDatabase({ sql }: Storage, tables: readonly string[]): Promise<{ rows: number; seconds: number }> {
  let rows = 0;
  for (const table of tables) {
    await sql.execute(`create table bench_copy_${table} as select * from ${table}`);
    rows += Number((await sql.query<{ n: number | string }>(`select count(*) as n from bench_copy_${table}`))[0].n);
    // emptied as a rebuild empties it
    for (const statement of emptyTablesStatements(sql.dialect, [table])) await sql.execute(statement);
  }
  const begin = nowMs();
  await sql.transaction(async (tx) => {
    for (const table of tables) await tx.execute(`insert into ${table} select * from bench_copy_${table}`);
  });
  const seconds = (nowMs() - begin) / 1000;
  for (const table of tables) await sql.execute(`drop table bench_copy_${table}`);
  return { rows, seconds };
}

function countRows(contents: { rows: unknown[] }[]): number {
  return contents.reduce((sum, { rows }) => sum + rows.length, 0);
}
