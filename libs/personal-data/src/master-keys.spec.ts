import { randomBytes, randomUUID } from 'node:crypto';
import type { PersonalFieldMap } from '@haven/domain';
import { openSqliteStorage, type NewEvent, type Storage } from '@haven/event-store';
import { seal, sealingKey } from './envelope';
import { DEV_PERSONAL_DATA_KEY, MasterKeys, masterKeysFromEnv } from './master-keys';
import { sealPersonalData } from './sealed-storage';

const newKey = () => randomBytes(32).toString('base64');
const envOf = (values: Record<string, string>) => (name: string) => values[name];

describe('master keys: wrapping a person key', () => {
  const masterKeys = MasterKeys.fromBase64(newKey());
  const secret = randomBytes(32);

  it('unwraps what it wrapped; the stored form names the master key by a hash, not its bytes', () => {
    const stored = masterKeys.wrap('key-1', secret);
    expect(stored).toMatch(new RegExp(`^mk:v1:${masterKeys.current.id}:`));
    expect(stored).not.toContain(masterKeys.current.key.toString('base64'));
    expect(stored).not.toContain(secret.toString('base64'));
    expect(masterKeys.unwrap('key-1', stored).equals(secret)).toBe(true);
    expect(masterKeys.wrapsUnderCurrent(stored)).toBe(true);
  });

  it('refuses a wrapped key moved to another row, altered, or under a master key it does not hold', () => {
    const stored = masterKeys.wrap('key-1', secret);
    expect(() => masterKeys.unwrap('key-2', stored)).toThrow(/key-2 does not open/);
    const altered = stored.slice(0, -2) + (stored.endsWith('AA') ? 'BB' : 'AA');
    expect(() => masterKeys.unwrap('key-1', altered)).toThrow(/does not open/);
    const other = MasterKeys.fromBase64(newKey());
    expect(() => other.unwrap('key-1', stored)).toThrow(new RegExp(`master key ${masterKeys.current.id}, which neither PERSONAL_DATA_KEY nor PERSONAL_DATA_PREVIOUS_KEYS holds`));
  });

  it('reads a key stored before keys were wrapped as it is (base64), and does not call it wrapped', () => {
    expect(masterKeys.unwrap('key-1', secret.toString('base64')).equals(secret)).toBe(true);
    expect(masterKeys.wrapsUnderCurrent(secret.toString('base64'))).toBe(false);
  });
});

describe('master keys from the environment', () => {
  it('outside production, falls back to the public development key and says so', () => {
    const { masterKeys, usingDevKey } = masterKeysFromEnv(envOf({ NODE_ENV: 'development' }));
    expect(usingDevKey).toBe(true);
    expect(masterKeys.current.key.toString('base64')).toBe(DEV_PERSONAL_DATA_KEY);
  });

  it('production needs a key of its own, naming the variable', () => {
    expect(() => masterKeysFromEnv(envOf({ NODE_ENV: 'production' }))).toThrow(/PERSONAL_DATA_KEY/);
    expect(() => masterKeysFromEnv(envOf({ NODE_ENV: 'production', PERSONAL_DATA_KEY: '  ' }))).toThrow(/PERSONAL_DATA_KEY/);
    expect(() => masterKeysFromEnv(envOf({ NODE_ENV: 'production', PERSONAL_DATA_KEY: DEV_PERSONAL_DATA_KEY }))).toThrow(/public DEV_PERSONAL_DATA_KEY/);
    const key = newKey();
    expect(masterKeysFromEnv(envOf({ NODE_ENV: 'production', PERSONAL_DATA_KEY: key }))).toMatchObject({ usingDevKey: false });
  });

  it('refuses a key that is not 32 bytes of base64, naming the variable it came from', () => {
    expect(() => masterKeysFromEnv(envOf({ PERSONAL_DATA_KEY: randomBytes(16).toString('base64') }))).toThrow(/^personal data: PERSONAL_DATA_KEY: .*32 random bytes/);
    expect(() => masterKeysFromEnv(envOf({ PERSONAL_DATA_KEY: 'a passphrase of forty-four characters long!!' }))).toThrow(/PERSONAL_DATA_KEY/);
    expect(() => masterKeysFromEnv(envOf({ PERSONAL_DATA_KEY: newKey(), PERSONAL_DATA_PREVIOUS_KEYS: `${newKey()},short` }))).toThrow(/PERSONAL_DATA_PREVIOUS_KEYS/);
  });

  it('takes the previous keys as a comma-separated list, blanks ignored', () => {
    const [current, a, b] = [newKey(), newKey(), newKey()];
    const { masterKeys } = masterKeysFromEnv(envOf({ PERSONAL_DATA_KEY: current, PERSONAL_DATA_PREVIOUS_KEYS: ` ${a} ,, ${b}` }));
    expect(masterKeys.previous.map((k) => k.key.toString('base64'))).toEqual([a, b]);
  });
});

describe('master keys on a real (in-memory SQLite) key table', () => {
  const fields: PersonalFieldMap = { Posted: { subject: 'authorId', fields: ['text'] } };
  const posted = (authorId: string, text: string): NewEvent => ({
    id: randomUUID(),
    type: 'Posted',
    data: { authorId, text },
    metadata: { actorId: authorId, commandId: randomUUID(), correlationId: 'c', causationId: null, occurredAt: '2026-12-02T10:00:00.000Z' },
  });
  const [first, second] = [newKey(), newKey()];
  let raw: Storage;
  beforeEach(async () => {
    raw = await openSqliteStorage(':memory:');
  });
  afterEach(() => raw.close());

  const storedSecrets = async () => (await raw.sql.query(`select secret from personal_data_keys order by created_at, key_id`)).map((r) => r.secret as string | null);
  const textOf = async (masterKeys: MasterKeys, data: Record<string, unknown>) => (await (await sealPersonalData(raw, fields, masterKeys)).personalData.reveal(data)).text;

  it('stores every key wrapped under the current master key, never as it is', async () => {
    const masterKeys = MasterKeys.fromBase64(first);
    const { storage } = await sealPersonalData(raw, fields, masterKeys);
    await storage.events.append('s-1', [posted('alice', 'words')], 'any');
    await storage.events.append('s-2', [posted('bob', 'more')], 'any');
    expect(await storedSecrets()).toEqual([expect.stringMatching(new RegExp(`^mk:v1:${masterKeys.current.id}:`)), expect.stringMatching(/^mk:v1:/)]);
  });

  it('after a rotation, rewraps every key at open, still opens what was sealed, and then needs no previous key', async () => {
    const before = await sealPersonalData(raw, fields, MasterKeys.fromBase64(first));
    const [stored] = (await before.storage.events.append('s-1', [posted('alice', 'words')], 'any')).events;
    const rotated = MasterKeys.fromBase64(second, [first]);
    const opened = await sealPersonalData(raw, fields, rotated);
    expect(opened.rewrappedKeys).toBe(1);
    expect(await storedSecrets()).toEqual([expect.stringMatching(new RegExp(`^mk:v1:${rotated.current.id}:`))]);
    expect((await opened.personalData.reveal(stored.data)).text).toBe('words');
    expect(await textOf(MasterKeys.fromBase64(second), stored.data)).toBe('words');
  });

  it('refuses to open a table holding keys under a master key it was not given, naming that key', async () => {
    await (await sealPersonalData(raw, fields, MasterKeys.fromBase64(first))).storage.events.append('s-1', [posted('alice', 'words')], 'any');
    await sealPersonalData(raw, fields, MasterKeys.fromBase64(second, [first]));
    const firstId = MasterKeys.fromBase64(first).current.id;
    const secondId = MasterKeys.fromBase64(second).current.id;
    // the old master key alone no longer opens anything: destroying it is what makes old copies of the table useless
    await expect(sealPersonalData(raw, fields, MasterKeys.fromBase64(first))).rejects.toThrow(new RegExp(`master key ${secondId}`));
    expect(firstId).not.toBe(secondId);
  });

  it('wraps keys stored before keys were wrapped, and what they sealed still opens', async () => {
    await sealPersonalData(raw, fields, MasterKeys.fromBase64(first)); // makes the table
    const [keyId, secret] = [randomUUID(), randomBytes(32)];
    await raw.sql.execute(`insert into personal_data_keys (key_id, subject_id, secret, created_at) values ($1, 'alice', $2, '2026-11-01T00:00:00.000Z')`, [
      keyId,
      secret.toString('base64'),
    ]);
    const sealedEarlier = seal(sealingKey(keyId, secret), 'e/text', 'older words');
    const opened = await sealPersonalData(raw, fields, MasterKeys.fromBase64(first));
    expect(opened.rewrappedKeys).toBe(1);
    expect(await storedSecrets()).toEqual([expect.stringMatching(/^mk:v1:/)]);
    expect((await opened.personalData.reveal({ text: sealedEarlier })).text).toBe('older words');
  });

  it('leaves an erased key erased through a rotation', async () => {
    const before = await sealPersonalData(raw, fields, MasterKeys.fromBase64(first));
    const [alice] = (await before.storage.events.append('s-1', [posted('alice', 'words')], 'any')).events;
    await before.storage.events.append('s-2', [posted('bob', 'more')], 'any');
    await before.personalData.eraseKeys(await before.personalData.keyIdsOf('alice'), '2026-12-02T11:00:00.000Z');
    const opened = await sealPersonalData(raw, fields, MasterKeys.fromBase64(second, [first]));
    expect(opened.rewrappedKeys).toBe(1);
    expect((await opened.personalData.reveal(alice.data)).text).toBeNull();
    expect((await storedSecrets()).filter((s) => s === null)).toHaveLength(1);
  });
});
