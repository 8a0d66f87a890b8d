import { AppProcess, freshData, type AppData } from '../support/app-process';
import { describeWithPostgres, dropSchema } from '../support/postgres';
import { closeAllClients, connect, settle } from '../support/sockets';
import { openPostgresRelay } from '../support/tcp-relay';
import { createRoom, joinAll, post, waitInRoom } from './rooms/rooms-helpers';

/*
 * A node whose database goes away and comes back delivers live again by itself (docs/ARCHITECTURE.md, the log
 * follower): PostgreSQL is reached through a TCP relay the test cuts, as a network partition or a database restart
 * would; the clients' sockets to the node stay up throughout.
 */

async function healthWhen(url: string, done: (status: number, body: any) => boolean, timeoutMs: number) {
  for (const deadline = Date.now() + timeoutMs; ; await settle(100)) {
    const response = await fetch(`${url}/health`);
    const body: any = await response.json();
    if (done(response.status, body)) return { status: response.status, body };
    if (Date.now() > deadline) throw new Error(`health not as awaited within ${timeoutMs} ms: ${response.status} ${JSON.stringify(body)}`);
  }
}

describeWithPostgres('the log follower after the database was away', () => {
  let data: AppData;
  let app: AppProcess;
  let relay: Awaited<ReturnType<typeof openPostgresRelay>>;

  beforeAll(async () => {
    relay = await openPostgresRelay();
    const fresh = freshData('postgres');
    data = { ...fresh, env: { ...fresh.env, DATABASE_URL: relay.databaseUrl } };
    app = await AppProcess.start(data);
  });
  afterAll(async () => {
    closeAllClients();
    await app?.stop();
    await relay?.cut();
    if (data) await dropSchema(data.env.POSTGRES_SCHEMA).catch(() => undefined);
  });

  it('goes unhealthy while it is away, then resumes by itself: health is 200 again and posts reach members live', async () => {
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice);
    await post(fran, roomId, 'before the cut');

    await relay.cut();
    await healthWhen(app.url, (status) => status === 503, 10_000);
    await settle(1500); // the follower polls the log every 500 ms: it has certainly met the cut
    await relay.restore();

    const back = await healthWhen(app.url, (status) => status === 200, 20_000);
    expect(back.body.info).toMatchObject({ eventStore: { status: 'up' }, logFollower: { status: 'up' } });
    const { messageId } = await post(fran, roomId, 'after the database came back');
    await waitInRoom(alice, roomId, 'MessagePosted', (e) => e.data.messageId === messageId);
    expect(alice.socket.connected).toBe(true);
  });
});
