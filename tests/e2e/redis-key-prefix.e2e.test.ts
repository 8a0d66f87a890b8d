import { randomUUID } from 'node:crypto';
import { AppProcess, freshData } from '../support/app-process';
import { closeAllClients, connect, type TestClient } from '../support/sockets';
import { createRoom, joinAll } from './rooms/rooms-helpers';
import { pingRedis, REDIS_URL } from './scale-out-helpers';

/*
 * Two deployments on one Redis (staging beside production, two clinics), each a single node on its own SQLite file,
 * with the same user id in both. REDIS_KEY_PREFIX keeps them apart: without it, each saw the other's user as still
 * online and spent the other's per-member limits. The same prefix in both is the control: it shows what is shared.
 */

/** what deployment A's members observe of a user who also uses deployment B */
async function observeAcross(prefixes: { A: string; B: string }) {
  await pingRedis();
  const run = randomUUID().slice(0, 6);
  const start = (prefix: string) => AppProcess.start(freshData('sqlite'), { REDIS_URL, REDIS_KEY_PREFIX: prefix, ROOM_ACTIVITY_LIMIT_SCALE: '1' });
  const [A, B] = [await start(prefixes.A), await start(prefixes.B)];
  try {
    const dana = `dana-${run}`;
    // dana in a room of B, and staying connected there
    const danaOnB = await connect(B, dana, 'participant');
    await joinAll(await createRoom(await connect(B, `fran-${run}`, 'facilitator')), danaOnB);

    // in A: bob and dana in a room, then dana closes the app
    const bob = await connect(A, `bob-${run}`, 'participant');
    const danaOnA = await connect(A, dana, 'participant');
    await joinAll(await createRoom(await connect(A, `fran-${run}`, 'facilitator')), bob, danaOnA);
    const offline = wentOffline(bob, dana, 3000);
    danaOnA.close();
    const bobSawDanaLeave = await offline;

    // dana reads history in A up to her per-user allowance (60 a minute), then once in B
    const historyIn = async (app: AppProcess, client: TestClient, roomId: string) =>
      (await fetch(`${app.url}/rooms/${roomId}/messages`, { headers: { authorization: `Bearer ${client.token}` } })).status;
    const danaAgainOnA = await connect(A, dana, 'participant');
    const roomOfA = await createRoom(await connect(A, `fran2-${run}`, 'facilitator'));
    await joinAll(roomOfA, danaAgainOnA);
    const inA: number[] = [];
    for (let i = 0; i < 61; i++) inA.push(await historyIn(A, danaAgainOnA, roomOfA));
    const roomOfB = await createRoom(await connect(B, `fran2-${run}`, 'facilitator'));
    await joinAll(roomOfB, danaOnB);
    const firstInB = await historyIn(B, danaOnB, roomOfB);
    return { bobSawDanaLeave, historyInA: summary(inA), firstHistoryPageInB: firstInB };
  } finally {
    closeAllClients();
    await Promise.all([A.stop(), B.stop()]);
  }
}

/** resolves true once `watcher` is told `userId` went offline, false after `ms` */
function wentOffline(watcher: TestClient, userId: string, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    watcher.socket.on('presence', (p: { userId: string; online: boolean }) => {
      if (p.userId === userId && !p.online) {
        clearTimeout(timer);
        resolve(true);
      }
    });
  });
}

const summary = (statuses: number[]) => Object.fromEntries([...new Set(statuses)].map((s) => [s, statuses.filter((x) => x === s).length]));

describe('REDIS_KEY_PREFIX: deployments sharing one Redis', () => {
  afterEach(() => closeAllClients());

  it('with a prefix each, neither sees the other: presence is A’s own, and a limit spent in A is not spent in B', async () => {
    const seen = await observeAcross({ A: `clinic-a-${randomUUID().slice(0, 8)}`, B: `clinic-b-${randomUUID().slice(0, 8)}` });
    expect(seen).toEqual({ bobSawDanaLeave: true, historyInA: { 200: 60, 429: 1 }, firstHistoryPageInB: 200 });
  }, 60_000);

  it('with one prefix for both (the control), A takes B’s socket for dana’s and the limit is shared', async () => {
    const shared = `shared-${randomUUID().slice(0, 8)}`;
    const seen = await observeAcross({ A: shared, B: shared });
    expect(seen).toEqual({ bobSawDanaLeave: false, historyInA: { 200: 60, 429: 1 }, firstHistoryPageInB: 429 });
  }, 60_000);
});

