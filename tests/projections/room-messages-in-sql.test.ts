import { randomUUID } from 'node:crypto';
import type { NewEvent, Storage } from '@haven/event-store';
import { ensureCheckpoint, migrateCheckpoints, projectEvent, readCheckpoint, rebuildReadModels, type Projection } from '@haven/projections';
import { roomDirectoryProjection } from '@haven/rooms/read-models/room-directory.projection';
import { roomMessagesProjection } from '@haven/rooms/read-models/room-messages.projection';
import { describeOnBothStores } from '../support/storage-suites';

/**
 * room_messages rebuilt by its set-based SQL (applyRangeFromEventsTable) must equal room_messages applied event by
 * event (apply), the way the live follower projects. Random histories over a few rooms and message ids make the
 * orderings the domain would refuse but a log may still hold: edits, deletes and redactions before a message's post,
 * a message id posted twice, an edit after a delete, and the same event types on streams that are not rooms.
 */

/** a small seeded generator (mulberry32), so a failing history can be run again */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STREAMS = ['room-a', 'room-b', 'room-c', 'ROOM-a', 'mentor-a'];
const MESSAGE_IDS = ['m1', 'm2', 'm3', 'm4', 'm5'];
const TEXTS = ["it's fine", 'plain', 'emoji 💙 and "quotes"', '', 'line\nbreak'];

function history(seed: number, count: number): { streamId: string; event: NewEvent }[] {
  const next = random(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
  const maybe = <T>(value: T): T | null => (next() < 0.5 ? null : value);
  const at = (i: number) => new Date(Date.UTC(2026, 0, 5, 10, 0, i)).toISOString();
  const out: { streamId: string; event: NewEvent }[] = [];
  for (let i = 0; i < count; i++) {
    const messageId = pick(MESSAGE_IDS);
    const roll = next();
    const [type, data]: [string, Record<string, unknown>] =
      roll < 0.35
        ? ['MessagePosted', { messageId, authorId: pick(['ann', 'bo']), text: pick(TEXTS), contentWarning: maybe('cw'), replyTo: maybe(pick(MESSAGE_IDS)), postedAt: at(i) }]
        : roll < 0.55
          ? ['MessageEdited', { messageId, authorId: 'ann', text: `${pick(TEXTS)} (edit ${i})`, contentWarning: maybe(`cw ${i}`), editedAt: at(i) }]
          : roll < 0.67
            ? ['MessageDeleted', { messageId, authorId: 'ann', deletedAt: at(i) }]
            : roll < 0.82
              ? ['MessageRedacted', { messageId, authorId: 'ann', reason: maybe(`reason ${i}`), by: pick(['fran', 'kim']), redactedAt: at(i) }]
              : roll < 0.92
                ? ['ReactionAdded', { messageId, userId: 'bo', emoji: '💙', reactedAt: at(i) }]
                : ['RoomRenamed', { name: `name ${i}`, by: 'fran', renamedAt: at(i) }];
    const commandId = randomUUID();
    out.push({
      streamId: pick(STREAMS),
      event: { id: randomUUID(), type, data, metadata: { actorId: 'ann', commandId, correlationId: commandId, causationId: null, occurredAt: at(i) } },
    });
  }
  return out;
}

const eventByEvent = (projection: Projection): Projection => ({ ...projection, applyRangeFromEventsTable: undefined });

/** the names of room_messages' indexes, as the database lists them */
async function indexesOfRoomMessages(storage: Storage): Promise<string[]> {
  const rows =
    storage.sql.dialect === 'sqlite'
      ? await storage.sql.query<{ name: string }>(`select name from sqlite_master where type = 'index' and tbl_name = 'room_messages' and sql is not null`)
      : await storage.sql.query<{ name: string }>(`select indexname as name from pg_indexes where tablename = 'room_messages' and schemaname = current_schema() and indexname <> 'room_messages_pkey'`);
  return rows.map((row) => row.name).sort();
}

async function dump(storage: Storage, table: string): Promise<string[]> {
  const rows = await storage.sql.query(`select * from ${table}`);
  return rows.map((row) => JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))).sort();
}

function inSqlSuite(open: () => Promise<Storage>) {
  let storage: Storage;
  beforeEach(async () => {
    storage = await open();
    await migrateCheckpoints(storage.sql);
    for (const projection of [roomMessagesProjection, roomDirectoryProjection]) {
      await projection.migrate(storage.sql);
      await ensureCheckpoint(storage.sql, projection.name);
    }
  });
  afterEach(() => storage.close());

  it.each([1, 2, 3, 4, 5, 6])('rebuilds random history %i into exactly the rows applied event by event', async (seed) => {
    // appended one event at a time, so streams interleave in the log as they would live
    for (const { streamId, event } of history(seed, 240)) await storage.events.append(streamId, [event], 'any');
    const head = await storage.events.headPosition();
    for (const recorded of await storage.events.readAll({ after: 0, limit: 10_000 })) {
      await projectEvent(storage.sql, [roomMessagesProjection, roomDirectoryProjection], recorded);
    }
    const live = await dump(storage, 'room_messages');
    const liveDirectory = await dump(storage, 'room_directory');
    expect(live.length).toBeGreaterThan(5);

    // in SQL only: all in one range, and in ranges of 7 positions, so rows carry over between ranges
    for (const commitEvery of [100_000, 7]) {
      const done = await rebuildReadModels(storage, [roomMessagesProjection], { commitEvery });
      expect(done).toEqual({ position: head, head, events: head });
      expect(await dump(storage, 'room_messages')).toEqual(live);
      expect(await readCheckpoint(storage.sql, 'room_messages')).toBe(head);
      // dropped before the inserts, built again after them
      expect(await indexesOfRoomMessages(storage)).toEqual(['room_messages_by_position']);
    }
    // beside a read model replayed event by event: the SQL runs over each transaction's range of the replay
    await rebuildReadModels(storage, [roomDirectoryProjection, roomMessagesProjection], { readBatch: 5, commitEvery: 11 });
    expect(await dump(storage, 'room_messages')).toEqual(live);
    expect(await dump(storage, 'room_directory')).toEqual(liveDirectory);
    // and event by event, as on KurrentDB, for the same rows
    await rebuildReadModels(storage, [eventByEvent(roomMessagesProjection)], { readBatch: 13, commitEvery: 50 });
    expect(await dump(storage, 'room_messages')).toEqual(live);
  });

  it('leaves the indexes it dropped to the next start when it fails, with the read model consistent with its checkpoint', async () => {
    for (const { streamId, event } of history(8, 40)) await storage.events.append(streamId, [event], 'any');
    const failing: Projection = {
      ...roomMessagesProjection,
      applyRangeFromEventsTable: async (tx, after, upTo, dialect) => {
        if (after > 0) throw new Error('disk full');
        await roomMessagesProjection.applyRangeFromEventsTable!(tx, after, upTo, dialect);
      },
    };
    await expect(rebuildReadModels(storage, [failing], { commitEvery: 20 })).rejects.toThrow('disk full');
    expect(await readCheckpoint(storage.sql, 'room_messages')).toBe(20);
    expect(await indexesOfRoomMessages(storage)).toEqual([]);
    await roomMessagesProjection.migrate(storage.sql); // as the API does at start
    expect(await indexesOfRoomMessages(storage)).toEqual(['room_messages_by_position']);
  });

  it('is not used where the events are not a table of the same database', async () => {
    const { events } = storage;
    for (const { streamId, event } of history(7, 40)) await events.append(streamId, [event], 'any');
    let reads = 0;
    const eventsElsewhere: Storage = {
      ...storage,
      eventsTableInSql: false,
      events: Object.assign(Object.create(events) as typeof events, {
        readAll: (options: Parameters<typeof events.readAll>[0]) => {
          reads++;
          return events.readAll(options);
        },
      }),
    };
    const inSql = await rebuildReadModels(storage, [roomMessagesProjection]);
    const rows = await dump(storage, 'room_messages');
    expect(reads).toBe(0);
    const replayed = await rebuildReadModels(eventsElsewhere, [roomMessagesProjection]);
    expect(reads).toBeGreaterThan(0);
    expect(replayed).toEqual(inSql);
    expect(await dump(storage, 'room_messages')).toEqual(rows);
  });
}

describeOnBothStores('room_messages rebuilt in SQL', inSqlSuite);
