import { randomUUID } from 'node:crypto';
import { mintDevToken } from '@haven/identity/dev-token-minter';
import { AppProcess, freshData, TEST_JWT_SECRET } from '../support/app-process';
import { closeAllClients, closeClientsAndAppAfterEach, connect, connectError, settle, tokenFor, type TestClient } from '../support/sockets';
import { headPosition, STORES } from '../support/stores';
import { createRoom, joinAll, oneAppPerFile } from './rooms/rooms-helpers';

const newRoom = (name = 'Tuesday evening group') => ({
  commandId: randomUUID(),
  name,
  topic: 'coping between sessions',
  kind: 'peer_support',
  capacity: 10,
  joinRule: 'open',
});

describe.each(STORES)('the spine on %s', (store) => {
  // tests that each work in rooms of their own share one app (an app's start is most of an e2e test's time)
  describe('on one app', () => {
    let app: AppProcess;
    oneAppPerFile(store, (started) => (app = started));

    it('creates a room, joins two users, posts a message the other user receives with its position; a repeated command id appends nothing', async () => {
      const facilitator = await connect(app, 'fran', 'facilitator');
      const alice = await connect(app, 'alice', 'participant');
      const bob = await connect(app, 'bob', 'participant');

      const created = await facilitator.send('rooms.create', newRoom());
      expect(created).toMatchObject({ ok: true, data: { replayed: false } });
      const roomId = created.ok && created.data.roomId;
      expect((await alice.send('rooms.join', { commandId: randomUUID(), roomId })).ok).toBe(true);
      expect((await bob.send('rooms.join', { commandId: randomUUID(), roomId })).ok).toBe(true);

      const commandId = randomUUID();
      const posted = await alice.send('rooms.post', { commandId, roomId, text: 'made it through today' });
      expect(posted.ok).toBe(true);
      const position = posted.ok ? posted.data.position : -1;

      const received = await bob.waitForEvent((e) => e.type === 'MessagePosted');
      expect(received).toMatchObject({ position, actorId: 'alice', data: { text: 'made it through today', authorId: 'alice' } });
      expect(received.streamId).toBe(`room-${roomId}`);

      const head = await headPosition(app.url);
      const again = await alice.send('rooms.post', { commandId, roomId, text: 'made it through today' });
      expect(again).toMatchObject({ ok: true, data: { replayed: true, position } });
      expect(await headPosition(app.url)).toBe(head);
      await settle();
      expect(bob.events.filter((e) => e.type === 'MessagePosted')).toHaveLength(1);
    });

    it('refuses bad input with a structured error, stores nothing, and leaves other connections alone', async () => {
      const facilitator = await connect(app, 'fran', 'facilitator');
      const created = await facilitator.send('rooms.create', newRoom());
      const roomId = created.ok && created.data.roomId;
      const alice = await connect(app, 'alice', 'participant');
      const bob = await connect(app, 'bob', 'participant');
      await alice.send('rooms.join', { commandId: randomUUID(), roomId });
      await bob.send('rooms.join', { commandId: randomUUID(), roomId });
      const head = await headPosition(app.url);

      const missing = await alice.send('rooms.post', { commandId: randomUUID(), roomId });
      expect(missing).toMatchObject({ ok: false, error: { code: 'VALIDATION.FAILED' } });
      expect(missing.ok === false && missing.error.details.errors.map((e: { property: string }) => e.property)).toContain('text');

      const unknownField = await alice.send('rooms.post', { commandId: randomUUID(), roomId, text: 'hi', isAdmin: true });
      expect(unknownField).toMatchObject({ ok: false, error: { code: 'VALIDATION.FAILED' } });

      const notAnObject = await alice.send('rooms.post', 'just a string');
      expect(notAnObject).toMatchObject({ ok: false, error: { code: 'VALIDATION.FAILED' } });

      const tooLong = await alice.send('rooms.post', { commandId: randomUUID(), roomId, text: 'x'.repeat(4001) });
      expect(tooLong).toMatchObject({ ok: false, error: { code: 'ROOM.MESSAGE_TOO_LONG' } });

      const notMember = await connect(app, 'mallory', 'participant');
      const refused = await notMember.send('rooms.post', { commandId: randomUUID(), roomId, text: 'let me in' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'ROOM.NOT_A_MEMBER' } });

      const httpBad = await fetch(`${app.url}/rooms`, {
        method: 'POST',
        headers: { authorization: `Bearer ${facilitator.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ commandId: 'x', name: '', extra: 1 }),
      });
      expect(httpBad.status).toBe(400);
      expect(await httpBad.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION.FAILED' } });

      expect(await headPosition(app.url)).toBe(head);
      // the other user's connection still works
      const after = await alice.send('rooms.post', { commandId: randomUUID(), roomId, text: 'still here' });
      expect(after.ok).toBe(true);
      await bob.waitForEvent((e) => e.type === 'MessagePosted' && e.data.text === 'still here');
      expect(bob.socket.connected && alice.socket.connected).toBe(true);
    });

    it('refuses missing, malformed, expired and wrongly signed tokens (and a malformed resume position) at the handshake, and tokens over HTTP', async () => {
      expect((await connectError(app, {})).data).toMatchObject({ code: 'AUTH.TOKEN_MISSING' });
      expect((await connectError(app, { token: 'not-a-jwt' })).data).toMatchObject({ code: 'AUTH.TOKEN_MALFORMED' });
      const wrongKey = await mintDevToken({ secret: 'another-secret-that-is-32-bytes-or-more!!', sub: 'eve', role: 'admin' });
      expect((await connectError(app, { token: wrongKey })).data).toMatchObject({ code: 'AUTH.TOKEN_INVALID_SIGNATURE' });
      const expired = await mintDevToken({ secret: TEST_JWT_SECRET, sub: 'eve', role: 'participant', expiresIn: '-1m' });
      expect((await connectError(app, { token: expired })).data).toMatchObject({ code: 'AUTH.TOKEN_EXPIRED' });
      // a resume position that is not a non-negative integer is refused, not taken as "no catch-up"
      const valid = await tokenFor('eve', 'participant');
      for (const lastPosition of ['42', -1, 2.5]) {
        expect((await connectError(app, { token: valid, lastPosition })).data).toMatchObject({
          code: 'VALIDATION.FAILED',
          details: { errors: [{ property: 'lastPosition' }] },
        });
      }

      const noAuth = await fetch(`${app.url}/rooms`);
      expect(noAuth.status).toBe(401);
      expect(await noAuth.json()).toMatchObject({ ok: false, error: { code: 'AUTH.TOKEN_MISSING' } });
      const ok = await fetch(`${app.url}/rooms`, { headers: { authorization: `Bearer ${await tokenFor('alice', 'participant')}` } });
      expect(ok.status).toBe(200);
    });

    it('disconnects a socket when its token expires; back with a fresh token and its last position, it misses nothing', async () => {
      const fran = await connect(app, 'fran', 'facilitator');
      const created = await fran.send('rooms.create', newRoom());
      const roomId = created.ok && created.data.roomId;
      const shortLived = await mintDevToken({ secret: TEST_JWT_SECRET, sub: 'alice', role: 'participant', expiresIn: '3s' });
      const alice = await connect(app, 'alice', 'participant', { token: shortLived });
      expect((await alice.send('rooms.join', { commandId: randomUUID(), roomId })).ok).toBe(true);
      await alice.waitForEvent((e) => e.type === 'MemberJoined');

      const expired = new Promise<unknown>((resolve) => alice.socket.once('session.expired', resolve));
      const disconnected = new Promise<string>((resolve) => alice.socket.once('disconnect', resolve));
      expect(await expired).toMatchObject({ code: 'AUTH.TOKEN_EXPIRED' });
      expect(await disconnected).toBe('io server disconnect');

      const posted = await fran.send('rooms.post', { commandId: randomUUID(), roomId, text: 'while you were away' });
      const back = await connect(app, 'alice', 'participant', { lastPosition: alice.lastPosition() });
      const missed = await back.waitForEvent((e) => e.type === 'MessagePosted');
      expect(missed).toMatchObject({ position: posted.ok && posted.data.position, data: { text: 'while you were away' } });
    });

    it('a socket given a newer token of its own with session.refresh stays past the old one; any other token is refused and changes nothing', async () => {
      const fran = await connect(app, 'fran', 'facilitator');
      const roomId = await createRoom(fran);
      // one token for both sockets: the sweep that ends one at its expiry would end the other too
      const shortLived = await mintDevToken({ secret: TEST_JWT_SECRET, sub: 'alice', role: 'participant', expiresIn: '3s' });
      const refreshed = await connect(app, 'alice', 'participant', { token: shortLived });
      const refused = await connect(app, 'alice', 'participant', { token: shortLived });
      await joinAll(roomId, refreshed);
      let refreshedDisconnected = false;
      refreshed.socket.once('disconnect', () => (refreshedDisconnected = true));
      const expired = new Promise<unknown>((resolve) => refused.socket.once('session.expired', resolve));

      const tokens = {
        anotherPerson: await tokenFor('bob', 'participant'),
        anotherRole: await tokenFor('alice', 'mentor'),
        expired: await mintDevToken({ secret: TEST_JWT_SECRET, sub: 'alice', role: 'participant', expiresIn: '-1m' }),
      };
      expect(await refused.send('session.refresh', { token: tokens.anotherPerson })).toMatchObject({ ok: false, error: { code: 'AUTH.TOKEN_OF_ANOTHER_ACTOR' } });
      expect(await refused.send('session.refresh', { token: tokens.anotherRole })).toMatchObject({ ok: false, error: { code: 'AUTH.TOKEN_OF_ANOTHER_ACTOR' } });
      expect(await refused.send('session.refresh', { token: tokens.expired })).toMatchObject({ ok: false, error: { code: 'AUTH.TOKEN_EXPIRED' } });
      expect(await refused.send('session.refresh', { token: 'not a jwt' })).toMatchObject({ ok: false, error: { code: 'AUTH.TOKEN_MALFORMED' } });
      expect(await refused.send('session.refresh', { token: 42 })).toMatchObject({ ok: false, error: { code: 'VALIDATION.FAILED' } });

      const later = await refreshed.send('session.refresh', { token: await tokenFor('alice', 'participant') });
      expect(later).toMatchObject({ ok: true, data: { expiresAt: expect.any(String) } });
      expect(Date.parse((later as { data: { expiresAt: string } }).data.expiresAt)).toBeGreaterThan(Date.now() + 60_000);

      expect(await expired).toMatchObject({ code: 'AUTH.TOKEN_EXPIRED' });
      await settle();
      expect(refreshedDisconnected).toBe(false);
      const posted = await fran.send('rooms.post', { commandId: randomUUID(), roomId, text: 'still with us' });
      expect(posted.ok).toBe(true);
      await refreshed.waitForEvent((e) => e.data.text === 'still with us');
    });

    it('resuming after a position this node has not delivered yet (as from a node ahead of it), waits for it: nothing is sent twice', async () => {
      const fran = await connect(app, 'fran', 'facilitator');
      const alice = await connect(app, 'alice', 'participant');
      const roomId = await createRoom(fran);
      await joinAll(roomId, alice);
      const head = await headPosition(app.url);
      alice.close();

      // alice already has the next event (another node delivered it to her); this node has not got there yet
      const resumed = connect(app, 'alice', 'participant', { lastPosition: head + 1 });
      await settle();
      const had = await fran.send('rooms.post', { commandId: randomUUID(), roomId, text: 'she has this one' });
      expect(had).toMatchObject({ ok: true, data: { position: head + 1 } });
      const back = await resumed;
      await fran.send('rooms.post', { commandId: randomUUID(), roomId, text: 'and not this one' });
      await back.waitForEvent((e) => e.data.text === 'and not this one');
      expect(back.events.map((e) => e.data.text)).toEqual(['and not this one']);
    });
  });

  // a restart, and a setting of its own
  describe('on an app of its own', () => {
    let app: AppProcess;
    closeClientsAndAppAfterEach(() => app);

    it('after a restart on the same data, a client that reconnects with its last position receives exactly the events it missed', async () => {
      const data = freshData(store);
      app = await AppProcess.start(data);
      const facilitator = await connect(app, 'fran', 'facilitator');
      const created = await facilitator.send('rooms.create', newRoom());
      const roomId = created.ok && created.data.roomId;
      const alice = await connect(app, 'alice', 'participant');
      let bob: TestClient = await connect(app, 'bob', 'participant');
      await alice.send('rooms.join', { commandId: randomUUID(), roomId });
      await bob.send('rooms.join', { commandId: randomUUID(), roomId });
      const earlyCommandId = randomUUID();
      const early = await alice.send('rooms.post', { commandId: earlyCommandId, roomId, text: 'before bob left' });
      await bob.waitForEvent((e) => e.data.text === 'before bob left');
      const bobLast = bob.lastPosition();
      bob.close();

      const missed = [];
      for (const text of ['one', 'two', 'three']) {
        const ack = await alice.send('rooms.post', { commandId: randomUUID(), roomId, text });
        missed.push(ack.ok && ack.data.position);
      }
      // events bob may not see: another room he is not in
      await facilitator.send('rooms.create', newRoom('staff only'));
      closeAllClients();
      expect([0, 'SIGTERM']).toContain(await app.stop());

      app = await AppProcess.start(data);
      bob = await connect(app, 'bob', 'participant', { lastPosition: bobLast });
      await settle();
      expect(bob.events.map((e) => e.position)).toEqual(missed);
      expect(bob.events.map((e) => e.data.text)).toEqual(['one', 'two', 'three']);

      const alice2 = await connect(app, 'alice', 'participant');
      // the same command id after the restart: the first result again, nothing appended
      const headBefore = await headPosition(app.url);
      const again = await alice2.send('rooms.post', { commandId: earlyCommandId, roomId, text: 'before bob left' });
      expect(again).toMatchObject({ ok: true, data: { replayed: true, position: early.ok && early.data.position } });
      expect(await headPosition(app.url)).toBe(headBefore);
      await alice2.send('rooms.post', { commandId: randomUUID(), roomId, text: 'live again' });
      const live = await bob.waitForEvent((e) => e.data.text === 'live again');
      expect(live.position).toBeGreaterThan(missed[2] as number);
      expect(new Set(bob.events.map((e) => e.position)).size).toBe(bob.events.length);
    });

    it('limits HTTP requests per client with a structured 429, and never the health check', async () => {
      app = await AppProcess.start(freshData(store), { RATE_LIMIT_PER_MINUTE: '5' });
      const headers = { authorization: `Bearer ${await tokenFor('alice', 'participant')}` };
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await fetch(`${app.url}/rooms`, { headers })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const limited = await fetch(`${app.url}/rooms`, { headers });
      expect(await limited.json()).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      expect((await fetch(`${app.url}/health`)).status).toBe(200);

      // the HTTP limit does not apply to sockets (rooms have slow mode; the crisis path must never be limited) ...
      const fran = await connect(app, 'fran', 'facilitator');
      for (let i = 0; i < 10; i++) expect((await fran.send('sync', { after: 0 })).ok).toBe(true);
      // ... but a sync re-reads the log in the node's delivery queue, so each user gets 10 a minute
      expect(await fran.send('sync', { after: 0 })).toMatchObject({ ok: false, error: { code: 'REALTIME.RATE_LIMITED' } });
      const bob = await connect(app, 'bob', 'participant');
      expect((await bob.send('sync', { after: 0 })).ok).toBe(true);
      expect(await fran.send('rooms.create', newRoom())).toMatchObject({ ok: true });
    });
  });
});
