import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage, type Storage } from '@haven/event-store';
import { TEST_DATABASE_URL, describeWithPostgres, dropSchema, uniqueSchema } from './postgres';

/**
 * Runs `suite` on SQLite files and on PostgreSQL schemas (a loud skip when PostgreSQL is down): each call of the
 * `open` it is given opens a fresh, empty store, and every file and schema is removed after the suite.
 */
export function describeOnBothStores(name: string, suite: (open: () => Promise<Storage>) => void): void {
  describe(`${name} on SQLite`, () => {
    const directory = mkdtempSync(join(tmpdir(), 'haven-storage-'));
    afterAll(() => rmSync(directory, { recursive: true, force: true }));
    let files = 0;
    suite(() => openStorage({ eventStore: 'sqlite', sqlitePath: join(directory, `${++files}.sqlite`) }));
  });

  describeWithPostgres(`${name} on PostgreSQL`, () => {
    const schemas: string[] = [];
    afterAll(async () => {
      for (const schema of schemas) await dropSchema(schema);
    });
    suite(() => {
      const schema = uniqueSchema('suite');
      schemas.push(schema);
      return openStorage({ eventStore: 'postgres', databaseUrl: TEST_DATABASE_URL, postgresSchema: schema });
    });
  });
}
