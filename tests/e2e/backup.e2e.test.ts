import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppProcess, freshData, TEST_JWT_SECRET, TEST_PERSONAL_DATA_KEY, type AppData } from '../support/app-process';
import { readLog } from '../support/event-log';
import { dumpTables } from '../support/read-model-dump';
import { closeAllClients, closeClientsAndAppAfterEach, connect } from '../support/sockets';
import { caughtUp } from '../support/stores';
import { history, post, roomWithAliceAndBob } from './rooms/rooms-helpers';

/*
 * `npm run backup -- --to <file>` copies the SQLite database while the API runs and writes (README, "Backups"). The
 * copy is what a clinic would restore: an API started on it serves the same history, and its log is the original's up
 * to the moment of the copy.
 */

const cli = join(__dirname, '..', '..', 'dist', 'apps', 'api', 'src', 'cli', 'backup.js');

async function backup(env: Record<string, string>, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('backup of the SQLite database while the API runs', () => {
  let app: AppProcess | undefined;
  closeClientsAndAppAfterEach(() => app);

  it('writes a copy an API starts on with the same history, while posts keep coming', async () => {
    const data = freshData('sqlite');
    app = await AppProcess.start(data);
    const { alice, bob, roomId } = await roomWithAliceAndBob(app);
    const before: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      before.push(`before the copy ${i}`);
      await post(alice, roomId, before[i]);
    }
    await caughtUp(app.url);

    // bob keeps posting while the copy is made: the copy is one consistent moment of a database being written
    let posting = true;
    const during = (async () => {
      for (let i = 0; posting && i < 500; i += 1) await post(bob, roomId, `during the copy ${i}`);
    })();
    const target = join(mkdtempSync(join(tmpdir(), 'haven-backup-')), 'copy', 'haven.sqlite');
    const made = await backup(data.env, ['--to', target]);
    posting = false;
    await during;
    expect(made).toMatchObject({ code: 0, stderr: '' });
    expect(made.stdout).toMatch(/backed up .* to .*haven\.sqlite: .* MiB, \d+ events \(head position \d+\), \d+ person keys/);

    // the copy's log is the original's, up to some position, event for event
    const copied: AppData = { store: 'sqlite', env: { EVENT_STORE: 'sqlite', SQLITE_PATH: target } };
    const [originalLog, copiedLog] = [await readLog(data), await readLog(copied)];
    expect(copiedLog.length).toBeGreaterThanOrEqual(before.length);
    expect(copiedLog).toEqual(originalLog.slice(0, copiedLog.length));
    // the read models and keys came with it (keys wrapped: the copy opens only with the master key)
    const keys = (await dumpTables(copied, ['personal_data_keys'])).personal_data_keys;
    expect(keys.length).toBeGreaterThan(0);
    for (const row of keys) expect(JSON.parse(row as string).secret).toMatch(/^mk:v1:/);

    // restored: an API on the copy serves the history written before it
    closeAllClients();
    await app.stop();
    app = await AppProcess.start(copied, { PERSONAL_DATA_KEY: TEST_PERSONAL_DATA_KEY });
    const reader = await connect(app, 'bob', 'participant');
    const texts = (await history(app, reader, roomId, { after: 0, limit: 100 })).map((m) => m.text);
    expect(texts).toEqual(expect.arrayContaining(before));
  });

  it('refuses to overwrite, to copy the database onto itself, and a missing --to, each with one line', async () => {
    const data = freshData('sqlite');
    app = await AppProcess.start(data);
    await caughtUp(app.url);
    const existing = join(mkdtempSync(join(tmpdir(), 'haven-backup-')), 'there.sqlite');
    writeFileSync(existing, 'keep me');
    expect(await backup(data.env, ['--to', existing])).toMatchObject({ code: 1, stderr: expect.stringContaining('exists already; backup never overwrites') });
    expect(await backup(data.env, ['--to', data.env.SQLITE_PATH])).toMatchObject({ code: 1, stderr: expect.stringContaining('names the database itself') });
    expect(await backup(data.env, [])).toMatchObject({ code: 1, stderr: expect.stringContaining('--to <file>') });
  });

  it('on PostgreSQL, points to pg_dump instead', async () => {
    const made = await backup({ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', POSTGRES_SCHEMA: 'clinic' }, ['--to', '/tmp/never.sqlite']);
    expect(made).toMatchObject({ code: 1, stderr: expect.stringContaining('pg_dump --schema=clinic') });
  });
});
