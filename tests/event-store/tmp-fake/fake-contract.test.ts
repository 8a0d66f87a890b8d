import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage } from '@haven/event-store';
import { openSqliteStorage } from '@haven/event-store';
import { KurrentDbEventStore } from '@haven/event-store/kurrentdb/kurrentdb-event-store';
import { runEventStoreContract } from '@haven/event-store/testing/event-store.contract';
import { FakeClient } from './fake-server';

const dir = mkdtempSync(join(tmpdir(), 'fake-kdb-'));
const placeOf = new Map<Storage, { ns: string; path: string }>();
let n = 0;
async function openAt(place: { ns: string; path: string }): Promise<Storage> {
  const s = await openSqliteStorage(place.path);
  await s.events.close();
  const events = new KurrentDbEventStore(new FakeClient() as any, { namespace: place.ns, streamPrefixes: [''] });
  const storage: Storage = { events, sql: s.sql, async close() { await events.close(); await s.sql.close(); } };
  placeOf.set(storage, place);
  return storage;
}
runEventStoreContract('fake-kurrentdb', () => { n++; return openAt({ ns: `ns${n}-`, path: join(dir, `${n}.sqlite`) }); }, {
  openSibling: (s) => openAt(placeOf.get(s)!),
});
