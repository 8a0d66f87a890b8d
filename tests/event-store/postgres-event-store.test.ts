import { openStorage, type Storage } from '@haven/event-store';
import { runEventStoreContract } from '@haven/event-store/testing/event-store.contract';
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
});
