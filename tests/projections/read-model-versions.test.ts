import { randomUUID } from 'node:crypto';
import type { NewEvent, Storage } from '@haven/event-store';
import {
  ReadModelFromNewerVersionError,
  ReadModelVersionChangedError,
  catchUpReadModels,
  prepareReadModels,
  projectEvent,
  readCheckpoint,
  readModelVersionsDiffer,
  setCheckpoint,
  type Projection,
} from '@haven/projections';
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

  /** notes whose rows say which version wrote them */
  const writing = (version: number): Projection => ({
    ...notes(version),
    async apply(tx, event) {
      await tx.execute(`insert into version_notes values ($1, $2)`, [`event-${event.position}`, `by version ${version}`]);
    },
  });
  /** a read model no version changes */
  const others: Projection = {
    name: 'other_notes',
    tables: ['other_notes'],
    async migrate(db) {
      await db.execute(`create table if not exists other_notes (position bigint primary key)`);
    },
    async apply(tx, event) {
      await tx.execute(`insert into other_notes values ($1)`, [event.position]);
    },
  };
  const noted = (): NewEvent => {
    const commandId = randomUUID();
    return { id: randomUUID(), type: 'Noted', data: {}, metadata: { actorId: 'fran', commandId, correlationId: commandId, causationId: null, occurredAt: '2026-01-05T10:00:00.000Z' } };
  };

  it('an earlier node still running (a rolling deploy) writes nothing into a read model a later one rebuilds, and says so', async () => {
    await prepareReadModels(storage.sql, [writing(1), others]);
    const { events } = await storage.events.append('notes', [noted(), noted(), noted()], 'no_stream');
    const [first, second, third] = events;
    const earlier = [writing(1), others];
    await projectEvent(storage.sql, earlier, first, { appendedHere: true });

    // a later version starts on the database: version_notes is built anew by its rules
    const later = [writing(2), others];
    await prepareReadModels(storage.sql, later);
    // the earlier node goes on, with an event it appended and one it read from the log
    await projectEvent(storage.sql, earlier, second, { appendedHere: true });
    await projectEvent(storage.sql, earlier, third);
    expect(await state(storage)).toEqual({ rows: [], checkpoint: 0, version: [2] });
    // what did not change it still projects
    expect(await readCheckpoint(storage.sql, 'other_notes')).toBe(third.position);
    expect(await readModelVersionsDiffer(storage.sql, earlier)).toEqual([{ readModel: 'version_notes', stored: 2, known: 1 }]);
    expect(await readModelVersionsDiffer(storage.sql, later)).toEqual([]);
    // nor does it catch the read model up at a start of its own
    await expect(catchUpReadModels(storage, earlier, third.position)).rejects.toThrow(ReadModelVersionChangedError);

    await catchUpReadModels(storage, later, third.position);
    const rows = await storage.sql.query<{ id: string; body: string }>(`select id, body from version_notes order by id`);
    expect(rows.map((row) => [row.id, row.body])).toEqual(events.map((event) => [`event-${event.position}`, 'by version 2']));
  });

  it('gives the checkpoints of a database from before they carried versions their stored versions, and claims by them', async () => {
    await prepareReadModels(storage.sql, [writing(2)]);
    await written(storage, 7);
    // the table as it was: no version column
    await storage.sql.execute(`drop table read_model_checkpoints`);
    await storage.sql.execute(`create table read_model_checkpoints (name text primary key, position bigint not null)`);
    await storage.sql.execute(`insert into read_model_checkpoints values ('version_notes', 7)`);
    await prepareReadModels(storage.sql, [writing(2)]);
    expect(await state(storage)).toEqual({ rows: ['row-7'], checkpoint: 7, version: [2] });
    const { events } = await storage.events.append('notes', Array.from({ length: 8 }, noted), 'no_stream');
    await projectEvent(storage.sql, [writing(2)], events[7], { appendedHere: true });
    expect(await readCheckpoint(storage.sql, 'version_notes')).toBe(events[7].position);
  });
});
