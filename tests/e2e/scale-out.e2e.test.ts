import { randomUUID } from 'node:crypto';
import { AppProcess } from '../support/app-process';
import { describeWithPostgres } from '../support/postgres';
import { connect, settle, type WireEvent } from '../support/sockets';
import { headPosition } from '../support/stores';
import { storedSince } from '../support/event-log';
import { accepted, createRoom, joinAll, waitInRoom } from './rooms/rooms-helpers';
import {
  acceptedWithRetry,
  disconnected,
  getFrom,
  postedIn,
  postFrom,
  recordSignals,
  REDIS_URL,
  twoNodesPerFile,
  waitForPositions,
} from './scale-out-helpers';

/**
 * Two API nodes (A and B) on different ports over ONE PostgreSQL schema, with the socket.io Redis adapter.
 * Durable events reach each node's sockets through that node's own log follower; typing and presence cross nodes
 * through Redis. Every test uses its own room and its own user ids (suffixed with the test and the run), so tests
 * share the nodes only.
 * The last test kills node A and starts a new one on the same data.
 */
/** polls `done` until it holds, failing after `timeoutMs` */
async function waitUntil(done: () => boolean, timeoutMs = 5000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !done(); ) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await settle(20);
  }
}

describeWithPostgres('scale-out: two nodes over one PostgreSQL and Redis', () => {
  const nodes = twoNodesPerFile();

  // user channels span every node on the Redis, so ids are also unique per run (two runs may share one Redis)
  const run = randomUUID().slice(0, 6);
  const tagged = (name: string, tag: string) => `${name}-${tag}-${run}`;
  const positionsOf = (events: WireEvent[]) => events.map((e) => e.position);
  const isStrictlyIncreasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]);

  it('messages posted through both nodes reach every client on both nodes once each, in the same order', async () => {
    const tag = 't1';
    const fran = await connect(nodes.A, tagged('fran', tag), 'facilitator');
    const alice = await connect(nodes.A, tagged('alice', tag), 'participant');
    const bob = await connect(nodes.B, tagged('bob', tag), 'participant');
    const carol = await connect(nodes.B, tagged('carol', tag), 'participant');
    const everyone = [fran, alice, bob, carol];
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice, bob, carol);
    // the last join reached both nodes' sockets before any post
    for (const client of everyone) await waitInRoom(client, roomId, 'MemberJoined', (e) => e.data.userId === carol.userId);

    const posts: { messageId: string; position: number; text: string }[] = [];
    // 8 one after the other, alternating A, B, A, B...
    const alternating = [fran, bob, alice, carol];
    for (let i = 0; i < 8; i++) {
      const sender = alternating[i % alternating.length];
      posts.push(await postFrom(sender, roomId, `sequential ${i} from ${sender.userId}`));
    }
    // 12 more in 3 rounds where all four send at once, two through A and two through B, racing for the stream
    for (let round = 0; round < 3; round++) {
      posts.push(...(await Promise.all(everyone.map((sender) => postFrom(sender, roomId, `round ${round} from ${sender.userId}`)))));
    }
    expect(posts).toHaveLength(20);
    const expected = [...posts].sort((a, b) => a.position - b.position);
    expect(new Set(expected.map((p) => p.position)).size).toBe(20);

    for (const client of everyone) await waitForPositions(client, expected.map((p) => p.position));
    await settle();

    for (const client of everyone) {
      const received = postedIn(client, roomId);
      // every message exactly once, in log order, with the same ids and texts everywhere
      expect({ user: client.userId, positions: positionsOf(received) }).toEqual({
        user: client.userId,
        positions: expected.map((p) => p.position),
      });
      expect(received.map((e) => e.data.messageId)).toEqual(expected.map((p) => p.messageId));
      expect(received.map((e) => e.data.text)).toEqual(expected.map((p) => p.text));
      // and everything the socket got, not just posts, came in strictly increasing position order (no duplicates)
      expect(isStrictlyIncreasing(positionsOf(client.events))).toBe(true);
    }
  }, 45000);

  it('typing crosses nodes through Redis; presence on one node lists users connected to the other', async () => {
    const tag = 't2';
    const fran = await connect(nodes.A, tagged('fran', tag), 'facilitator');
    const alice = await connect(nodes.A, tagged('alice', tag), 'participant');
    const bob = await connect(nodes.B, tagged('bob', tag), 'participant');
    const bobSignals = recordSignals(bob);
    const aliceSignals = recordSignals(alice);
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice, bob);
    await waitInRoom(alice, roomId, 'MemberJoined', (e) => e.data.userId === bob.userId);

    // A -> B
    expect(await alice.send('rooms.typing', { roomId, typing: true })).toEqual({ ok: true, data: { sent: true } });
    expect(await bobSignals.waitForTyping((s) => s.userId === alice.userId && s.typing)).toEqual({
      roomId,
      userId: alice.userId,
      typing: true,
    });
    await alice.send('rooms.typing', { roomId, typing: false });
    await bobSignals.waitForTyping((s) => s.userId === alice.userId && !s.typing);
    // B -> A
    expect((await bob.send('rooms.typing', { roomId, typing: true })).ok).toBe(true);
    await aliceSignals.waitForTyping((s) => s.userId === bob.userId && s.typing && s.roomId === roomId);
    await settle();
    // the typer does not hear itself, and nothing arrives twice
    expect(aliceSignals.typing.filter((s) => s.userId === alice.userId)).toEqual([]);
    expect(bobSignals.typing.filter((s) => s.userId === alice.userId)).toHaveLength(2);

    // presence asked on B lists the users whose sockets are on A
    const onB = await bob.send('rooms.presence', { roomId });
    expect(onB).toEqual({ ok: true, data: { roomId, online: [alice.userId, bob.userId, fran.userId].sort() } });
    const onA = await fran.send('rooms.presence', { roomId });
    expect(onA).toEqual(onB);

    // presence is per user, not per socket, and crosses nodes: dave's second socket on A announces nothing to B,
    // closing one of two announces nothing, closing the last announces offline, coming back announces online
    const dave = await connect(nodes.A, tagged('dave', tag), 'participant');
    await accepted(dave, 'rooms.join', { roomId });
    await waitInRoom(bob, roomId, 'MemberJoined', (e) => e.data.userId === dave.userId);
    const davePhone = await connect(nodes.A, tagged('dave', tag), 'participant');
    expect(await bob.send('rooms.presence', { roomId })).toEqual({
      ok: true,
      data: { roomId, online: [alice.userId, bob.userId, dave.userId, fran.userId].sort() },
    });
    dave.close();
    await settle();
    expect(bobSignals.presence.filter((s) => s.userId === dave.userId)).toEqual([]); // a second socket, then one of two gone
    davePhone.close();
    await bobSignals.waitForPresence((s) => s.userId === dave.userId && !s.online && s.roomId === roomId);
    expect(await bob.send('rooms.presence', { roomId })).toEqual({
      ok: true,
      data: { roomId, online: [alice.userId, bob.userId, fran.userId].sort() },
    });
    await connect(nodes.A, tagged('dave', tag), 'participant');
    await bobSignals.waitForPresence((s) => s.userId === dave.userId && s.online && s.roomId === roomId);
    expect(bobSignals.presence.filter((s) => s.userId === dave.userId).map((s) => s.online)).toEqual([false, true]);
  }, 30000);

  it('tells online and offline for users whose sockets on both nodes connect at the same instant and leave at the same instant', async () => {
    const tag = 't2b';
    const fran = await connect(nodes.A, tagged('fran', tag), 'facilitator');
    const franSignals = recordSignals(fran);
    const users = ['gus', 'hana', 'ivo', 'jo', 'kai', 'lee', 'mo', 'nia'].map((name) => tagged(name, tag));
    const firsts = await Promise.all(users.map((userId) => connect(nodes.B, userId, 'participant')));
    const roomId = await createRoom(fran);
    await joinAll(roomId, ...firsts);
    const told = (userId: string, online: boolean) =>
      franSignals.presence.filter((s) => s.userId === userId && s.online === online && s.roomId === roomId).length;
    for (const first of firsts) first.close();
    await waitUntil(() => users.every((userId) => told(userId, false) === 1));

    // one socket per user on each node, asking each other's node about the user's other socket at the same time:
    // without presence marks, each could see the other and neither told anything, online or offline (this test failed
    // two runs in three that way)
    for (let round = 1; round <= 3; round++) {
      const pairs = await Promise.all(users.map((userId) => Promise.all([connect(nodes.A, userId, 'participant'), connect(nodes.B, userId, 'participant')])));
      await waitUntil(() => users.every((userId) => told(userId, true) >= round));
      for (const pair of pairs) for (const socket of pair) socket.close();
      await waitUntil(() => users.every((userId) => told(userId, false) >= round + 1));
    }
    // sockets that do not see each other both tell: a repeat is harmless, a miss is not
    for (const userId of users) expect(told(userId, true)).toBeLessThanOrEqual(6);
  }, 30000);

  it('a ban issued through node A cuts the banned user out of the room at once on node B (and on A)', async () => {
    const tag = 't3';
    const fran = await connect(nodes.A, tagged('fran', tag), 'facilitator');
    const alice = await connect(nodes.A, tagged('alice', tag), 'participant');
    const bob = await connect(nodes.B, tagged('bob', tag), 'participant');
    const carol = await connect(nodes.B, tagged('carol', tag), 'participant');
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice, bob, carol);
    const bobPhone = await connect(nodes.A, bob.userId, 'participant'); // bob's second device, on the other node
    const bobSignals = recordSignals(bob);
    const bobPhoneSignals = recordSignals(bobPhone);
    const carolSignals = recordSignals(carol);

    const before = await postFrom(alice, roomId, 'before the ban');
    await waitForPositions(bob, [before.position]);
    await waitForPositions(bobPhone, [before.position]);

    const reason = 'threatening another member';
    const ban = await acceptedWithRetry<{ position: number }>(fran, 'rooms.ban', { roomId, userId: bob.userId, reason });
    for (const socket of [bob, bobPhone]) {
      const banned = await waitInRoom(socket, roomId, 'MemberBanned');
      expect(banned).toMatchObject({ position: ban.position, data: { userId: bob.userId, reason, by: fran.userId } });
    }
    // the other member on B sees a plain leave
    expect((await waitInRoom(carol, roomId, 'MemberLeft', (e) => e.data.userId === bob.userId)).position).toBe(ban.position);

    // posts through A and through B right after the ban (B may not even have delivered the ban yet)
    const afterBan = await Promise.all([
      postFrom(alice, roomId, 'after the ban, through A'),
      postFrom(carol, roomId, 'after the ban, through B'),
    ]);
    // typing from A after the ban must not reach bob on B either
    expect((await alice.send('rooms.typing', { roomId, typing: true })).ok).toBe(true);
    await carolSignals.waitForTyping((s) => s.userId === alice.userId && s.typing);
    for (const witness of [fran, alice, carol]) await waitForPositions(witness, afterBan.map((p) => p.position));
    await settle();

    for (const socket of [bob, bobPhone]) {
      expect(postedIn(socket, roomId).map((e) => e.data.text)).toEqual(['before the ban']);
      expect(socket.events.filter((e) => e.position > ban.position)).toEqual([]);
    }
    expect(bobSignals.typing).toEqual([]);
    expect(bobPhoneSignals.typing).toEqual([]);

    // bob's own attempts are refused on both nodes, and store nothing
    const head = await headPosition(nodes.B.url);
    for (const socket of [bob, bobPhone]) {
      const refused = await socket.send('rooms.post', { commandId: randomUUID(), roomId, text: 'let me back in' });
      expect(refused.ok).toBe(false);
      expect(['ROOM.NOT_A_MEMBER', 'ROOM.BANNED']).toContain(!refused.ok && refused.error.code);
      expect(await socket.send('rooms.typing', { roomId, typing: true })).toMatchObject({ ok: false, error: { code: 'ROOM.NOT_A_MEMBER' } });
    }
    expect(await bob.send('rooms.join', { commandId: randomUUID(), roomId })).toMatchObject({ ok: false, error: { code: 'ROOM.BANNED' } });
    expect(await storedSince(nodes.data, head)).toEqual([]);
    expect((await getFrom(nodes.B, bob, `/rooms/${roomId}/messages`)).status).toBe(403);

    // the room goes on without him, on both nodes
    const last = await postFrom(carol, roomId, 'carrying on');
    await waitForPositions(alice, [last.position]);
    await settle();
    expect(bob.events.some((e) => e.position === last.position)).toBe(false);
  }, 30000);

  it('both nodes apply each event to the read models exactly once: same history, roster and counts on both', async () => {
    const tag = 't5';
    const fran = await connect(nodes.A, tagged('fran', tag), 'facilitator');
    const alice = await connect(nodes.A, tagged('alice', tag), 'participant');
    const dave = await connect(nodes.A, tagged('dave', tag), 'participant');
    const bob = await connect(nodes.B, tagged('bob', tag), 'participant');
    const carol = await connect(nodes.B, tagged('carol', tag), 'participant');
    const roomId = await createRoom(fran);
    // joins through both nodes, one leave
    await joinAll(roomId, alice, bob, dave, carol);
    await accepted(dave, 'rooms.leave', { roomId });

    const posts: { messageId: string; position: number; text: string }[] = [];
    for (let i = 0; i < 6; i++) posts.push(await postFrom(i % 2 === 0 ? alice : bob, roomId, `history ${i}`));
    posts.push(...(await Promise.all([alice, bob, carol, fran].map((c) => postFrom(c, roomId, `burst from ${c.userId}`)))));
    // edits, deletions and reactions through both nodes
    const bobsFirst = posts.find((p) => p.text === 'history 1')!;
    const alicesFirst = posts.find((p) => p.text === 'history 0')!;
    await acceptedWithRetry(bob, 'rooms.edit', { roomId, messageId: bobsFirst.messageId, text: 'history 1 (edited on B)' });
    await acceptedWithRetry(alice, 'rooms.delete', { roomId, messageId: alicesFirst.messageId });
    await acceptedWithRetry(carol, 'rooms.react', { roomId, messageId: bobsFirst.messageId, emoji: '👍' });
    const final = await postFrom(carol, roomId, 'the end');
    posts.push(final);
    // both nodes have delivered (and so projected or skipped) everything
    await waitForPositions(alice, [final.position]);
    await waitForPositions(bob, [final.position]);

    const onA = await getFrom(nodes.A, alice, `/rooms/${roomId}/messages?limit=200`);
    const onB = await getFrom(nodes.B, bob, `/rooms/${roomId}/messages?limit=200`);
    expect(onA.status).toBe(200);
    expect(onB.body).toEqual(onA.body);
    const history = onA.body.data as { messageId: string; position: number; text: string | null; deleted: boolean; editedAt: string | null }[];
    const expected = [...posts].sort((a, b) => a.position - b.position);
    expect(history.map((m) => m.messageId)).toEqual(expected.map((p) => p.messageId));
    expect(history.map((m) => m.position)).toEqual(expected.map((p) => p.position));
    expect(new Set(history.map((m) => m.messageId)).size).toBe(history.length);
    expect(history.find((m) => m.messageId === bobsFirst.messageId)).toMatchObject({ text: 'history 1 (edited on B)', editedAt: expect.any(String) });
    expect(history.find((m) => m.messageId === alicesFirst.messageId)).toMatchObject({ deleted: true, text: null });

    // the roster and the member count (a counter: applying a join or leave twice would show) agree on both nodes
    const rosterA = await getFrom(nodes.A, fran, `/rooms/${roomId}/members`);
    const rosterB = await getFrom(nodes.B, carol, `/rooms/${roomId}/members`);
    expect(rosterB.body).toEqual(rosterA.body);
    const members = (rosterA.body.data as { userId: string }[]).map((m) => m.userId).sort();
    expect(members).toEqual([alice.userId, bob.userId, carol.userId, fran.userId].sort());
    const roomA = await getFrom(nodes.A, fran, `/rooms/${roomId}`);
    const roomB = await getFrom(nodes.B, bob, `/rooms/${roomId}`);
    expect(roomA.body.data).toMatchObject({ memberCount: 4 });
    expect(roomB.body).toEqual(roomA.body);
  }, 30000);

  it('killing node A loses nothing: its client resumes on node B with exactly what it missed, then live works', async () => {
    const tag = 't4';
    const fran = await connect(nodes.A, tagged('fran', tag), 'facilitator');
    const alice = await connect(nodes.A, tagged('alice', tag), 'participant');
    const bob = await connect(nodes.B, tagged('bob', tag), 'participant');
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice, bob);
    const seen = [await postFrom(alice, roomId, 'seen 1 (through A)'), await postFrom(bob, roomId, 'seen 2 (through B)')];
    await waitForPositions(alice, seen.map((p) => p.position));
    const aliceLast = alice.lastPosition();
    expect(aliceLast).toBe(Math.max(...seen.map((p) => p.position)));

    await nodes.A.kill();
    await disconnected(alice);

    // while alice is away: posts through B, including from fran on her new connection, and a room alice is not in
    const franOnB = await connect(nodes.B, fran.userId, 'facilitator');
    const missed = [];
    for (const [sender, text] of [
      [bob, 'missed 1'],
      [franOnB, 'missed 2'],
      [bob, 'missed 3'],
    ] as const) {
      missed.push(await postFrom(sender, roomId, text));
    }
    await createRoom(franOnB, { name: 'staff only' });

    const aliceOnB = await connect(nodes.B, alice.userId, 'participant', { lastPosition: aliceLast });
    await settle();
    expect(positionsOf(aliceOnB.events)).toEqual(missed.map((p) => p.position));
    expect(aliceOnB.events.map((e) => e.data.text)).toEqual(['missed 1', 'missed 2', 'missed 3']);

    // live on B
    const live = await postFrom(bob, roomId, 'live on B');
    expect((await waitInRoom(aliceOnB, roomId, 'MessagePosted', (e) => e.data.text === 'live on B')).position).toBe(live.position);
    await settle();
    expect(positionsOf(aliceOnB.events)).toEqual([...missed, live].map((p) => p.position));

    // a replacement node A on the same data joins in: resuming there sends nothing old, and live reaches it
    nodes.A = await AppProcess.start(nodes.data, { REDIS_URL });
    const aliceOnNewA = await connect(nodes.A, alice.userId, 'participant', { lastPosition: aliceOnB.lastPosition() });
    const again = await postFrom(bob, roomId, 'hello new node');
    await waitForPositions(aliceOnNewA, [again.position]);
    await settle();
    expect(positionsOf(aliceOnNewA.events)).toEqual([again.position]);
    const fromNewA = await postFrom(aliceOnNewA, roomId, 'back on A');
    await waitForPositions(bob, [fromNewA.position]);
    await waitForPositions(aliceOnB, [again.position, fromNewA.position]);
    expect(isStrictlyIncreasing(positionsOf(bob.events))).toBe(true);
    expect(isStrictlyIncreasing(positionsOf(aliceOnB.events))).toBe(true);
  }, 45000);
});
