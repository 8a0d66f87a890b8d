import { openStorage, type RecordedEvent, type Storage } from '@haven/event-store';
import { personStreamName } from '@haven/personal-data/domain/person.events';
import {
  catchUpReadModels,
  prepareReadModels,
  projectEvent,
  readCheckpoint,
  setCheckpoint,
  type Projection,
} from '@haven/projections';
import { LogFollower } from '@haven/realtime/log-follower';
import { describeWithPostgres, dropSchema, TEST_DATABASE_URL, uniqueSchema } from '../support/postgres';
import { describeOnBothStores } from '../support/storage-suites';
import { READ_MODELS, appendAll, dump, event, eventByEvent, positionsSeen, projectLive } from './read-model-fixtures';

/**
 * A node starting with read models behind its log (new ones, or of a new version: prepareReadModels dropped them)
 * brings them up to the log's head in large transactions (catchUpReadModels), then follows live. The read models must
 * end exactly as the live follower, one event per transaction, leaves them; each event applied once and in order, with
 * other nodes catching up or projecting at the same time.
 */

/** as a node readies its read models at start */
async function readied(storage: Storage, readModels: readonly Projection[]): Promise<Storage> {
  await prepareReadModels(storage.sql, readModels);
  return storage;
}

/** every read model emptied and back at position 0, as prepareReadModels leaves one of a new version */
async function dropToZero(storage: Storage, readModels: readonly Projection[]): Promise<void> {
  await storage.sql.transaction(async (tx) => {
    for (const projection of readModels) {
      for (const table of projection.tables) await tx.execute(`delete from ${table}`);
      await setCheckpoint(tx, projection.name, 0);
    }
  });
}

/** the live follower's way over the log's first `count` events, for some read models only; the last one's position */
async function projectFirst(storage: Storage, readModels: readonly Projection[], count: number): Promise<number> {
  const events = await storage.events.readAll({ after: 0, limit: count });
  for (const recorded of events) await projectEvent(storage.sql, readModels, recorded);
  return events[events.length - 1].position;
}

describeOnBothStores('catching read models up at start', (open) => {
  let storage: Storage;
  beforeEach(async () => {
    storage = await readied(await open(), READ_MODELS);
  });
  afterEach(() => storage.close());

  it.each([
    ['by set-based SQL where a read model has it', READ_MODELS, true],
    ['event by event', READ_MODELS.map(eventByEvent), true],
    // as on KurrentDB, whose positions are far apart: transactions counted in events read
    ['from a log outside the database', READ_MODELS, false],
  ])('%s: read models at 0 and part of the way end exactly as live at the head, meeting on the way', async (_how, readModels, logInDatabase) => {
    await appendAll(storage);
    await projectLive(storage);
    const live = await dump(storage);
    const head = await storage.events.headPosition();

    await dropToZero(storage, readModels);
    const partWay = readModels.filter((_, i) => i % 2 === 0);
    const middle = await projectFirst(storage, partWay, Math.floor(head / 2));
    const moves: number[] = [];
    // small transactions and reads, so that both end in the middle of rooms
    const log: Storage = { ...storage, eventsTableInSql: logInDatabase && storage.eventsTableInSql };
    await catchUpReadModels(log, readModels, head, { eventsPerTransaction: 7, readBatch: 4, onProgress: ({ position }) => moves.push(position) });

    expect(await dump(storage)).toEqual(live);
    for (const projection of readModels) expect(await readCheckpoint(storage.sql, projection.name)).toBe(head);
    // those at 0 went alone up to the others' checkpoint, then all went on together
    expect(moves).toContain(middle);
    expect(moves[moves.length - 1]).toBe(head);
    expect(moves.every((position, i) => i === 0 || position > moves[i - 1])).toBe(true);
  });

  it('goes no further than it is asked, and does nothing to read models already there', async () => {
    await appendAll(storage);
    const upTo = await projectFirst(storage, READ_MODELS, 12);
    const asked: number[] = [];
    await catchUpReadModels(storage, READ_MODELS, upTo, { onProgress: ({ position }) => asked.push(position) });
    expect(asked).toEqual([]);

    await dropToZero(storage, READ_MODELS);
    await catchUpReadModels(storage, READ_MODELS, upTo);
    for (const projection of READ_MODELS) expect(await readCheckpoint(storage.sql, projection.name)).toBe(upTo);
    // the live follower takes it from there
    await projectLive(storage, upTo);
    const caughtUp = await dump(storage);
    await dropToZero(storage, READ_MODELS);
    await projectLive(storage);
    expect(caughtUp).toEqual(await dump(storage));
  });

  it('stops between transactions when asked, each read model consistent with its checkpoint', async () => {
    await appendAll(storage);
    await projectLive(storage);
    const live = await dump(storage);
    const head = await storage.events.headPosition();
    await dropToZero(storage, READ_MODELS);
    let asked = 0;
    await catchUpReadModels(storage, READ_MODELS, head, { eventsPerTransaction: 5, stopped: () => ++asked > 2 });
    for (const projection of READ_MODELS) expect(await readCheckpoint(storage.sql, projection.name)).toBe(10);
    await projectLive(storage, 0);
    expect(await dump(storage)).toEqual(live);
  });

  it('lets the event loop turn between transactions (on SQLite nothing else in it waits for one)', async () => {
    await appendAll(storage);
    let done = false;
    const catchingUp = catchUpReadModels(storage, READ_MODELS, await storage.events.headPosition(), { eventsPerTransaction: 10 }).then(() => (done = true));
    const turnedBeforeDone = await new Promise<boolean>((resolve) => setImmediate(() => resolve(!done)));
    await catchingUp;
    expect(turnedBeforeDone).toBe(true);
  });

  it('rolls back the transaction a failing read model was in, and keeps what was committed before it', async () => {
    await appendAll(storage);
    const head = await storage.events.headPosition();
    const [a, b] = [positionsSeen('a'), positionsSeen('b')];
    await readied(storage, [a, b]);
    let applied = 0;
    const failing: Projection = { ...b, apply: async (tx, recorded) => (++applied === 8 ? Promise.reject(new Error('disk full')) : b.apply(tx, recorded)) };
    await expect(catchUpReadModels(storage, [a, failing], head, { eventsPerTransaction: 5 })).rejects.toThrow('disk full');
    expect(await readCheckpoint(storage.sql, 'a')).toBe(5);
    expect(await readCheckpoint(storage.sql, 'b')).toBe(5);
    await catchUpReadModels(storage, [a, b], head, { eventsPerTransaction: 5 });
    for (const name of ['a', 'b']) {
      const rows = await storage.sql.query<{ position: number | string }>(`select position from seen_${name} order by position`);
      expect(rows.map((row) => Number(row.position))).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    }
  });
});

describeOnBothStores('a node that starts behind its log', (open) => {
  let storage: Storage;
  beforeEach(async () => {
    storage = await readied(await open(), READ_MODELS);
  });
  afterEach(() => storage.close());

  const erasure = (userId: string) => event('PersonalDataErased', { userId, keyIds: [`key-${userId}`], erasedAt: '2026-01-05T10:00:00.000Z' }, 'admin');

  it('catches up without delivering, shows what it observes only the erasures, is healthy meanwhile, then follows live', async () => {
    await appendAll(storage);
    await storage.events.append(personStreamName('bob'), [erasure('bob')], 'no_stream');
    await appendAll(storage);
    await projectLive(storage);
    const live = await dump(storage);
    const head = await storage.events.headPosition();
    // as after an upgrade that changed two read models
    const renewed = READ_MODELS.filter((projection) => ['room_messages', 'erasure_requests'].includes(projection.name));
    await dropToZero(storage, renewed);

    const observed: { event: RecordedEvent; healthy: boolean }[] = [];
    const logged: string[] = [];
    const outbound = {
      reveal: async <T>(value: T) => value,
      observe: async (event: RecordedEvent) => void observed.push({ event, healthy: follower.healthy }),
      observedTypes: ['PersonalDataErased'],
    };
    const follower: LogFollower = new LogFollower(storage, READ_MODELS, [], { log: (message) => logged.push(message), error: (message) => logged.push(message) }, outbound);
    await follower.start(undefined as never);
    try {
      await follower.whenReadModelsReady();
      // told of bob's erasure while catching up, and healthy then
      expect(observed.map(({ event, healthy }) => [event.type, event.data.userId, healthy])).toEqual([['PersonalDataErased', 'bob', true]]);
      expect(follower.position).toBe(head);
      expect(await dump(storage)).toEqual(live);
      expect(logged).toEqual(['log follower catching up before it attaches sockets', 'log follower caught up']);

      // then live, event by event, erasures included
      await storage.events.append(personStreamName('carol'), [erasure('carol')], 'no_stream');
      await appendAll(storage);
      await follower.waitFor(await storage.events.headPosition(), 10_000);
      expect(follower.position).toBe(await storage.events.headPosition());
      // live, every event goes by what observes (it picks what it acts on)
      expect(observed.filter(({ event }) => event.type === 'PersonalDataErased').map(({ event }) => event.data.userId)).toEqual(['bob', 'carol']);
      expect(observed.length).toBeGreaterThan(2);
      const followed = await dump(storage);
      await dropToZero(storage, READ_MODELS);
      await projectLive(storage);
      expect(followed).toEqual(await dump(storage));
      expect(follower.healthy).toBe(true);
    } finally {
      await follower.stop();
    }
  });
});

describeWithPostgres('nodes catching up at the same time, on PostgreSQL', () => {
  const schema = uniqueSchema('catch_up');
  afterAll(() => dropSchema(schema));

  it('two catching up and one projecting event by event apply every event once, in order, to every read model', async () => {
    const nodes = await Promise.all([1, 2, 3].map(() => openStorage({ eventStore: 'postgres', databaseUrl: TEST_DATABASE_URL, postgresSchema: schema })));
    try {
      const readModels = ['a', 'b', 'c'].map(positionsSeen);
      const [first, second, third] = nodes;
      await readied(first, readModels);
      for (let i = 0; i < 6; i++) await appendAll(first);
      const head = await first.events.headPosition();
      // c is part of the way already
      await projectFirst(first, [readModels[2]], Math.floor(head / 3));
      const eventByEventNode = (async () => {
        for (const recorded of await third.events.readAll({ after: 0, limit: head })) await projectEvent(third.sql, readModels, recorded);
      })();
      await Promise.all([
        catchUpReadModels(first, readModels, head, { eventsPerTransaction: 9 }),
        catchUpReadModels(second, readModels, head, { eventsPerTransaction: 13 }),
        eventByEventNode,
      ]);
      for (const name of ['a', 'b', 'c']) {
        const rows = await first.sql.query<{ position: number | string }>(`select position from seen_${name} order by position`);
        expect(rows.map((row) => Number(row.position))).toEqual((await first.events.readAll({ after: 0, limit: head })).map((e) => e.position));
        expect(await readCheckpoint(first.sql, name)).toBe(head);
      }
    } finally {
      for (const node of nodes) await node.close();
    }
  });
});
