import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStorage, openStorage, toSqlitePlaceholders, type SqliteDatabase, type Storage } from '@haven/event-store';
import { follow, newEvent, runEventStoreContract } from '@haven/event-store/testing/event-store.contract';

const directory = mkdtempSync(join(tmpdir(), 'haven-event-store-'));
const pathOf = new Map<Storage, string>();
let files = 0;

async function openAt(path: string): Promise<Storage> {
  const storage = await openStorage({ eventStore: 'sqlite', sqlitePath: path });
  pathOf.set(storage, path);
  return storage;
}

afterAll(() => rmSync(directory, { recursive: true, force: true }));

runEventStoreContract('sqlite', () => openAt(join(directory, `store-${++files}`, 'haven.sqlite')), {
  openSibling: (storage) => openAt(pathOf.get(storage)!),
});

describe('sqlite specifics', () => {
  it('rewrites $n to ?n outside quoted text', () => {
    expect(toSqlitePlaceholders(`SELECT $1, $12, '$1', "$2" FROM t WHERE a = $2`)).toBe(
      `SELECT ?1, ?12, '$1', "$2" FROM t WHERE a = ?2`,
    );
  });

  it('stores booleans as 0/1 and keeps the file across reopening', async () => {
    const path = join(directory, 'reopen', 'nested', 'haven.sqlite');
    const first = await openAt(path);
    await first.sql.execute('CREATE TABLE flags (id TEXT PRIMARY KEY, on_duty INTEGER NOT NULL)');
    await first.sql.execute('INSERT INTO flags VALUES ($1, $2), ($3, $4)', ['a', true, 'b', false]);
    await first.events.append('s', [newEvent()], 'no_stream');
    await first.close();

    const again = await openAt(path);
    expect(await again.sql.query('SELECT id, on_duty FROM flags ORDER BY id')).toEqual([
      { id: 'a', on_duty: 1 },
      { id: 'b', on_duty: 0 },
    ]);
    expect(await again.events.readStream('s')).toHaveLength(1);
    expect(await again.sql.query('SELECT name FROM haven_migrations')).toEqual([{ name: '0001-create-events' }]);
    await again.close();
  });

  it('refuses (instead of deadlocking) to use the shared connection from inside its own transaction', async () => {
    const storage = await openAt(join(directory, 'reentry.sqlite'));
    await expect(storage.sql.transaction(() => storage.events.append('s', [newEvent()], 'any'))).rejects.toThrow(
      /transaction executor/,
    );
    expect(await storage.events.headPosition()).toBe(0);
    await storage.close();
  });

  it('opens its connection with a page cache large enough for the read models\' indexes', async () => {
    const storage = await openAt(join(directory, 'cache.sqlite'));
    const { connection } = storage.sql as SqliteDatabase;
    expect(connection.pragma('cache_size', { simple: true })).toBe(-64 * 1024); // negative: KiB, not pages
    await storage.close();
  });

  it('checkpoints the WAL on a worker thread, never inside a commit on the event loop', async () => {
    const storage = await openAt(join(directory, 'checkpoints.sqlite'));
    const { connection } = storage.sql as SqliteDatabase;
    expect(connection.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const big = { text: 'x'.repeat(2000) };
    // about 2,000 pages of WAL: twice what SQLite's automatic checkpoint would have allowed
    for (let i = 0; i < 40; i++) {
      await storage.events.append(`s-${i}`, Array.from({ length: 100 }, () => newEvent('Big', big)), 'no_stream');
    }
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the worker checkpoints every 250 ms
    await storage.events.append('after', [newEvent()], 'no_stream'); // a write after a full checkpoint restarts the WAL
    const [{ log }] = connection.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    expect(log).toBeLessThan(50);
    await storage.close();
  });

  it('reads a backlog another process wrote batch after batch, without waiting for a poll between batches', async () => {
    const path = join(directory, 'backlog.sqlite');
    const writer = await openAt(path);
    await writer.events.append('backlog', Array.from({ length: 35 }, () => newEvent()), 'no_stream');
    // a poll far longer than the test may take: only reading on after a full batch can deliver all 35
    const reader = await openSqliteStorage(path, { batchSize: 10, pollIntervalMs: 600_000 });
    try {
      const follower = follow(reader);
      await follower.waitFor(35);
      expect(follower.seen.map((event) => event.position)).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
      await follower.subscription.stop();
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it('says kurrentdb needs its URL', async () => {
    await expect(openStorage({ eventStore: 'kurrentdb' })).rejects.toThrow(/needs kurrentdbUrl/);
  });
});
