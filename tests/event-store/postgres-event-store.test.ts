import { Client } from 'pg';
import { openStorage, type Storage } from '@haven/event-store';
import { newEvent, runEventStoreContract } from '@haven/event-store/testing/event-store.contract';
import { describeWithPostgres, dropSchema, TEST_DATABASE_URL, uniqueSchema } from '../support/postgres';

describeWithPostgres('postgres', () => {
  const schemaOf = new Map<Storage, string>();
  const schemas = new Set<string>();

  async function openIn(schema: string): Promise<Storage> {
    schemas.add(schema);
    const storage = await openStorage({ eventStore: 'postgres', databaseUrl: TEST_DATABASE_URL, postgresSchema: schema });
    schemaOf.set(storage, schema);
    return storage;
  }

  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  // one schema per fresh store, so each test starts from an empty log
  runEventStoreContract('postgres', () => openIn(uniqueSchema('es_contract')), {
    openSibling: (storage) => openIn(schemaOf.get(storage)!),
  });

  describe('postgres specifics', () => {
    it('waits for a writer holding the append lock, as appends did before haven_append, and numbers after it', async () => {
      const schema = uniqueSchema('es_lock');
      const storage = await openIn(schema);
      const other = new Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
      await other.connect();
      try {
        await storage.events.append('s', [newEvent()], 'no_stream');
        await other.query('BEGIN');
        // the lock key of postgres-event-store.ts: ('HVAP', hashtext(schema))
        await other.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [0x4856_4150, schema]);
        let settled = false;
        const appending = storage.events.append('t', [newEvent()], 'no_stream').finally(() => (settled = true));
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(settled).toBe(false);
        await other.query(
          `INSERT INTO events (position, event_id, stream_id, stream_revision, type, data, metadata, recorded_at)
           VALUES (2, 'held-1', 's', 1, 'Held', '{}', '{}', now())`,
        );
        await other.query('COMMIT');
        const appended = await appending;
        expect(appended.lastPosition).toBe(3);
        expect((await storage.events.readAll({ after: 0 })).map((event) => event.position)).toEqual([1, 2, 3]);
      } finally {
        await other.end();
        await storage.close();
      }
    });
  });
});
