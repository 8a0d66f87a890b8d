import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleCommand } from '@haven/command-handling';
import type { Decider } from '@haven/domain';
import { openStorage, type EventStore, type Storage } from '@haven/event-store';
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from '../support/postgres';
import { STORES } from '../support/stores';

type Add = { type: 'Add'; data: { n: number }; context: { actor: { userId: string; role: 'participant' }; commandId: string; now: string } };
type Added = { type: 'Added'; data: { n: number } };

/** A counter whose evolve counts its own calls, to see how much of a stream each command folds. */
function counter() {
  const calls = { evolve: 0 };
  const decider: Decider<Add, Added, number> = {
    initialState: () => 0,
    evolve: (total, event) => (calls.evolve++, total + event.data.n),
    decide: (command, total) => (total >= 100 ? [] : [{ type: 'Added', data: { n: command.data.n } }]),
  };
  return { decider, calls };
}

type Gated = { type: 'Open' | 'Close' | 'Pass'; data: Record<string, never>; context: Add['context'] };
type GateEvent = { type: 'Opened' | 'Closed' | 'Passed'; data: Record<string, never> };

/** A gate that refuses Pass while closed; two instances have separate fold caches, like two nodes. */
function gate() {
  const make = (): Decider<Gated, GateEvent, boolean> => ({
    initialState: () => false,
    evolve: (open, event) => (event.type === 'Opened' ? true : event.type === 'Closed' ? false : open),
    decide: (command, open) => {
      if (command.type === 'Open') return [{ type: 'Opened', data: {} }];
      if (command.type === 'Close') return [{ type: 'Closed', data: {} }];
      if (!open) throw new Error('the gate is closed');
      return [{ type: 'Passed', data: {} }];
    },
  });
  return { decider: make(), open: make() };
}

const gated = (type: Gated['type'], commandId: string): Gated => ({
  type,
  data: {},
  context: { actor: { userId: 'u1', role: 'participant' }, commandId, now: new Date().toISOString() },
});

const add = (n: number, commandId: string): Add => ({
  type: 'Add',
  data: { n },
  context: { actor: { userId: 'u1', role: 'participant' }, commandId, now: new Date().toISOString() },
});

/** The real store, recording which revision each readStream started from. */
function recordingReads(store: EventStore): { store: EventStore; reads: number[]; rows: number[] } {
  const reads: number[] = [];
  const rows: number[] = [];
  const recording = Object.create(store) as EventStore;
  recording.readStream = async (streamId, options) => {
    reads.push(options?.fromRevision ?? 0);
    const events = await store.readStream(streamId, options);
    rows.push(events.length);
    return events;
  };
  return { store: recording, reads, rows };
}

describe.each(STORES)('the command handler on a real %s store', (kind) => {
  let storage: Storage;
  const schema = uniqueSchema('cmd');
  const open = () =>
    kind === 'sqlite'
      ? openStorage({ eventStore: 'sqlite', sqlitePath })
      : openStorage({ eventStore: 'postgres', databaseUrl: TEST_DATABASE_URL, postgresSchema: schema });
  const sqlitePath = join(mkdtempSync(join(tmpdir(), 'haven-cmd-')), 'h.sqlite');
  beforeAll(async () => {
    storage = await open();
  });
  afterAll(async () => {
    await storage.close();
    if (kind === 'postgres') await dropSchema(schema);
  });

  it('folds only the events after the state it folded last time, and still decides on the whole stream', async () => {
    const { decider, calls } = counter();
    for (let i = 0; i < 50; i++) await handleCommand(storage.events, decider, 'counter-a', add(1, `c${i}`));
    // 50 commands folded 0+1+...+49 events without the cache; with it, each command folds only the one new event
    expect(calls.evolve).toBeLessThanOrEqual(50);
    await handleCommand(storage.events, decider, 'counter-a', add(60, 'big'));
    expect(await handleCommand(storage.events, decider, 'counter-a', add(1, 'after-100'))).toMatchObject({ events: [], position: null });
  });

  it('decides on the fold it cached without reading the stream again, and reads only the tail after a conflict', async () => {
    const { decider } = counter();
    const { store, reads, rows } = recordingReads(storage.events);
    for (let i = 0; i < 30; i++) await handleCommand(store, decider, 'counter-tail', add(1, `t${i}`));
    // only the first command reads (the empty stream); the others decide on the fold their predecessor left
    expect(reads).toEqual([0]);

    // another writer (its own fold cache) appends: the next command's append is refused and it reads from the last
    // event it knows, not the whole stream
    await handleCommand(storage.events, counter().decider, 'counter-tail', add(1, 'elsewhere'));
    const result = await handleCommand(store, decider, 'counter-tail', add(1, 't30'));
    expect(result.events.map((event) => event.revision)).toEqual([31]);
    expect(reads).toEqual([0, 29]);
    expect(rows).toEqual([0, 2]);
  });

  it('answers a refusal only from a fresh read: an event this node has not folded may allow the command', async () => {
    const { decider, open: reopen } = gate();
    await handleCommand(storage.events, decider, 'gate-a', gated('Open', 'o1'));
    await handleCommand(storage.events, decider, 'gate-a', gated('Close', 'c1'));
    // another writer (its own cache) opens the gate again; this node's cached fold still says closed
    await handleCommand(storage.events, reopen, 'gate-a', gated('Open', 'o2'));
    const passed = await handleCommand(storage.events, decider, 'gate-a', gated('Pass', 'p1'));
    expect(passed.events.map((event) => event.type)).toEqual(['Passed']);
    // and a refusal that holds on the fresh read is still a refusal
    await handleCommand(storage.events, decider, 'gate-a', gated('Close', 'c2'));
    await expect(handleCommand(storage.events, decider, 'gate-a', gated('Pass', 'p2'))).rejects.toThrow('the gate is closed');
  });

  it('returns the first result for a repeated command id and appends nothing', async () => {
    const { decider } = counter();
    const first = await handleCommand(storage.events, decider, 'counter-b', add(5, 'same'));
    const head = await storage.events.headPosition();
    const again = await handleCommand(storage.events, decider, 'counter-b', add(5, 'same'));
    expect(again).toMatchObject({ replayed: true, position: first.position });
    expect(await storage.events.headPosition()).toBe(head);
  });

  it('finds a repeated command id far back in the stream, and after a restart with nothing cached', async () => {
    const { decider } = counter();
    const first = await handleCommand(storage.events, decider, 'counter-d', add(1, 'early'));
    for (let i = 0; i < 20; i++) await handleCommand(storage.events, decider, 'counter-d', add(1, `d${i}`));
    const again = await handleCommand(storage.events, decider, 'counter-d', add(1, 'early'));
    expect(again.replayed).toBe(true);
    expect(again.events.map((event) => event.id)).toEqual(first.events.map((event) => event.id));

    const restarted = await open();
    try {
      const afterRestart = await handleCommand(restarted.events, counter().decider, 'counter-d', add(1, 'early'));
      expect(afterRestart.events.map((event) => event.id)).toEqual(first.events.map((event) => event.id));
      expect((await restarted.events.readStream('counter-d')).length).toBe(21);
    } finally {
      await restarted.close();
    }
  });

  it('folds correctly when another writer appended events this process never folded', async () => {
    const { decider } = counter();
    await handleCommand(storage.events, decider, 'counter-c', add(10, 'x1'));
    const other = counter();
    for (let i = 0; i < 9; i++) await handleCommand(storage.events, other.decider, 'counter-c', add(10, `y${i}`));
    // the first decider's cached fold is a prefix; it must fold the other writer's events too: 100 reached, nothing more
    expect(await handleCommand(storage.events, decider, 'counter-c', add(10, 'x2'))).toMatchObject({ events: [] });
  });

  it('runs racing commands to one stream one at a time on a node: no append is refused and retried', async () => {
    const { decider } = counter();
    let appends = 0;
    const counting = Object.create(storage.events) as EventStore;
    counting.append = (...args) => (appends++, storage.events.append(...args));
    await Promise.all(Array.from({ length: 12 }, (_, i) => handleCommand(counting, decider, 'counter-queue', add(1, `q${i}`))));
    expect(appends).toBe(12);
    expect((await storage.events.readStream('counter-queue')).length).toBe(12);
  });

  it('lands every one of many commands racing for one stream from two nodes (conflicts retried after a random wait)', async () => {
    const { decider } = counter();
    const otherNode = await open(); // its own store instance, as another API process would have
    try {
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          handleCommand(i % 2 === 0 ? storage.events : otherNode.events, decider, 'counter-race', add(1, `r${i}`)),
        ),
      );
      expect(results.every((result) => result.events.length === 1 && !result.replayed)).toBe(true);
      const stored = await storage.events.readStream('counter-race');
      expect(stored.map((event) => event.revision)).toEqual(Array.from({ length: 16 }, (_, i) => i));
      expect(new Set(stored.map((event) => event.metadata.commandId)).size).toBe(16);
    } finally {
      await otherNode.close();
    }
  });
});
