import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { PersonalFieldMap } from '@haven/domain';
import { openSqliteStorage, type NewEvent } from '@haven/event-store';
import { MasterKeys } from './master-keys';
import { sealPersonalData } from './sealed-storage';

// Random events with personal fields of every shape (plain, nested, lists, null, text that looks sealed), appended
// through the sealing store by a few people, some of whom are then erased. Whatever was written: no personal word
// reaches the store as written (each is marked with a character base64 never holds), everyone reads back exactly what
// was written, except that each field of an erased person reads null, and nothing else changes.

const masterKeys = MasterKeys.fromBase64(randomBytes(32).toString('base64'));

const fields: PersonalFieldMap = {
  Posted: { subject: 'authorId', fields: ['text', 'warning'] },
  Held: { subject: 'userId', fields: ['held.text'] },
  Asked: { subject: 'userId', fields: ['topics', 'note'] },
};
const PEOPLE = ['alice', 'bob', 'carol'];
const MARK = '§';
const words = fc.string({ maxLength: 30 }).map((s) => `${MARK}${s}`);
const lookalike = fc.tuple(fc.uuid(), fc.base64String({ minLength: 4, maxLength: 12 })).map(([uuid, body]) => `pd:v1:${uuid}:${body.replace(/[+/=]/g, 'A') || 'AAAA'}`);
const text = fc.oneof({ arbitrary: words, weight: 5 }, { arbitrary: lookalike, weight: 1 });
const person = fc.constantFrom(...PEOPLE);

const eventData = fc.oneof(
  fc.record({ type: fc.constant('Posted'), data: fc.record({ authorId: person, text, warning: fc.option(text), roomId: fc.constant('r1') }) }),
  fc.record({ type: fc.constant('Held'), data: fc.record({ userId: person, held: fc.record({ text, edit: fc.boolean() }) }) }),
  fc.record({ type: fc.constant('Asked'), data: fc.record({ userId: person, topics: fc.array(text, { maxLength: 4 }), note: fc.option(text), language: fc.constant('en') }) }),
);

/** the data as an erased person's reader gets it: each of their declared fields null (each item of a list) */
function erasedForm(type: string, data: Record<string, unknown>, erased: Set<string>): Record<string, unknown> {
  const declared = fields[type];
  if (!erased.has(data[declared.subject] as string)) return data;
  const copy = structuredClone(data) as Record<string, any>;
  for (const path of declared.fields) {
    const parts = path.split('.');
    const parent = parts.slice(0, -1).reduce((at, part) => at[part], copy);
    const last = parts[parts.length - 1];
    const value = parent[last];
    if (typeof value === 'string') parent[last] = null;
    else if (Array.isArray(value)) parent[last] = value.map(() => null);
  }
  return copy;
}

describe('personal data sealed by the store, under random events', () => {
  it('stores no personal word as written, reads back what was written, and reads an erased person as null and nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(eventData, { minLength: 1, maxLength: 12 }), fc.subarray(PEOPLE), async (written, erasedPeople) => {
        const raw = await openSqliteStorage(':memory:');
        const { storage, personalData } = await sealPersonalData(raw, fields, masterKeys);
        try {
          const events: NewEvent[] = written.map(({ type, data }) => ({
            id: randomUUID(),
            type,
            data: data as Record<string, unknown>,
            metadata: { actorId: 'u', commandId: randomUUID(), correlationId: 'c', causationId: null, occurredAt: '2030-01-01T00:00:00.000Z' },
          }));
          for (const event of events) await storage.events.append(`s-${event.id}`, [event], 'no_stream');
          const stored = await raw.events.readAll({ after: 0 });
          expect(JSON.stringify(stored.map((e) => e.data))).not.toContain(MARK);
          expect(await personalData.reveal(stored.map((e) => e.data))).toEqual(written.map((w) => w.data));

          for (const userId of erasedPeople) await personalData.eraseKeys(await personalData.keyIdsOf(userId), '2030-01-02T00:00:00.000Z');
          const erased = new Set(erasedPeople);
          expect(await personalData.reveal(stored.map((e) => e.data))).toEqual(written.map((w) => erasedForm(w.type, w.data as Record<string, unknown>, erased)));
        } finally {
          await storage.close();
        }
      }),
      { numRuns: 60, seed: Number(process.env.FUZZ_SEED ?? 20261202) },
    );
  });
});
