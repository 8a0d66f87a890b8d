import { randomUUID } from 'node:crypto';
import { AppProcess, freshData } from '../../support/app-process';
import { readLog } from '../../support/event-log';
import { closeAllClients, closeClientsAndAppAfterEach, connect, connectError, settle, tokenFor, type TestClient } from '../../support/sockets';
import { headPosition, STORES } from '../../support/stores';
import { httpGet, httpPost, post, roomWithAliceAndBob, waitInRoom } from '../rooms/rooms-helpers';
import { twoNodesPerFile } from '../scale-out-helpers';
import { describeWithPostgres, dropSchema } from '../../support/postgres';
import { openPostgresRelay } from '../../support/tcp-relay';

/*
 * An admin suspends a person's access (README, "Suspending someone's access"): every token of theirs is refused at
 * once, on every request and handshake, however long it still runs, and their open connections end. Reinstated, they
 * find everything as it was.
 */

const sessionEnded = (client: TestClient) =>
  new Promise<{ code: string; message: string }>((resolve) => client.socket.once('session.ended', (data: { code: string; message: string }) => resolve(data)));
const disconnected = (client: TestClient) => new Promise<void>((resolve) => (client.socket.disconnected ? resolve() : client.socket.once('disconnect', () => resolve())));

describe.each(STORES)('suspending access on %s', (store) => {
  let app: AppProcess;
  closeClientsAndAppAfterEach(() => app);

  it("cuts a person off at once: their sockets end, their tokens are refused; staff are told why; reinstated, all is as it was", async () => {
    app = await AppProcess.start(freshData(store));
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    const alicePhone = await connect(app, 'alice', 'participant');
    const ada = await connect(app, 'ada', 'admin');
    const kim = await connect(app, 'dr-kim', 'clinician');
    const reason = `threatened bob in a private message ${randomUUID()}`;

    const endings = [sessionEnded(alice), sessionEnded(alicePhone)];
    const suspended = await httpPost(app, ada, '/people/alice/suspension', { commandId: randomUUID(), reason });
    expect(suspended).toMatchObject({ status: 200, body: { ok: true, data: { userId: 'alice', replayed: false } } });
    for (const ended of await Promise.all(endings)) expect(ended.code).toBe('AUTH.SUSPENDED');
    await Promise.all([disconnected(alice), disconnected(alicePhone)]);

    // her token, still good for hours, opens nothing
    expect((await connectError(app, { token: alice.token })).data).toMatchObject({ code: 'AUTH.SUSPENDED' });
    expect(await httpGet(app, alice, '/rooms')).toMatchObject({ status: 403, body: { ok: false, error: { code: 'AUTH.SUSPENDED' } } });
    expect((await connectError(app, { token: await tokenFor('alice', 'participant') })).data).toMatchObject({ code: 'AUTH.SUSPENDED' });

    // clinicians and admins are told, with the reason; the room, its facilitator and bob learn nothing
    expect((await kim.waitForEvent((e) => e.type === 'AccessSuspended')).data).toMatchObject({ userId: 'alice', reason, by: 'ada' });
    await ada.waitForEvent((e) => e.type === 'AccessSuspended');
    await settle();
    for (const other of [fran, bob]) expect(other.events.filter((e) => e.type.startsWith('Access'))).toEqual([]);
    expect((await httpGet(app, ada, '/people/suspended')).body.data).toEqual([{ userId: 'alice', suspendedBy: 'ada', since: expect.any(String) }]);
    expect((await httpGet(app, bob, '/people/suspended')).status).toBe(403);
    // the reason is written about her: stored sealed with her key, as her words are
    const stored = (await readLog(app.data, { sealed: true })).find((e) => e.type === 'AccessSuspended')!;
    expect(JSON.stringify(stored.data)).not.toContain(reason);
    expect((await readLog(app.data)).find((e) => e.type === 'AccessSuspended')!.data).toMatchObject({ reason });
    // the same again appends nothing
    expect((await httpPost(app, ada, '/people/alice/suspension', { commandId: randomUUID(), reason })).body.data).toMatchObject({ position: null });

    // reinstated: her tokens work again, her membership is as it was
    expect((await httpPost(app, ada, '/people/alice/reinstatement', { commandId: randomUUID() })).status).toBe(200);
    await kim.waitForEvent((e) => e.type === 'AccessReinstated');
    const back = await connect(app, 'alice', 'participant');
    const { messageId } = await post(back, roomId, 'I am back');
    await waitInRoom(bob, roomId, 'MessagePosted', (e) => e.data.messageId === messageId);
    expect((await httpGet(app, ada, '/people/suspended')).body.data).toEqual([]);
  });

  it('only an admin suspends, with a reason, never themselves; nothing refused is stored', async () => {
    app = await AppProcess.start(freshData(store));
    const ada = await connect(app, 'ada', 'admin');
    const kim = await connect(app, 'dr-kim', 'clinician');
    const head = await headPosition(app.url);
    const suspend = (as: TestClient, userId: string, body: Record<string, unknown>) => httpPost(app, as, `/people/${userId}/suspension`, { commandId: randomUUID(), ...body });
    expect(await suspend(kim, 'alice', { reason: 'r' })).toMatchObject({ status: 403, body: { error: { code: 'AUTH.FORBIDDEN' } } });
    expect(await suspend(ada, 'ada', { reason: 'r' })).toMatchObject({ status: 403, body: { error: { code: 'AUTH.FORBIDDEN' } } });
    expect(await suspend(ada, 'alice', { reason: '   ' })).toMatchObject({ status: 422, body: { error: { code: 'PEOPLE.INVALID_REASON' } } });
    expect(await suspend(ada, 'alice', {})).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION.FAILED' } } });
    expect(await httpPost(app, kim, '/people/alice/reinstatement', { commandId: randomUUID() })).toMatchObject({ status: 403 });
    expect(await headPosition(app.url)).toBe(head);
    // kim is untouched by any of it
    expect((await httpGet(app, kim, '/rooms')).status).toBe(200);
  });
});

describeWithPostgres('suspending access on two nodes', () => {
  const nodes = twoNodesPerFile();

  it('a suspension made through node A ends the person\'s sockets on node B, and B refuses their tokens', async () => {
    const run = randomUUID().slice(0, 6);
    const ada = await connect(nodes.A, `ada-${run}`, 'admin');
    const carl = await connect(nodes.B, `carl-${run}`, 'participant');
    const ended = sessionEnded(carl);
    expect((await httpPost(nodes.A, ada, `/people/carl-${run}/suspension`, { commandId: randomUUID(), reason: 'left the program' })).status).toBe(200);
    expect((await ended).code).toBe('AUTH.SUSPENDED');
    await disconnected(carl);
    expect((await connectError(nodes.B, { token: carl.token })).data).toMatchObject({ code: 'AUTH.SUSPENDED' });
  });
});

describeWithPostgres('suspensions while the database is away', () => {
  it('a token is refused as AUTH.VERIFIER_UNAVAILABLE (503 over HTTP), not let through unchecked; once the database is back it is accepted', async () => {
    const relay = await openPostgresRelay();
    const data = freshData('postgres');
    const app = await AppProcess.start(data, { DATABASE_URL: relay.databaseUrl });
    const cara = `cara-${randomUUID().slice(0, 6)}`;
    const token = await tokenFor(cara, 'participant');
    const rooms = () => fetch(`${app.url}/rooms`, { headers: { authorization: `Bearer ${token}` } });
    try {
      expect((await rooms()).status).toBe(200);

      await relay.cut();
      const whileAway = await rooms();
      expect({ status: whileAway.status, body: await whileAway.json() }).toMatchObject({ status: 503, body: { ok: false, error: { code: 'AUTH.VERIFIER_UNAVAILABLE' } } });
      expect((await connectError(app, { token })).data).toMatchObject({ code: 'AUTH.VERIFIER_UNAVAILABLE' });

      await relay.restore();
      const deadline = Date.now() + 10_000;
      while ((await rooms()).status !== 200 && Date.now() < deadline) await settle(200);
      expect((await rooms()).status).toBe(200);
      expect((await connect(app, cara, 'participant', { token })).socket.connected).toBe(true);
    } finally {
      closeAllClients();
      await app.stop();
      await relay.cut();
      await dropSchema(data.env.POSTGRES_SCHEMA).catch(() => undefined);
    }
  }, 60_000);
});
