/**
 * Opt-in diagnostic (`--only upgrade`): how long a node takes to start, until a socket is `ready`, on a log whose read
 * models are all to be built (after an upgrade that changed every read model's version, or on a log restored alone).
 * Beside it, in the same run: the same app started on an empty log (what a start costs anyway), the rebuild CLI's pass
 * over the same log (`rebuildReadModels`, in this process, the app stopped) and a read of the log through the store.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { rebuildReadModels } from '@haven/projections';
import { allReadModels } from '../../apps/api/src/read-models';
import { AppProcess, freshData, type AppData, type StoreKind } from '../support/app-process';
import { openAppStorage } from '../support/app-storage';
import { dropSchema } from '../support/postgres';
import { tokenFor } from '../support/sockets';
import { seed } from './storage';
import { nowMs } from './stats';
import { openClient } from './targets';

export interface UpgradeStartFigure {
  store: StoreKind;
  events: number;
  /** from spawning the app to a socket's `ready`, on an empty log */
  emptyStartSeconds: number;
  /** the same on the seeded log, every read model at position 0 */
  startSeconds: number;
  /** from spawning the app to its first answer of /health (up), on the seeded log: it answers while it catches up */
  healthySeconds: number;
  /** the rebuild CLI's pass over the same log, all read models at once */
  rebuildSeconds: number;
  /** EventStore.readAll over the whole log, 500 at a time */
  readSeconds: number;
}

/** seconds from spawning the app on `data` until /health is up, and until a socket that asks for nothing old is ready */
async function startedUntilReady(data: AppData, head: number): Promise<{ healthy: number; ready: number }> {
  const begin = nowMs();
  const app = await AppProcess.start(data, { NODE_ENV: 'production', LOG_LEVEL: 'warn' });
  const healthy = (nowMs() - begin) / 1000;
  try {
    const client = await openClient(app.url, 'upgrade-bench', { token: await tokenFor('upgrade-bench', 'participant'), lastPosition: head }, undefined, 600_000);
    const ready = (nowMs() - begin) / 1000;
    client.close();
    if (client.ready.position < head) throw new Error(`ready at ${client.ready.position}, before the head ${head}`);
    return { healthy, ready };
  } finally {
    await app.stop();
  }
}

export async function upgradeStartFigure(store: StoreKind, total: number, onStep: (text: string) => void): Promise<UpgradeStartFigure> {
  const data = freshData(store);
  try {
    // the first start creates every read model at position 0 on the empty log
    const emptyStartSeconds = (await startedUntilReady(data, 0)).ready;
    onStep(`started on an empty log: ${emptyStartSeconds.toFixed(2)} s`);
    const storage = await openAppStorage(data.env);
    let events: number;
    let readSeconds: number;
    try {
      events = await seed(storage, total);
      const begin = nowMs();
      let read = 0;
      for (let after = 0; ; ) {
        const batch = await storage.events.readAll({ after, limit: 500 });
        if (batch.length === 0) break;
        read += batch.length;
        after = batch[batch.length - 1].position;
      }
      readSeconds = (nowMs() - begin) / 1000;
      if (read !== events) throw new Error(`readAll saw ${read} events, expected ${events}`);
    } finally {
      await storage.close();
    }
    onStep(`seeded ${events} events`);
    const { healthy: healthySeconds, ready: startSeconds } = await startedUntilReady(data, events);
    onStep(`started with every read model at 0: healthy after ${healthySeconds.toFixed(2)} s, ready after ${startSeconds.toFixed(2)} s`);
    const again = await openAppStorage(data.env);
    let rebuildSeconds: number;
    try {
      const begin = nowMs();
      await rebuildReadModels(again, allReadModels);
      rebuildSeconds = (nowMs() - begin) / 1000;
    } finally {
      await again.close();
    }
    onStep(`rebuild CLI's pass: ${rebuildSeconds.toFixed(2)} s`);
    return { store, events, emptyStartSeconds, startSeconds, healthySeconds, rebuildSeconds, readSeconds };
  } finally {
    if (store === 'postgres') await dropSchema(data.env.POSTGRES_SCHEMA).catch(() => undefined);
    else rmSync(join(data.env.SQLITE_PATH, '..'), { recursive: true, force: true });
  }
}
