import type { Storage } from '@haven/event-store';
import { ReadModelFromNewerVersionError, prepareReadModels, readCheckpoint, setCheckpoint, type Projection } from '@haven/projections';
import { describeOnBothStores } from '../support/storage-suites';

/** a read model of one table, at the version given (unset: 1) */
const notes = (version?: number): Projection => ({
  name: 'version_notes',
  ...(version === undefined ? {} : { version }),
  tables: ['version_notes'],
  async migrate(db) {
    await db.execute(`create table if not exists version_notes (id text primary key, body text not null)`);
  },
  async apply() {},
});

async function written(storage: Storage, position: number): Promise<void> {
  await storage.sql.transaction(async (tx) => {
    await tx.execute(`insert into version_notes values ($1, 'kept')`, [`row-${position}`]);
    await setCheckpoint(tx, 'version_notes', position);
  });
}

const state = async (storage: Storage) => ({
  rows: (await storage.sql.query<{ id: string }>(`select id from version_notes order by id`)).map((r) => r.id),
  checkpoint: await readCheckpoint(storage.sql, 'version_notes'),
  version: (await storage.sql.query<{ version: number | string }>(`select version from read_model_versions where name = 'version_notes'`)).map((r) => Number(r.version)),
});

describeOnBothStores('read model versions', (open) => {
  let storage: Storage;
  beforeEach(async () => {
    storage = await open();
  });
  afterEach(async () => {
    await storage.close();
  });

  it('keeps a read model whose version did not change, across starts', async () => {
    await prepareReadModels(storage.sql, [notes()]);
    await written(storage, 7);
    await prepareReadModels(storage.sql, [notes()]);
    await prepareReadModels(storage.sql, [notes(1)]);
    expect(await state(storage)).toEqual({ rows: ['row-7'], checkpoint: 7, version: [1] });
  });

  it('drops its tables and sends its checkpoint back to 0 when the version changes (two nodes starting together both come up)', async () => {
    await prepareReadModels(storage.sql, [notes()]);
    await written(storage, 7);
    await Promise.all([prepareReadModels(storage.sql, [notes(2)]), prepareReadModels(storage.sql, [notes(2)])]);
    expect(await state(storage)).toEqual({ rows: [], checkpoint: 0, version: [2] });
    // the node that reset it builds it again; a later start at the same version keeps what it built
    await written(storage, 3);
    await prepareReadModels(storage.sql, [notes(2)]);
    expect(await state(storage)).toEqual({ rows: ['row-3'], checkpoint: 3, version: [2] });
  });

  it('takes a read model built before versions were kept for version 1', async () => {
    await prepareReadModels(storage.sql, [notes()]);
    await written(storage, 5);
    await storage.sql.execute(`drop table read_model_versions`);
    await prepareReadModels(storage.sql, [notes(1)]);
    expect(await state(storage)).toEqual({ rows: ['row-5'], checkpoint: 5, version: [1] });
    await storage.sql.execute(`drop table read_model_versions`);
    await prepareReadModels(storage.sql, [notes(2)]);
    expect(await state(storage)).toEqual({ rows: [], checkpoint: 0, version: [2] });
  });

  it('refuses to start on a read model a newer version built, and lets a rebuild take it back', async () => {
    await prepareReadModels(storage.sql, [notes(3)]);
    await written(storage, 4);
    await expect(prepareReadModels(storage.sql, [notes(2)])).rejects.toThrow(ReadModelFromNewerVersionError);
    await expect(prepareReadModels(storage.sql, [notes()])).rejects.toThrow(/version_notes was built by a newer version of Haven \(its version 3; this one knows 1\)/);
    expect(await state(storage)).toEqual({ rows: ['row-4'], checkpoint: 4, version: [3] });
    await prepareReadModels(storage.sql, [notes(2)], { rebuilding: true });
    expect(await state(storage)).toEqual({ rows: [], checkpoint: 0, version: [2] });
  });
});
