import { randomUUID } from 'node:crypto';
import type { Storage } from '@haven/event-store';
import { ensureCheckpoint, prepareReadModels, projectEvent, readCheckpoint, rebuildReadModel, rebuildReadModels, type Projection } from '@haven/projections';
import { roomDirectoryProjection } from '@haven/rooms/read-models/room-directory.projection';
import { roomMessagesProjection } from '@haven/rooms/read-models/room-messages.projection';
import { describeOnBothStores } from '../support/storage-suites';
import { READ_MODELS, appendAll, dump, event, eventByEvent, pairRoomLife, familySessionRoomLife, positionsSeen, projectLive, roomLife } from './read-model-fixtures';

/**
 * The live follower's way from `after` to the head, then a full rebuild of every read model, which must leave exactly
 * the tables the follower did; the live tables, for further checks.
 */
async function expectRebuildToMatchLive(storage: Storage, after = 0, appendedHere = false): Promise<Record<string, string[]>> {
  await projectLive(storage, after, appendedHere);
  const live = await dump(storage);
  await rebuildReadModels(storage, READ_MODELS);
  expect(await dump(storage)).toEqual(live);
  return live;
}

function rebuildSuite(open: () => Promise<Storage>) {
  let storage: Storage;
  beforeEach(async () => {
    storage = await open();
    // as the log follower starts: tables, and checkpoints at 0 of each read model's version
    await prepareReadModels(storage.sql, READ_MODELS);
  });
  afterEach(() => storage.close());

  it('rebuilds every read model in one pass into exactly the live tables, checkpoints at the head', async () => {
    await appendAll(storage);
    await projectLive(storage);
    const live = await dump(storage);
    expect(live.room_messages).toHaveLength(18);

    // small reads and commits, so batches and transactions end in the middle of rooms
    const progress: number[] = [];
    const done = await rebuildReadModels(storage, READ_MODELS, { readBatch: 4, commitEvery: 9, onProgress: (p) => progress.push(p.position) });
    const head = await storage.events.headPosition();
    expect(done).toEqual({ position: head, head, events: head });
    expect(progress[progress.length - 1]).toBe(head);
    expect(await dump(storage)).toEqual(live);
    for (const projection of READ_MODELS) expect(await readCheckpoint(storage.sql, projection.name)).toBe(head);
  });

  it('reads only the event types the replayed read models handle, and still checkpoints at the head', async () => {
    await appendAll(storage);
    // the log ends with events room_directory does not handle
    const roomId = randomUUID();
    await storage.events.append(`room-${roomId}`, roomLife(roomId).slice(0, 10), 'no_stream');
    await projectLive(storage);
    const live = await dump(storage);
    const head = await storage.events.headPosition();
    const { events } = storage;
    const asked: (readonly string[] | undefined)[] = [];
    const watched: Storage = {
      ...storage,
      events: Object.assign(Object.create(events) as typeof events, {
        readAll: (options: Parameters<typeof events.readAll>[0]) => {
          asked.push(options.types);
          return events.readAll(options);
        },
      }),
    };
    const done = await rebuildReadModels(watched, [roomDirectoryProjection], { readBatch: 4, commitEvery: 9 });
    expect(done).toEqual({ position: head, head, events: head });
    expect(await readCheckpoint(storage.sql, 'room_directory')).toBe(head);
    expect(new Set(asked.map((types) => JSON.stringify(types)))).toEqual(new Set([JSON.stringify(roomDirectoryProjection.eventTypes)]));
    expect(await dump(storage)).toEqual(live);
  });

  it("rebuilds a mentor pair's room into exactly the live tables", async () => {
    const roomId = randomUUID();
    await storage.events.append(`room-${roomId}`, pairRoomLife(roomId), 'no_stream');
    await appendAll(storage);
    const live = await expectRebuildToMatchLive(storage);
    const [directory] = await storage.sql.query(`select kind, join_rule, member_count, created_by, archived from room_directory where room_id = $1`, [roomId]);
    expect({ ...directory, member_count: Number(directory.member_count), archived: Number(directory.archived) }).toEqual({
      kind: 'mentor_pair', join_rule: 'closed', member_count: 2, created_by: 'system', archived: 1,
    });
    const periods = await storage.sql.query(`select user_id, moderator, from_position from room_membership_periods where room_id = $1 order by user_id`, [roomId]);
    expect(periods.map((p) => [p.user_id, Number(p.moderator), Number(p.from_position)])).toEqual([['alice', 0, 1], ['max', 0, 1]]);
    expect(live.room_messages).toHaveLength(20);
  });

  it("rebuilds a family session's room into exactly the live tables", async () => {
    const roomId = randomUUID();
    await storage.events.append(`room-${roomId}`, familySessionRoomLife(roomId), 'no_stream');
    await appendAll(storage);
    await expectRebuildToMatchLive(storage);
    const [directory] = await storage.sql.query(`select kind, join_rule, capacity, member_count, created_by, archived from room_directory where room_id = $1`, [roomId]);
    expect({ ...directory, capacity: Number(directory.capacity), member_count: Number(directory.member_count), archived: Number(directory.archived) }).toEqual({
      kind: 'family_session', join_rule: 'closed', capacity: 12, member_count: 2, created_by: 'system', archived: 1,
    });
    const periods = await storage.sql.query(
      `select user_id, global_role, moderator, from_position, to_position from room_membership_periods where room_id = $1 order by from_position, user_id`,
      [roomId],
    );
    expect(periods.map((p) => [p.user_id, p.global_role, Number(p.moderator), Number(p.from_position), p.to_position === null ? null : Number(p.to_position)])).toEqual([
      ['alice', 'participant', 0, 1, null],
      ['dr-kim', 'clinician', 1, 1, null],
      ['family-inv-1', 'family', 0, 2, 7],
      ['family-inv-2', 'family', 0, 8, 9],
    ]);
  });

  it('keeps live projection exactly-once after a rebuild, and rebuilds one read model alone', async () => {
    await appendAll(storage);
    await projectLive(storage);
    await rebuildReadModel(storage, roomMessagesProjection);
    const head = await storage.events.headPosition();
    // the follower replays from an older position: events already applied are skipped by the checkpoints
    await projectLive(storage, head - 5);
    await appendAll(storage);
    await expectRebuildToMatchLive(storage, head);
  });

  it('leaves an interrupted rebuild consistent with its checkpoint, so the live follower finishes it', async () => {
    await appendAll(storage);
    let applied = 0;
    const failing: Projection = {
      ...roomMessagesProjection,
      applyRangeFromEventsTable: undefined,
      eventTypes: undefined,
      apply: async (tx, recorded) => {
        if (++applied === 30) throw new Error('disk full');
        await roomMessagesProjection.apply(tx, recorded);
      },
    };
    await expect(rebuildReadModels(storage, [failing], { readBatch: 4, commitEvery: 9 })).rejects.toThrow('disk full');
    const checkpoint = await readCheckpoint(storage.sql, 'room_messages');
    expect(checkpoint).toBe(24); // two transactions of 12 events committed, the third rolled back
    await expectRebuildToMatchLive(storage);
  });

  it('stops at a failing read of the log with that error, consistent with its checkpoint (reads start ahead)', async () => {
    await appendAll(storage);
    const { events } = storage;
    let reads = 0;
    const lostConnection: Storage = {
      ...storage,
      events: Object.assign(Object.create(events) as typeof events, {
        readAll: (options: Parameters<typeof events.readAll>[0]) =>
          ++reads === 4 ? Promise.reject(new Error('connection lost')) : events.readAll(options),
      }),
    };
    // reads of 4, transactions of 12 events: the 4th read is started ahead, while the first transaction's last writes
    // are sent, and fails where the second transaction awaits it
    await expect(rebuildReadModels(lostConnection, [eventByEvent(roomMessagesProjection)], { readBatch: 4, commitEvery: 9 })).rejects.toThrow(
      'connection lost',
    );
    expect(reads).toBe(4);
    expect(await readCheckpoint(storage.sql, 'room_messages')).toBe(12);
    await expectRebuildToMatchLive(storage);
  });

  it('projects the events this node appended with their claims sent with the writes, into the same tables', async () => {
    await appendAll(storage);
    const live = await expectRebuildToMatchLive(storage, 0, true);
    expect(live.room_messages).toHaveLength(18);
  });

  it('applies an event this node appended once to each read model, after another node applied it to some or all', async () => {
    const [a, b] = [positionsSeen('a'), positionsSeen('b')];
    for (const projection of [a, b]) {
      await projection.migrate(storage.sql);
      await ensureCheckpoint(storage.sql, projection.name);
    }
    await storage.events.append('s', [event('Noted', {}), event('Noted', {}), event('Noted', {})], 'no_stream');
    const [first, second, third] = await storage.events.readAll({ after: 0 });
    // this node first: both read models in one transaction
    await projectEvent(storage.sql, [a, b], first, { appendedHere: true });
    // another node (claiming the ordinary way) projected the second event first
    await projectEvent(storage.sql, [a, b], second);
    await projectEvent(storage.sql, [a, b], second, { appendedHere: true });
    // another node applied the third to one read model only
    await projectEvent(storage.sql, [a], third);
    await projectEvent(storage.sql, [a, b], third, { appendedHere: true });

    for (const name of ['a', 'b']) {
      const rows = await storage.sql.query<{ position: number | string }>(`select position from seen_${name} order by position`);
      expect(rows.map((row) => Number(row.position))).toEqual([first.position, second.position, third.position]);
      expect(await readCheckpoint(storage.sql, name)).toBe(third.position);
    }
  });

  it('refuses a read model named twice (it would be applied twice)', async () => {
    await expect(rebuildReadModels(storage, [roomDirectoryProjection, roomDirectoryProjection])).rejects.toThrow(/twice/);
  });
}

describeOnBothStores('rebuilding read models', rebuildSuite);
