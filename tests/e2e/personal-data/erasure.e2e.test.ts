import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppProcess, freshData, TEST_JWT_SECRET, type AppData } from '../../support/app-process';
import { readLog } from '../../support/event-log';
import { describeWithPostgres, dropSchema } from '../../support/postgres';
import { dumpTables } from '../../support/read-model-dump';
import { closeAllClients, closeClientsAndAppAfterEach, connect, settle, tokenFor, type TestClient } from '../../support/sockets';
import { caughtUp, headPosition, STORES } from '../../support/stores';
import { accepted, createRoom, joinAll, post, roomEvents, roomWithAliceAndBob, waitInRoom } from '../rooms/rooms-helpers';

const cli = join(__dirname, '..', '..', '..', 'dist', 'apps', 'api', 'src', 'cli', 'rebuild-read-models.js');

async function http(app: AppProcess, method: 'GET' | 'POST', path: string, token: string, body?: unknown) {
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as any };
}

const erase = async (app: AppProcess, userId: string, as: { userId: string; role: 'admin' | 'clinician' | 'participant' } = { userId: 'ada', role: 'admin' }) =>
  http(app, 'POST', `/people/${encodeURIComponent(userId)}/erasure`, await tokenFor(as.userId, as.role), { commandId: randomUUID() });

const history = async (app: AppProcess, roomId: string, reader: TestClient) => (await http(app, 'GET', `/rooms/${roomId}/messages`, reader.token)).body.data;

/** Every byte of the SQLite file and its WAL, as latin1 text (a plaintext word shows up in it as itself). */
function sqliteBytes(data: AppData): string {
  const path = data.env.SQLITE_PATH;
  return [path, `${path}-wal`].filter(existsSync).map((file) => readFileSync(file).toString('latin1')).join('');
}

describe.each(STORES)('personal data sealed in the log, and erased by deleting its key, on %s', (store) => {
  let app: AppProcess;
  closeClientsAndAppAfterEach(() => app);

  it('never stores a message, a reason or a note as written, yet every reader gets them as written', async () => {
    const data = freshData(store);
    app = await AppProcess.start(data);
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    const words = `my sponsor's number is 555-${randomUUID()}`;
    const { messageId } = await post(alice, roomId, words);
    expect((await waitInRoom(bob, roomId, 'MessagePosted')).data.text).toBe(words);
    const reason = `reported-${randomUUID()}`;
    await accepted(bob, 'rooms.report', { roomId, messageId, reason });
    const muteReason = `muted-${randomUUID()}`;
    await accepted(fran, 'rooms.mute', { roomId, userId: 'alice', durationSeconds: 600, reason: muteReason });
    const note = `mentor-note-${randomUUID()}`;
    const carl = await connect(app, 'carl', 'participant');
    const topic = `topic-${randomUUID().slice(0, 8)}`;
    await accepted(carl, 'mentoring.request', { topics: ['sleep', topic], language: 'en', availability: 'evenings', note });
    await caughtUp(app.url);

    // readers: live, history, the report queue, the mentoring list, a muted member's refusal
    expect((await history(app, roomId, bob)).map((m: any) => m.text)).toContain(words);
    const queue = (await http(app, 'GET', '/moderation/reports', fran.token)).body.data;
    expect(queue[0]).toMatchObject({ reason, message: { text: words } });
    const requests = (await http(app, 'GET', '/mentoring/requests', carl.token)).body.data;
    expect(requests[0]).toMatchObject({ note, availability: 'evenings', topics: ['sleep', topic] });
    const refusal = await alice.send('rooms.post', { commandId: randomUUID(), roomId, text: 'hello?' });
    expect(refusal).toMatchObject({ ok: false, error: { code: 'ROOM.MUTED', details: { reason: muteReason } } });

    // the store: sealed values only, in the log and in the read models copied from it
    const log = JSON.stringify(await readLog(data, { sealed: true }));
    for (const secret of [words, reason, muteReason, note, 'evenings', topic]) expect(log).not.toContain(secret);
    expect(log).toMatch(/"text":"pd:v1:[0-9a-f-]{36}:/);
    expect(JSON.stringify(await readLog(data))).toContain(words);
    const readModels = JSON.stringify(await dumpTables(data, ['room_messages', 'room_reports', 'moderation_log', 'mentor_requests']));
    for (const secret of [words, reason, muteReason, note, topic]) expect(readModels).not.toContain(secret);
    // not one byte of the words anywhere in the SQLite file or its WAL
    if (store === 'sqlite') expect(sqliteBytes(data)).not.toContain(words);
  });

  it("erasing a person makes their words null wherever they are read, now and after a restart and a rebuild; others' stay", async () => {
    const data = freshData(store);
    app = await AppProcess.start(data);
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    const aliceWords = `alice-${randomUUID()}`;
    const bobWords = `bob-${randomUUID()}`;
    const { messageId } = await post(alice, roomId, aliceWords);
    await post(bob, roomId, bobWords);
    const reason = `bob-reports-${randomUUID()}`;
    await accepted(bob, 'rooms.report', { roomId, messageId, reason });
    await caughtUp(app.url);

    // only an admin erases, and a user id must be one
    expect(await erase(app, 'alice', { userId: 'dr-kim', role: 'clinician' })).toMatchObject({ status: 403, body: { ok: false, error: { code: 'AUTH.FORBIDDEN' } } });
    expect(await erase(app, 'alice', { userId: 'bob', role: 'participant' })).toMatchObject({ status: 403 });
    expect((await erase(app, ' alice')).body).toMatchObject({ ok: false, error: { code: 'VALIDATION.FAILED' } });
    expect((await history(app, roomId, bob)).map((m: any) => m.text)).toEqual([aliceWords, bobWords]);

    const erased = await erase(app, 'alice');
    expect(erased).toMatchObject({ status: 200, body: { ok: true, data: { userId: 'alice', keysErased: 1, replayed: false } } });
    await caughtUp(app.url);

    const expectErased = async () => {
      const reader = await connect(app, 'bob', 'participant');
      expect((await history(app, roomId, reader)).map((m: any) => m.text)).toEqual([null, bobWords]);
      const queue = (await http(app, 'GET', '/moderation/reports', (await connect(app, 'fran', 'facilitator')).token)).body.data;
      // the report is bob's: his reason stays; the message it is about was alice's
      expect(queue[0]).toMatchObject({ reason, message: { text: null } });
      const late = await connect(app, 'bob', 'participant', { lastPosition: 0 });
      await settle();
      const posted = roomEvents(late, roomId, 'MessagePosted').map((e) => e.data.text);
      expect(posted).toEqual([null, bobWords]);
    };
    await expectErased();
    // the log still has every event, ids and all: only the words are gone
    const log = await readLog(data);
    expect(log.filter((e) => e.type === 'MessagePosted').map((e) => [e.data.authorId, e.data.text])).toEqual([['alice', null], ['bob', bobWords]]);
    expect(log.find((e) => e.type === 'PersonalDataErased')).toMatchObject({ actorId: 'ada', data: { userId: 'alice', by: 'ada' } });

    // alice still takes part: what she writes now is sealed with a new key, and reads
    const again = `alice-again-${randomUUID()}`;
    await post(alice, roomId, again);
    await caughtUp(app.url);
    expect((await history(app, roomId, bob)).map((m: any) => m.text)).toEqual([null, bobWords, again]);

    // after a restart, and after rebuilding every read model from the log
    closeAllClients();
    await app.stop();
    await promisify(execFile)(process.execPath, [cli, '--all'], { env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, ...data.env } });
    app = await AppProcess.start(data);
    await caughtUp(app.url);
    const reader = await connect(app, 'bob', 'participant');
    expect((await history(app, roomId, reader)).map((m: any) => m.text)).toEqual([null, bobWords, again]);
    if (store === 'sqlite') expect(sqliteBytes(data)).not.toContain(aliceWords);
  });

  it("an erased person's held message reads as null in the safety queue and can no longer be released; a note written after reads", async () => {
    app = await AppProcess.start(freshData(store));
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice);
    const held = await accepted(alice, 'rooms.post', { roomId, text: 'I cant do this anymore, I want to k i l l   myself tonight' });
    expect(held).toMatchObject({ held: true });
    await accepted(fran, 'safety.acknowledge', { alertId: held.alertId });
    await caughtUp(app.url);
    const queue = async () => (await http(app, 'GET', '/safety/alerts', fran.token)).body.data[0];
    expect((await queue()).heldMessage.text).toContain('anymore');

    expect((await erase(app, 'alice')).status).toBe(200);
    await caughtUp(app.url);
    expect((await queue()).heldMessage).toMatchObject({ text: null, contentWarning: null });
    const release = await fran.send('safety.resolve', { commandId: randomUUID(), alertId: held.alertId, outcome: 'released', note: 'safe to share' });
    expect(release).toMatchObject({ ok: false, error: { code: 'SAFETY.MESSAGE_ERASED' } });
    // staff may still close it another way; their note is about alice, sealed with her new key
    await accepted(fran, 'safety.resolve', { alertId: held.alertId, outcome: 'followed_up_privately', note: 'called her' });
    await caughtUp(app.url);
    const resolved = (await http(app, 'GET', '/safety/alerts?status=resolved', fran.token)).body.data[0];
    expect(resolved).toMatchObject({ outcome: 'followed_up_privately', note: 'called her', heldMessage: { text: null } });
  });

  it("an admin exports what the log holds about a person, opened, and the export itself is recorded; after an erasure, its words are null", async () => {
    const data = freshData(store);
    app = await AppProcess.start(data);
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    const aliceWords = `alice-${randomUUID()}`;
    const { messageId } = await post(alice, roomId, aliceWords);
    await post(bob, roomId, 'bob says something of his own');
    await accepted(bob, 'rooms.report', { roomId, messageId, reason: 'off topic' });
    await accepted(fran, 'rooms.mute', { roomId, userId: 'alice', durationSeconds: 60, reason: 'cool down' });
    const exportOf = async (userId: string, as: { userId: string; role: 'admin' | 'clinician' } = { userId: 'ada', role: 'admin' }) =>
      http(app, 'POST', `/people/${userId}/export`, await tokenFor(as.userId, as.role), { commandId: randomUUID() });

    expect(await exportOf('alice', { userId: 'dr-kim', role: 'clinician' })).toMatchObject({ status: 403, body: { error: { code: 'AUTH.FORBIDDEN' } } });
    const exported = await exportOf('alice');
    expect(exported.status).toBe(200);
    const { events, throughPosition } = exported.body.data;
    // with who was shown her records: fran, the room's facilitator, got the report and the mute live
    expect(events.map((e: any) => e.type)).toEqual(['MemberJoined', 'MessagePosted', 'MessageReported', 'PersonalDataRead', 'MemberMuted', 'PersonalDataRead']);
    expect(events[1]).toMatchObject({ actorId: 'alice', streamId: `room-${roomId}`, data: { authorId: 'alice', text: aliceWords } });
    expect(events[4]).toMatchObject({ actorId: 'fran', data: { userId: 'alice', reason: 'cool down' } });
    expect([events[3].data, events[5].data]).toEqual([
      expect.objectContaining({ by: 'fran', what: 'socket.live', subjects: ['alice', 'bob'] }),
      expect.objectContaining({ by: 'fran', what: 'socket.live', subjects: ['alice'] }),
    ]);
    expect(JSON.stringify(events)).not.toContain('bob says something of his own');
    const log = await readLog(data);
    expect(log.find((e) => e.type === 'PersonalDataExported')).toMatchObject({ actorId: 'ada', data: { userId: 'alice', throughPosition, by: 'ada' } });

    await erase(app, 'alice');
    const afterErasure = (await exportOf('alice')).body.data.events;
    expect(afterErasure.find((e: any) => e.type === 'MessagePosted').data.text).toBeNull();
    expect(afterErasure.map((e: any) => e.type)).toEqual([
      'MemberJoined', 'MessagePosted', 'MessageReported', 'PersonalDataRead', 'MemberMuted', 'PersonalDataRead', 'PersonalDataExported', 'PersonalDataErased',
    ]);
  });

  it('tells an erasure to everyone who shared a room with the person and to clinicians, live and on catch-up; nobody else', async () => {
    app = await AppProcess.start(freshData(store));
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    const carol = await connect(app, 'carol', 'participant');
    const otherRoom = await createRoom(fran);
    await joinAll(otherRoom, carol);
    const kim = await connect(app, 'dr-kim', 'clinician');
    const mona = await connect(app, 'mona', 'mentor');
    await accepted(alice, 'mentoring.request', { topics: ['sleep'], language: 'en', availability: 'evenings' });
    await mona.waitForEvent((e) => e.type === 'MentorRequested');
    await post(alice, roomId, 'words bob has on his screen');
    await caughtUp(app.url);
    const before = await headPosition(app.url);

    await erase(app, 'alice');
    const isErasure = (e: { type: string }) => e.type === 'PersonalDataErased';
    for (const told of [bob, fran, kim, alice]) {
      expect(await told.waitForEvent(isErasure)).toMatchObject({ streamId: 'person-alice', data: { userId: 'alice' } });
    }
    const live = bob.events.find(isErasure)!;
    expect(Object.keys(live.data).sort()).toEqual(['erasedAt', 'userId']);
    // not who erased: the admin's id stays in the log (and the person's export), not on the room's screens
    for (const told of [bob, fran, kim, alice]) expect(told.events.find(isErasure)!.actorId).toBe('staff');
    await settle();
    expect(carol.events.filter(isErasure)).toEqual([]);
    expect(mona.events.filter(isErasure)).toEqual([]);

    const bobLater = await connect(app, 'bob', 'participant', { lastPosition: before });
    const carolLater = await connect(app, 'carol', 'participant', { lastPosition: before });
    await settle();
    expect(bobLater.events.filter(isErasure)).toMatchObject([{ actorId: 'staff', data: { userId: 'alice' } }]);
    expect(carolLater.events.filter(isErasure)).toEqual([]);
  });

  it('a repeated erasure command erases nothing more; a later one takes the keys made since', async () => {
    app = await AppProcess.start(freshData(store));
    const fran = await connect(app, 'fran', 'facilitator');
    const dana = await connect(app, 'dana', 'participant');
    const roomId = await createRoom(fran);
    await joinAll(roomId, dana);
    await post(dana, roomId, 'first words');
    const admin = await tokenFor('ada', 'admin');
    const commandId = randomUUID();
    const first = await http(app, 'POST', '/people/dana/erasure', admin, { commandId });
    const repeated = await http(app, 'POST', '/people/dana/erasure', admin, { commandId });
    expect(first.body.data).toMatchObject({ keysErased: 1, replayed: false });
    expect(repeated.body.data).toMatchObject({ keysErased: 1, replayed: true, position: first.body.data.position });
    await post(dana, roomId, 'later words');
    expect((await erase(app, 'dana')).body.data).toMatchObject({ keysErased: 1, replayed: false });
    expect((await erase(app, 'nobody-yet')).body.data).toMatchObject({ keysErased: 0 });
    await caughtUp(app.url);
    expect((await history(app, roomId, fran)).map((m: any) => m.text)).toEqual([null, null]);
  });
});

describeWithPostgres('an erasure asked for on one node, on another node sharing the store (PostgreSQL)', () => {
  const nodes: { A?: AppProcess; B?: AppProcess } = {};
  const data = freshData('postgres');
  afterAll(async () => {
    closeAllClients();
    await Promise.all([nodes.A?.stop(), nodes.B?.stop()]);
    await dropSchema(data.env.POSTGRES_SCHEMA).catch(() => undefined);
  });

  it('the other node stops opening the erased words, and seals what comes after with the new key', async () => {
    nodes.A = await AppProcess.start(data);
    nodes.B = await AppProcess.start(data);
    const { A, B } = nodes as { A: AppProcess; B: AppProcess };
    const fran = await connect(A, 'fran', 'facilitator');
    const alice = await connect(B, 'alice', 'participant');
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice);
    const words = `alice-${randomUUID()}`;
    await post(alice, roomId, words);
    await caughtUp(B.url);
    // node B has opened alice's words, and sealed them: her key is in its cache both ways
    expect((await history(B, roomId, alice)).map((m: any) => m.text)).toEqual([words]);

    expect((await erase(A, 'alice')).status).toBe(200);
    await caughtUp(A.url);
    await caughtUp(B.url);
    expect((await history(B, roomId, alice)).map((m: any) => m.text)).toEqual([null]);

    const later = `alice-later-${randomUUID()}`;
    await post(alice, roomId, later);
    await caughtUp(A.url);
    expect((await history(A, roomId, fran)).map((m: any) => m.text)).toEqual([null, later]);
  });
});
