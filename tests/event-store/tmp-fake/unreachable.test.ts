import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '@haven/event-store';
it('fails clearly when unreachable', async () => {
  const t = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'unr-'));
  await expect(openStorage({ eventStore: 'kurrentdb' })).rejects.toThrow(/needs kurrentdbUrl/);
  const err = await openStorage({ eventStore: 'kurrentdb', kurrentdbUrl: 'kurrentdb://admin:secret@127.0.0.1:2113?tls=false', sqlitePath: join(dir, 'x.sqlite') }).catch((e) => e);
  console.log(String(err), Date.now() - t, 'ms');
  expect(String(err)).not.toMatch(/secret/);
}, 60000);
