import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleCommand } from '@haven/command-handling';
import type { Decider } from '@haven/domain';
import { openStorage, type Storage } from '@haven/event-store';

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

const add = (n: number, commandId: string): Add => ({
  type: 'Add',
  data: { n },
  context: { actor: { userId: 'u1', role: 'participant' }, commandId, now: new Date().toISOString() },
});

describe('the command handler on a real SQLite store', () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await openStorage({ eventStore: 'sqlite', sqlitePath: join(mkdtempSync(join(tmpdir(), 'haven-cmd-')), 'h.sqlite') });
  });
  afterAll(() => storage.close());

  it('folds only the events after the state it folded last time, and still decides on the whole stream', async () => {
    const { decider, calls } = counter();
    for (let i = 0; i < 50; i++) await handleCommand(storage.events, decider, 'counter-a', add(1, `c${i}`));
    // 50 commands folded 0+1+...+49 events without the cache; with it, each command folds only the one new event
    expect(calls.evolve).toBeLessThanOrEqual(50);
    await handleCommand(storage.events, decider, 'counter-a', add(60, 'big'));
    expect(await handleCommand(storage.events, decider, 'counter-a', add(1, 'after-100'))).toMatchObject({ events: [], position: null });
  });

  it('returns the first result for a repeated command id and appends nothing', async () => {
    const { decider } = counter();
    const first = await handleCommand(storage.events, decider, 'counter-b', add(5, 'same'));
    const head = await storage.events.headPosition();
    const again = await handleCommand(storage.events, decider, 'counter-b', add(5, 'same'));
    expect(again).toMatchObject({ replayed: true, position: first.position });
    expect(await storage.events.headPosition()).toBe(head);
  });

  it('folds correctly when another writer appended events this process never folded', async () => {
    const { decider } = counter();
    await handleCommand(storage.events, decider, 'counter-c', add(10, 'x1'));
    const other = counter();
    for (let i = 0; i < 9; i++) await handleCommand(storage.events, other.decider, 'counter-c', add(10, `y${i}`));
    // the first decider's cached fold is a prefix; it must fold the other writer's events too: 100 reached, nothing more
    expect(await handleCommand(storage.events, decider, 'counter-c', add(10, 'x2'))).toMatchObject({ events: [] });
  });
});
