import { randomUUID } from 'node:crypto';
import { AppProcess, freePort, freshData, type AppData } from '../support/app-process';
import { describeWithPostgres, dropSchema } from '../support/postgres';
import { closeAllClients, connect, settle } from '../support/sockets';
import { openRelay } from '../support/tcp-relay';
import { accepted, createRoom, joinAll, roomEvents, waitInRoom } from './rooms/rooms-helpers';
import { pingRedis, postFrom, recordSignals, REDIS_URL } from './scale-out-helpers';

/*
 * Redis carries only what is not in the log (typing, presence, disconnecting a user's sockets on other nodes); durable
 * events reach each node's sockets from that node's own log follower. So with Redis away, two nodes go on delivering
 * every message to both nodes' clients, in order, and a ban still takes the banned member out of the room on the other
 * node; only the signals stop. Once Redis is back, the nodes find it by themselves and the signals cross again.
 */
describeWithPostgres('two nodes while Redis is away', () => {
  let data: AppData;
  let relay: Awaited<ReturnType<typeof openRelay>>;
  const nodes: AppProcess[] = [];
  const metricsPorts: number[] = [];
  /** each node's haven_redis_up, once every node's matches `expected` (or as they are after 15 s) */
  const redisUp = async (expected: number) => {
    const read = () => Promise.all(metricsPorts.map(async (port) => Number((await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).match(/^haven_redis_up (\d+)$/m)?.[1])));
    const deadline = Date.now() + 15_000;
    let values = await read();
    while (values.some((value) => value !== expected) && Date.now() < deadline) {
      await settle(200);
      values = await read();
    }
    return values;
  };

  beforeAll(async () => {
    await pingRedis();
    const redis = new URL(REDIS_URL);
    relay = await openRelay({ host: redis.hostname, port: Number(redis.port || 6379) });
    data = freshData('postgres');
    for (let i = 0; i < 2; i++) {
      const metricsPort = await freePort();
      nodes.push(await AppProcess.start(data, { REDIS_URL: `redis://127.0.0.1:${relay.port}`, LOG_LEVEL: 'info', METRICS_PORT: String(metricsPort) }));
      metricsPorts.push(metricsPort);
    }
  }, 40_000);
  afterAll(async () => {
    closeAllClients();
    await Promise.all(nodes.map((node) => node.stop()));
    await relay.cut().catch(() => undefined);
    await dropSchema(data.env.POSTGRES_SCHEMA).catch(() => undefined);
  });

  it('messages and a ban still reach both nodes in log order, both stay healthy; typing crosses again once Redis is back', async () => {
    const [A, B] = nodes;
    const run = randomUUID().slice(0, 6);
    const fran = await connect(A, `fran-${run}`, 'facilitator');
    const alice = await connect(A, `alice-${run}`, 'participant');
    const bob = await connect(B, `bob-${run}`, 'participant');
    const cleo = await connect(B, `cleo-${run}`, 'participant');
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice, bob, cleo);
    await waitInRoom(alice, roomId, 'MemberJoined', (e) => e.data.userId === cleo.userId);
    expect(await redisUp(1)).toEqual([1, 1]);

    await relay.cut();
    // an operator's alert: Redis is away (while /health stays 200, below)
    expect(await redisUp(0)).toEqual([0, 0]);
    // posts through both nodes, one after the other: every member on either node gets all of them, in the log's order
    const posted: { messageId: string; text: string }[] = [];
    for (let i = 0; i < 6; i++) posted.push(await postFrom(i % 2 === 0 ? alice : bob, roomId, `while Redis is away ${i}`));
    for (const member of [fran, alice, bob, cleo]) {
      await waitInRoom(member, roomId, 'MessagePosted', (e) => e.data.messageId === posted[5].messageId);
      expect(roomEvents(member, roomId, 'MessagePosted').map((e) => e.data.text)).toEqual(posted.map((p) => p.text));
    }
    for (const node of nodes) expect((await fetch(`${node.url}/health`)).status).toBe(200);

    // a ban through node A: node B's follower takes bob out of the room's channel, Redis or not
    await accepted(fran, 'rooms.ban', { roomId, userId: bob.userId, reason: 'testing a ban without Redis' });
    await waitInRoom(cleo, roomId, 'MemberLeft', (e) => e.data.userId === bob.userId);
    const after = await postFrom(alice, roomId, 'after the ban');
    await waitInRoom(cleo, roomId, 'MessagePosted', (e) => e.data.messageId === after.messageId);
    await settle();
    expect(roomEvents(bob, roomId, 'MessagePosted').map((e) => e.data.messageId)).not.toContain(after.messageId);

    // Redis back: each node's clients reconnect by themselves, and typing from A reaches B again
    await relay.restore();
    const cleoSignals = recordSignals(cleo);
    const deadline = Date.now() + 20_000;
    while (!cleoSignals.typing.some((s) => s.userId === alice.userId && s.roomId === roomId) && Date.now() < deadline) {
      await alice.send('rooms.typing', { roomId, typing: true });
      await settle(500);
    }
    expect(cleoSignals.typing.some((s) => s.userId === alice.userId && s.roomId === roomId)).toBe(true);
    for (const node of nodes) expect((await fetch(`${node.url}/health`)).status).toBe(200);
    expect(await redisUp(1)).toEqual([1, 1]);
  }, 90_000);

  it('a node told to stop while Redis is away stops, instead of waiting for Redis to come back', async () => {
    await relay.cut();
    try {
      const stopping = Date.now();
      // Nest's own way out: it re-raises the signal once its shutdown hooks are done
      expect(await nodes[1].stop()).toBe('SIGTERM');
      expect(Date.now() - stopping).toBeLessThan(10_000);
    } finally {
      await relay.restore();
    }
  }, 30_000);
});
