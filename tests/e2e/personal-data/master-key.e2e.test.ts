import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { MasterKeys } from '@haven/personal-data/master-keys';
import { AppProcess, freshData, type AppData } from '../../support/app-process';
import { readLog } from '../../support/event-log';
import { storedBytes, walPosition } from '../../support/postgres';
import { dumpTables } from '../../support/read-model-dump';
import { closeAllClients, closeClientsAndAppAfterEach, connect } from '../../support/sockets';
import { caughtUp, STORES } from '../../support/stores';
import { history, post, roomWithAliceAndBob, waitInRoom } from '../rooms/rooms-helpers';

/*
 * Person keys are stored wrapped under the master key (PERSONAL_DATA_KEY), which lives in the deployment's secrets and
 * never in the database: the database alone opens nothing. Rotating the master key rewraps every key at the next
 * start; then the old master key opens nothing, which is how an erasure reaches backups and leftover bytes.
 */

const newMasterKey = () => randomBytes(32).toString('base64');

const keyRows = async (data: AppData) =>
  (await dumpTables(data, ['personal_data_keys'])).personal_data_keys.map((row) => JSON.parse(row as string) as { key_id: string; secret: string | null });

describe.each(STORES)('person keys wrapped under the master key, on %s', (store) => {
  let app: AppProcess;
  closeClientsAndAppAfterEach(() => app);

  it('the database holds no person key as it is; a rotation rewraps them all at start, and the old master key then opens nothing', async () => {
    const data = freshData(store);
    const [first, second] = [newMasterKey(), newMasterKey()];
    const walAtStart = store === 'postgres' ? await walPosition() : '';
    app = await AppProcess.start(data, { PERSONAL_DATA_KEY: first });
    const { alice, bob, roomId } = await roomWithAliceAndBob(app);
    const words = `the pharmacy on 5th, ask for ${randomUUID()}`;
    await post(alice, roomId, words);
    await waitInRoom(bob, roomId, 'MessagePosted');
    await caughtUp(app.url);

    // each row holds its key wrapped under the first master key; the key itself, in base64 or as bytes, is nowhere
    const rows = await keyRows(data);
    const firstId = MasterKeys.fromBase64(first).current.id;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.secret).toMatch(new RegExp(`^mk:v1:${firstId}:`));
    // the files as they are on disk: SQLite's and its WAL; PostgreSQL's tables, indexes and WAL since the test began
    const files =
      store === 'sqlite'
        ? [data.env.SQLITE_PATH, `${data.env.SQLITE_PATH}-wal`].filter(existsSync).map((file) => ({ file, bytes: readFileSync(file) }))
        : await storedBytes(data.env.POSTGRES_SCHEMA, walAtStart);
    for (const row of rows) {
      // the wrapped form is in there (these are the right files), the key it wraps is not
      expect(files.some(({ bytes }) => bytes.includes(Buffer.from(row.secret!)))).toBe(true);
      const personKey = MasterKeys.fromBase64(first).unwrap(row.key_id, row.secret!);
      for (const { file, bytes } of files) {
        expect({ file, raw: bytes.includes(personKey) }).toEqual({ file, raw: false });
        expect({ file, base64: bytes.includes(Buffer.from(personKey.toString('base64'))) }).toEqual({ file, base64: false });
      }
    }
    // someone holding the database but another master key opens nothing
    await expect(readLog(data, { masterKey: second })).rejects.toThrow(/neither PERSONAL_DATA_KEY nor PERSONAL_DATA_PREVIOUS_KEYS/);

    // the rotation: the new key current, the old one previous; every key is rewrapped at start, and the words still read
    closeAllClients();
    await app.stop();
    app = await AppProcess.start(data, { PERSONAL_DATA_KEY: second, PERSONAL_DATA_PREVIOUS_KEYS: first, LOG_LEVEL: 'info' });
    const secondId = MasterKeys.fromBase64(second).current.id;
    expect(app.logs).toContain(`wrapped ${rows.length} personal data keys under master key ${secondId}`);
    for (const row of await keyRows(data)) expect(row.secret).toMatch(new RegExp(`^mk:v1:${secondId}:`));
    const reader = await connect(app, 'bob', 'participant');
    expect((await history(app, reader, roomId)).map((m) => m.text)).toContain(words);

    // a node started with only the old master key refuses, naming what it lacks, rather than read everything as erased
    closeAllClients();
    await app.stop();
    await expect(AppProcess.start(data, { PERSONAL_DATA_KEY: first })).rejects.toThrow(new RegExp(`master key ${secondId}, which neither PERSONAL_DATA_KEY nor PERSONAL_DATA_PREVIOUS_KEYS`));
    await expect(readLog(data, { masterKey: first })).rejects.toThrow(/neither PERSONAL_DATA_KEY/);

    // the old master key can now be destroyed: the new one alone reads everything
    app = await AppProcess.start(data, { PERSONAL_DATA_KEY: second });
    const later = await connect(app, 'bob', 'participant');
    expect((await history(app, later, roomId)).map((m) => m.text)).toContain(words);
    expect(JSON.stringify(await readLog(data, { masterKey: second }))).toContain(words);
  }, 60_000); // four starts, one after another
});

describe('without PERSONAL_DATA_KEY outside production', () => {
  let app: AppProcess;
  closeClientsAndAppAfterEach(() => app);

  it('starts on the public development key and says so', async () => {
    app = await AppProcess.start(freshData('sqlite'), { PERSONAL_DATA_KEY: '' });
    expect(app.logs).toContain('PERSONAL_DATA_KEY is unset: wrapping personal data keys with the public DEV_PERSONAL_DATA_KEY');
  });
});
