import { AppProcess, freshData, type AppData } from '../support/app-process';
import { closeAllClients, connect, settle, type TestClient } from '../support/sockets';
import { STORES, caughtUp, headPosition } from '../support/stores';
import { advanceClock } from '../support/test-clock';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { builtFromTheLog, dropDeployment, execOn, rowsOn, runToTheHead, setStoredVersion } from '../upgrade/upgrade-fixtures';
import { playScenario } from '../upgrade/upgrade-scenario';
import { accepted, createRoom, joinAll, post, waitInRoom } from './rooms/rooms-helpers';

/**
 * How this version readies its read models at start (libs/projections prepareReadModels, the log follower): every read
 * model built live is the one built from the log alone; a read model a later version built stops the start; and a node
 * replaying its log at start (a read model new or of a new version) attaches no socket, and polls no deadline, until
 * it is through.
 * Upgrades from earlier versions' databases: upgrade.e2e.test.ts.
 */

/** posts per member in the read-model-rebuilt-at-start test: a log long enough that replaying it takes a moment */
const POSTS_PER_MEMBER = 125;

describe.each(STORES)('this version on %s', (store) => {
  const deployments: AppData[] = [];
  afterAll(async () => {
    closeAllClients();
    for (const data of deployments) await dropDeployment(data);
  });

  it('plays the upgrade scenario with nothing refused, and every read model built live is the one built from the log alone, byte for byte', async () => {
    const data = freshData(store);
    deployments.push(data);
    const app = await AppProcess.start(data);
    try {
      const played = await playScenario(app);
      expect(played.refused).toEqual([]);
    } finally {
      await app.stop();
    }
    const { tables, readModels, was, built } = await builtFromTheLog(data, (copy) => deployments.push(copy));
    expect(tables.was).toEqual(tables.built);
    expect(readModels.length).toBeGreaterThan(30);
    for (const table of readModels) expect({ table, rows: was[table] }).toEqual({ table, rows: built[table] });
  });
});

describe.each(STORES)('going back, on %s', (store) => {
  let data: AppData | undefined;
  afterAll(async () => {
    if (data) await dropDeployment(data);
  });

  it('an earlier version does not start on a read model a later one built, and says what to do', async () => {
    data = freshData(store);
    await runToTheHead(data);
    // as if a later version had built family_sessions at its version 99
    await setStoredVersion(data, 'family_sessions', 99);
    const started = AppProcess.start(data);
    await expect(started).rejects.toThrow(/read model family_sessions was built by a newer version of Haven \(its version 99; this one knows \d+\): start that version, or rebuild/);
  });
});

describe.each(STORES)('a later version started beside this one (a rolling deploy), on %s', (store) => {
  let data: AppData | undefined;
  let app: AppProcess | undefined;
  afterAll(async () => {
    closeAllClients();
    await app?.stop();
    if (data) await dropDeployment(data);
  });

  it('this node writes nothing into a read model the later one rebuilds, goes on delivering, and its /health says to stop it', async () => {
    data = freshData(store);
    app = await AppProcess.start(data);
    const [fran, alice] = await Promise.all([connect(app, 'fran', 'facilitator'), connect(app, 'alice', 'participant')]);
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice);
    await post(alice, roomId, 'before the later version started');
    const [{ version }] = await rowsOn(data, `select version from read_model_versions where name = 'room_messages'`);
    const known = Number(version);
    // what a later version's start does to a read model it changed (prepareReadModels): rows gone, checkpoint at 0, its
    // version stored, with the checkpoint too; it then builds the read model from the log by its own rules
    await execOn(data, `delete from room_messages; update read_model_checkpoints set position = 0, version = ${known + 1} where name = 'room_messages';
      update read_model_versions set version = ${known + 1} where name = 'room_messages'`);

    const { messageId } = await post(alice, roomId, 'after it started');
    await waitInRoom(fran, roomId, 'MessagePosted', (e) => e.data.messageId === messageId);
    // (/health's head is not to be had: it answers 503 now)
    const head = Number((await rowsOn(data, `select max(position) as head from events`))[0].head);
    expect(await rowsOn(data, `select message_id from room_messages`)).toEqual([]);
    const checkpoints = await rowsOn(data, `select name, position from read_model_checkpoints where name in ('room_messages', 'room_directory') order by name`);
    expect(checkpoints.map((row) => [row.name, Number(row.position)])).toEqual([['room_directory', head], ['room_messages', 0]]);
    const health = await fetch(`${app.url}/health`);
    expect(health.status).toBe(503);
    const body = (await health.json()) as { error: { code: string; details: { error: Record<string, unknown> } } };
    expect(body.error.code).toBe('HEALTH.UNAVAILABLE');
    expect(body.error.details.error).toEqual({ readModels: { status: 'down', storedAtAnotherVersion: [{ readModel: 'room_messages', stored: known + 1, known }] } });
  });
});

/** Posts POSTS_PER_MEMBER messages from each member into the room, members side by side. */
async function busy(roomId: string, members: TestClient[]): Promise<void> {
  await Promise.all(members.map(async (member) => {
    for (let i = 0; i < POSTS_PER_MEMBER; i++) await accepted(member, 'rooms.post', { roomId, text: `post ${i}` });
  }));
}

describe.each(STORES)('read models built anew at start, on %s', (store) => {
  let data: AppData | undefined;
  let app: AppProcess | undefined;
  let gateway: WebhookReceiver | undefined;
  afterAll(async () => {
    closeAllClients();
    await app?.stop();
    await gateway?.close();
    if (data) await dropDeployment(data);
  });

  it('no socket is attached and no deadline polled before the node has replayed the log it found: nothing old arrives twice or is missed, nobody is told of what they read', async () => {
    gateway = await startWebhookReceiver('/push');
    data = freshData(store);
    const afterSeconds = 10;
    const env = { OFFLINE_NOTICE_URL: gateway.url, OFFLINE_NOTICE_AFTER_SECONDS: String(afterSeconds), DEADLINE_POLL_MS: '20', ROOM_ACTIVITY_LIMIT_SCALE: '1000000' };
    const first = await AppProcess.start(data, env);
    app = first;
    const fran = await connect(first, 'fran', 'facilitator');
    const [alice, bob] = await Promise.all([connect(first, 'alice', 'participant'), connect(first, 'bob', 'participant')]);
    const settings = { topic: 't', kind: 'peer_support', capacity: 20, joinRule: 'open' };
    const { roomId } = await accepted<{ roomId: string }>(fran, 'rooms.create', { name: 'Tuesday group', ...settings });
    for (const member of [alice, bob]) await accepted(member, 'rooms.join', { roomId });
    await accepted(alice, 'rooms.post', { roomId, text: 'see you on thursday' });
    // a long log after it, elsewhere, enough that replaying it takes the node a while; then bob reads the group, so
    // his read mark is near the log's end
    const members = await Promise.all(Array.from({ length: 8 }, (_, i) => connect(first, `member-${i}`, 'participant')));
    const { roomId: busyRoomId } = await accepted<{ roomId: string }>(fran, 'rooms.create', { name: 'Busy group', ...settings });
    for (const member of members) await accepted(member, 'rooms.join', { roomId: busyRoomId });
    await busy(busyRoomId, members);
    await accepted(bob, 'rooms.markRead', { roomId, position: await headPosition(first.url) });
    const head = await headPosition(first.url);
    closeAllClients();
    await first.stop();

    // as after an upgrade that changed room_messages and room_read_marks: both built again from position 0
    await setStoredVersion(data, 'room_messages', 0);
    await setStoredVersion(data, 'room_read_marks', 0);
    const restarted = await AppProcess.start(data, env);
    app = restarted;
    const startedAt = Date.now();
    // alice's message falls due to anyone away who has not read it while the node replays (its clock is moved on at
    // once, beside the sockets: the move is answered once the node has caught up)
    const [, upToDate, live, fromScratch] = await Promise.all([
      advanceClock(restarted, (afterSeconds + 1) * 1000),
      connect(restarted, 'member-0', 'participant', { lastPosition: head }),
      connect(restarted, 'member-2', 'participant'),
      connect(restarted, 'member-1', 'participant', { lastPosition: 0 }),
    ]);
    const waitedMs = Date.now() - startedAt;
    await caughtUp(restarted.url, 30_000);
    await settle(1000);
    // who had it all, and who asked for no history, get nothing old; who asked for all of it gets each post once. When
    // the node replayed event by event, PostgreSQL's replay lasted long enough that, without the wait, the socket asking
    // for no history got the old posts; since it catches up in large transactions (catchUpReadModels) the replay is
    // brief on both stores
    expect(upToDate.events.filter((e) => e.position <= head)).toEqual([]);
    expect(live.events.filter((e) => e.position <= head)).toEqual([]);
    const posts = fromScratch.events.filter((e) => e.type === 'MessagePosted').map((e) => e.position);
    expect(posts).toHaveLength(members.length * POSTS_PER_MEMBER);
    expect(new Set(posts).size).toBe(posts.length);
    // fran never read alice's message and is away: told; bob read it: never told, not even while his read mark was
    // being replayed (without the wait, a poll during PostgreSQL's replay told him)
    const toldTo = (userId: string) => gateway!.received.filter((notice) => notice.json.userId === userId);
    expect(toldTo('fran')).toHaveLength(1);
    expect(toldTo('bob')).toEqual([]);
    console.log(`${store}: sockets waited ${waitedMs} ms for the node to replay ${head} events`);
  });
});
