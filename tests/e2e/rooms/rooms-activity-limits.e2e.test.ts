import { randomUUID } from 'node:crypto';
import { AppProcess, freshData } from '../../support/app-process';
import { describeWithPostgres } from '../../support/postgres';
import { closeAllClients, connect, settle, type Ack, type TestClient } from '../../support/sockets';
import { headPosition } from '../../support/stores';
import { openRelay } from '../../support/tcp-relay';
import { pingRedis, REDIS_URL, twoNodesPerFile } from '../scale-out-helpers';
import { accepted, command, connectFamily, createRoom, httpGet, joinAll, oneAppPerFile, post, refused, roomWithAliceAndBob } from './rooms-helpers';

/*
 * Per-member limits on what goes to every member of a room (docs/PROTOCOL.md, "Limits"), with the numbers a
 * deployment ships with (ROOM_ACTIVITY_LIMIT_SCALE=1; other suites run with larger allowances). The limits are counted
 * in memory on one node, whatever the store, so one store is enough there; with REDIS_URL in Redis, shared by nodes.
 */

const LIMITS_AS_SHIPPED = { ROOM_ACTIVITY_LIMIT_SCALE: '1' };

const CRISIS_TEXT = 'I cant do this anymore, I want to k i l l   myself tonight';

/** sends `count` commands at once; resolves with the outcomes ('ok' or the refusal's code) in the order sent */
async function burst(client: TestClient, message: string, count: number, payload: (i: number) => Record<string, unknown>) {
  const acks: Ack[] = await Promise.all(Array.from({ length: count }, (_, i) => command(client, message, payload(i))));
  return acks;
}
const outcomes = (acks: Ack[]) => acks.map((ack) => (ack.ok ? 'ok' : ack.error.code));
const count = (acks: Ack[], outcome: string) => outcomes(acks).filter((o) => o === outcome).length;

describe('per-member limits on room activity (SQLite, limits as shipped)', () => {
  let app: AppProcess;
  oneAppPerFile('sqlite', (started) => (app = started), LIMITS_AS_SHIPPED);

  it('past 15 posts in 15 s a member is refused ROOM.RATE_LIMITED and nothing is stored; others, other rooms and the crisis path are untouched', async () => {
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    const otherRoom = await createRoom(fran);
    await joinAll(otherRoom, alice);

    const first = await burst(alice, 'rooms.post', 20, (i) => ({ roomId, text: `message ${i}` }));
    expect({ ok: count(first, 'ok'), limited: count(first, 'ROOM.RATE_LIMITED') }).toEqual({ ok: 15, limited: 5 });
    const error = await refused(app, alice, 'rooms.post', { roomId, text: 'one more' }, 'ROOM.RATE_LIMITED');
    expect(error.details).toEqual({ activity: 'message', retryAfterMs: expect.any(Number), limit: 15, windowSeconds: 15 });
    expect(error.details.retryAfterMs).toBeGreaterThan(0);
    expect(error.details.retryAfterMs).toBeLessThanOrEqual(15_000);
    // edits go to every member as posts do, and count with them
    await refused(app, alice, 'rooms.edit', { roomId, messageId: (first[0] as any).data.messageId, text: 'edited' }, 'ROOM.RATE_LIMITED');

    // the limit is alice's in this room: bob still posts here, alice still posts in another room
    await post(bob, roomId, 'bob is not limited');
    await post(alice, otherRoom, 'alice in another room');

    // a message the crisis screening holds is never limited: alice gets help, staff get the alert
    const crisis = await command(alice, 'rooms.post', { roomId, text: CRISIS_TEXT });
    expect(crisis).toMatchObject({ ok: true, data: { held: true } });
    await fran.waitForEvent((e) => e.type === 'SafetyAlertRaised' && e.data.userId === 'alice');

    // a retry of a post this node already stored gets its first answer, not a refusal, and is not counted again
    const again = await burst(bob, 'rooms.post', 13, () => ({ roomId, text: 'filling bob up' }));
    expect(count(again, 'ok')).toBe(13);
    const commandId = randomUUID();
    const stored = await accepted(bob, 'rooms.post', { commandId, roomId, text: 'the 15th, the last one bob may send' });
    const retried = await accepted(bob, 'rooms.post', { commandId, roomId, text: 'the 15th, the last one bob may send' });
    expect(retried).toMatchObject({ replayed: true, messageId: stored.messageId, position: stored.position });
    await refused(app, bob, 'rooms.post', { roomId, text: 'a 16th' }, 'ROOM.RATE_LIMITED');
  });

  it('reactions, read marks, receipt-privacy switches and joins/leaves each have their own allowance', async () => {
    const { alice, bob, roomId } = await roomWithAliceAndBob(app);
    const { messageId } = await post(bob, roomId, 'react to me');
    const head = await headPosition(app.url);

    const reactions = await burst(alice, 'rooms.react', 35, (i) => ({ roomId, messageId, emoji: `e${i}` }));
    expect({ ok: count(reactions, 'ok'), limited: count(reactions, 'ROOM.RATE_LIMITED') }).toEqual({ ok: 30, limited: 5 });
    // unreacting counts with reacting: a react/unreact loop is the same flood
    await refused(app, alice, 'rooms.unreact', { roomId, messageId, emoji: 'e0' }, 'ROOM.RATE_LIMITED');

    const marks = await burst(alice, 'rooms.markRead', 22, () => ({ roomId, position: head }));
    expect({ ok: count(marks, 'ok'), limited: count(marks, 'ROOM.RATE_LIMITED') }).toEqual({ ok: 20, limited: 2 });

    const switches = await burst(alice, 'rooms.setReadReceiptPrivacy', 7, (i) => ({ roomId, private: i % 2 === 0 }));
    expect({ ok: count(switches, 'ok'), limited: count(switches, 'ROOM.RATE_LIMITED') }).toEqual({ ok: 5, limited: 2 });

    // one after the other, so each is a real leave or join: 10 a minute, and alice's first join was one
    const moves: string[] = [];
    for (let i = 0; i < 10; i++) moves.push(outcomes([await command(alice, i % 2 === 0 ? 'rooms.leave' : 'rooms.join', { roomId })])[0]);
    expect(moves).toEqual([...Array(9).fill('ok'), 'ROOM.RATE_LIMITED']);

    // none of alice's limits is bob's
    await accepted(bob, 'rooms.react', { roomId, messageId, emoji: '🙂' });
    await accepted(bob, 'rooms.markRead', { roomId, position: head });
  });

  it('past 60 history pages a minute a user gets 429 ROOM.RATE_LIMITED with a JSON body; another member still reads', async () => {
    const { alice, bob, roomId } = await roomWithAliceAndBob(app);
    const pages = await Promise.all(Array.from({ length: 65 }, () => httpGet(app, alice, `/rooms/${roomId}/messages`)));
    const statuses = pages.map((page) => page.status);
    expect({ ok: statuses.filter((s) => s === 200).length, limited: statuses.filter((s) => s === 429).length }).toEqual({ ok: 60, limited: 5 });
    expect(pages.find((page) => page.status === 429)!.body).toEqual({
      ok: false,
      error: { code: 'ROOM.RATE_LIMITED', message: expect.any(String), details: { activity: 'historyPage', retryAfterMs: expect.any(Number), limit: 60, windowSeconds: 60 } },
    });
    expect((await httpGet(app, bob, `/rooms/${roomId}/messages`)).status).toBe(200);
  });

  it("an 11th socket of one user on a node closes that user's oldest there, with REALTIME.TOO_MANY_CONNECTIONS first; the new one works", async () => {
    const { alice, bob, roomId } = await roomWithAliceAndBob(app);
    const errors: unknown[] = [];
    alice.socket.on('error', (error) => errors.push(error));
    const closed = new Promise<string>((resolve) => alice.socket.once('disconnect', resolve));

    const more: TestClient[] = [];
    for (let i = 0; i < 10; i++) more.push(await connect(app, 'alice', 'participant'));
    expect(await closed).toBe('io server disconnect');
    expect(errors).toEqual([{ ok: false, error: { code: 'REALTIME.TOO_MANY_CONNECTIONS', message: expect.any(String), details: { max: 10 } } }]);
    await settle(100);
    expect(more.map((client) => client.socket.connected)).toEqual(Array(10).fill(true));

    // the newest works, and so does everyone else
    const { messageId } = await post(more[9], roomId, 'from my newest tab');
    await bob.waitForEvent((e) => e.type === 'MessagePosted' && e.data.messageId === messageId);
    expect(bob.socket.connected).toBe(true);
  });

  it("a family login under a member's user id counts apart: it never closes the member's sockets", async () => {
    const { roomId } = await roomWithAliceAndBob(app);
    const tabs: TestClient[] = [];
    for (let i = 0; i < 9; i++) tabs.push(await connect(app, 'alice', 'participant'));
    const guests: TestClient[] = [];
    for (let i = 0; i < 3; i++) guests.push(await connectFamily(app, 'alice'));
    await settle(100);
    expect(tabs.map((client) => client.socket.connected)).toEqual(Array(9).fill(true));
    await post(tabs[0], roomId, 'still here');
  });
});

describeWithPostgres('per-member limits shared by two nodes through Redis', () => {
  const nodes = twoNodesPerFile(LIMITS_AS_SHIPPED);
  // user ids of this run only: the allowance of a user lives in the shared Redis
  const run = randomUUID().slice(0, 6);

  it("a member's sockets on two nodes share one allowance of 15 posts in 15 s", async () => {
    const fran = await connect(nodes.A, `fran-${run}`, 'facilitator');
    const onA = await connect(nodes.A, `alice-${run}`, 'participant');
    const onB = await connect(nodes.B, `alice-${run}`, 'participant');
    const roomId = await createRoom(fran);
    await joinAll(roomId, onA);
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) sent.push(outcomes([await command(i % 2 === 0 ? onA : onB, 'rooms.post', { roomId, text: `from node ${i % 2}` })])[0]);
    // counted per node, each node would have let all 10 of its posts through
    expect(sent).toEqual([...Array(15).fill('ok'), ...Array(5).fill('ROOM.RATE_LIMITED')]);
  });
});

describe('per-member limits while Redis is away', () => {
  afterEach(() => closeAllClients());

  it('each node counts in memory instead: posts are still answered at once, and still limited', async () => {
    await pingRedis();
    const redis = new URL(REDIS_URL);
    const relay = await openRelay({ host: redis.hostname, port: Number(redis.port || 6379) });
    const app = await AppProcess.start(freshData('sqlite'), { REDIS_URL: `redis://127.0.0.1:${relay.port}`, ...LIMITS_AS_SHIPPED });
    try {
      const run = randomUUID().slice(0, 6);
      const fran = await connect(app, `fran-${run}`, 'facilitator');
      const alice = await connect(app, `alice-${run}`, 'participant');
      const roomId = await createRoom(fran);
      await joinAll(roomId, alice);
      const before = await burst(alice, 'rooms.post', 5, (i) => ({ roomId, text: `with Redis ${i}` }));
      expect(count(before, 'ok')).toBe(5);

      await relay.cut();
      const started = Date.now();
      const during = await burst(alice, 'rooms.post', 20, (i) => ({ roomId, text: `without Redis ${i}` }));
      // the node's own count starts from nothing: it did not count while Redis did
      expect({ ok: count(during, 'ok'), limited: count(during, 'ROOM.RATE_LIMITED') }).toEqual({ ok: 15, limited: 5 });
      expect(Date.now() - started).toBeLessThan(5_000); // answered, not queued until Redis is back
    } finally {
      await relay.cut().catch(() => undefined);
      await app.stop();
    }
  });
});
