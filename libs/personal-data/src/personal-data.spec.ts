import { randomBytes, randomUUID } from 'node:crypto';
import type { PersonalFieldMap } from '@haven/domain';
import { openSqliteStorage, type NewEvent, type Storage } from '@haven/event-store';
import { MasterKeys } from './master-keys';
import { sealPersonalData } from './sealed-storage';
import type { PersonalData } from './personal-data';

const masterKeys = MasterKeys.fromBase64(randomBytes(32).toString('base64'));

const fields: PersonalFieldMap = {
  Posted: { subject: 'authorId', fields: ['text', 'warning'] },
  Held: { subject: 'userId', fields: ['held.text'] },
  Asked: { subject: 'userId', fields: ['topics'] },
};

const event = (type: string, data: Record<string, unknown>): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { actorId: 'u', commandId: randomUUID(), correlationId: 'c', causationId: null, occurredAt: '2026-12-02T10:00:00.000Z' },
});

describe('personal data in a real (in-memory SQLite) store', () => {
  let raw: Storage;
  let storage: Storage;
  let personalData: PersonalData;

  beforeEach(async () => {
    raw = await openSqliteStorage(':memory:');
    ({ storage, personalData } = await sealPersonalData(raw, fields, masterKeys));
  });
  afterEach(() => storage.close());

  it('seals the declared fields on append, nested ones too, and leaves the rest and nulls alone', async () => {
    await storage.events.append('s-1', [event('Posted', { authorId: 'alice', text: 'hi', warning: null, roomId: 'r1' })], 'any');
    await storage.events.append('s-2', [event('Held', { userId: 'bob', held: { text: 'held words', edit: false } })], 'any');
    await storage.events.append('s-3', [event('Other', { text: 'not personal' })], 'any');
    const [posted, held, other] = await raw.events.readAll({ after: 0 });
    expect(posted.data).toMatchObject({ authorId: 'alice', warning: null, roomId: 'r1', text: expect.stringMatching(/^pd:v1:/) });
    expect(held.data).toMatchObject({ userId: 'bob', held: { edit: false, text: expect.stringMatching(/^pd:v1:/) } });
    expect(other.data).toEqual({ text: 'not personal' });
    expect(await personalData.reveal([posted.data, held.data])).toEqual([
      { authorId: 'alice', text: 'hi', warning: null, roomId: 'r1' },
      { userId: 'bob', held: { text: 'held words', edit: false } },
    ]);
  });

  it('seals each string of a list field, and opens them in order', async () => {
    const [stored] = (await storage.events.append('s-1', [event('Asked', { userId: 'pat', topics: ['grief', 'opioids'] })], 'any')).events;
    expect(stored.data.topics).toEqual([expect.stringMatching(/^pd:v1:/), expect.stringMatching(/^pd:v1:/)]);
    expect(JSON.stringify(stored.data)).not.toContain('opioids');
    expect((await personalData.reveal(stored.data)).topics).toEqual(['grief', 'opioids']);
  });

  it('appends the same event again as a no-op (a retried command), because it seals to the same bytes', async () => {
    const posted = event('Posted', { authorId: 'alice', text: 'once', warning: null });
    const first = await storage.events.append('s-1', [posted], 'no_stream');
    const again = await storage.events.append('s-1', [posted], 'no_stream');
    expect(again.events).toEqual(first.events);
    expect(await raw.events.readStream('s-1')).toHaveLength(1);
  });

  it('refuses to store personal data it cannot tell whose it is', async () => {
    await expect(storage.events.append('s-1', [event('Posted', { text: 'whose?' })], 'any')).rejects.toThrow(/authorId/);
  });

  it('keeps a value sealed for one person as it is when another event repeats it', async () => {
    const [stored] = (await storage.events.append('s-1', [event('Posted', { authorId: 'alice', text: 'mine', warning: null })], 'any')).events;
    const [copied] = (await storage.events.append('s-2', [event('Posted', { authorId: 'bob', text: stored.data.text, warning: null })], 'any')).events;
    expect(copied.data.text).toBe(stored.data.text);
    await personalData.eraseKeys(await personalData.keyIdsOf('alice'), '2026-12-02T11:00:00.000Z');
    expect((await personalData.reveal(copied.data)).text).toBeNull();
  });

  it('seals text that only looks sealed, so that nobody stores words erasure cannot reach', async () => {
    const lookalike = `pd:v1:${randomUUID()}:${Buffer.from('my diary, unsealed').toString('base64url')}`;
    const [stored] = (await storage.events.append('s-1', [event('Posted', { authorId: 'alice', text: lookalike, warning: null })], 'any')).events;
    expect(stored.data.text).not.toBe(lookalike);
    expect((await personalData.reveal(stored.data)).text).toBe(lookalike);
    await personalData.eraseKeys(await personalData.keyIdsOf('alice'), '2026-12-02T11:00:00.000Z');
    expect((await personalData.reveal(stored.data)).text).toBeNull();
  });

  it("erasing a person's keys makes only their values null; they get a new key for what comes after", async () => {
    const alice1 = (await storage.events.append('s-1', [event('Posted', { authorId: 'alice', text: 'before', warning: 'cw' })], 'any')).events[0];
    const bob = (await storage.events.append('s-2', [event('Posted', { authorId: 'bob', text: 'bob', warning: null })], 'any')).events[0];
    const keyIds = await personalData.keyIdsOf('alice');
    expect(keyIds).toHaveLength(1);
    await personalData.eraseKeys(keyIds, '2026-12-02T11:00:00.000Z');
    const alice2 = (await storage.events.append('s-1', [event('Posted', { authorId: 'alice', text: 'after', warning: null })], 'any')).events[0];
    expect(await personalData.reveal([alice1.data, bob.data, alice2.data])).toEqual([
      { authorId: 'alice', text: null, warning: null },
      { authorId: 'bob', text: 'bob', warning: null },
      { authorId: 'alice', text: 'after', warning: null },
    ]);
    const rows = await raw.sql.query(`select subject_id, secret is null as erased from personal_data_keys where subject_id = 'alice' order by created_at`);
    expect(rows.map((r) => Number(r.erased))).toEqual([1, 0]);
  });

  it('a node that learns of an erasure from the log stops opening those values, and deletes the keys if still there', async () => {
    const { personalData: otherNode } = await sealPersonalData(raw, fields, masterKeys);
    const stored = (await storage.events.append('s-1', [event('Posted', { authorId: 'alice', text: 'words', warning: null })], 'any')).events[0];
    expect((await otherNode.reveal(stored.data)).text).toBe('words');
    const keyIds = await personalData.keyIdsOf('alice');
    const [erasure] = (await storage.events.append('person-alice', [event('PersonalDataErased', { userId: 'alice', keyIds, by: 'ada', erasedAt: '2026-12-02T11:00:00.000Z' })], 'any')).events;
    await otherNode.observe(erasure);
    expect((await otherNode.reveal(stored.data)).text).toBeNull();
    expect(await personalData.keyIdsOf('alice')).toEqual([]);
  });

  it('passes through what holds nothing sealed, and things that are not plain data', async () => {
    const value = { a: [1, 'two', { b: null }], when: new Date(0) };
    expect(await personalData.reveal(value)).toBe(value);
    expect(await personalData.reveal('pd:v1:not-a-key:xyz')).toBe('pd:v1:not-a-key:xyz');
  });
});
