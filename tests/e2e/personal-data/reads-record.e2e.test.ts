import { randomUUID } from 'node:crypto';
import { AppProcess, freshData } from '../../support/app-process';
import { readLog } from '../../support/event-log';
import { closeClientsAndAppAfterEach, connect, settle } from '../../support/sockets';
import { describeWithPostgres } from '../../support/postgres';
import { caughtUp, headPosition, STORES } from '../../support/stores';
import { twoNodesPerFile } from '../scale-out-helpers';
import { scheduleSession } from '../family-sessions/family-helpers';
import { accepted, httpGet, httpPost, post, roomWithAliceAndBob, streamOf } from '../rooms/rooms-helpers';
import { advanceClock } from '../../support/test-clock';

/*
 * Staff reads of other people's records leave a trace in the log (README, "Who read whose records"): a clinician
 * reading the safety queue, a facilitator the room's reports, an admin who read about whom. An admin can ask who was
 * shown a person's records; the person's export holds the same. What participants read of their own conversations is
 * not recorded, and the record is sent to nobody.
 */

const CRISIS_TEXT = 'I cant do this anymore, I want to k i l l   myself tonight';
const WINDOW_MS = 15 * 60_000;

/** HTTP reads; a socket's (`socket.live`, `socket.catch-up`) are the last test's */
const HTTP_READ = (what: string) => !what.startsWith('socket.');
const CATCH_UP = (what: string) => what === 'socket.catch-up';
const readsInLog = async (app: AppProcess, which: (what: string) => boolean = HTTP_READ) =>
  (await readLog(app.data)).filter((e) => e.type === 'PersonalDataRead' && which(e.data.what));
const httpReadsOf = (answer: { body: { data: { reads: { what: string }[] } } }) => answer.body.data.reads.filter((r) => HTTP_READ(r.what));

describe.each(STORES)('the record of staff reads on %s', (store) => {
  let app: AppProcess;
  closeClientsAndAppAfterEach(() => app);

  it('records who was shown whose records, once per window; admins read it per person; the export holds it; nobody is sent it', async () => {
    app = await AppProcess.start(freshData(store));
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    const kim = await connect(app, 'dr-kim', 'clinician');
    const ada = await connect(app, 'ada', 'admin');
    await caughtUp(app.url);
    const start = await headPosition(app.url);

    expect(await alice.send('rooms.post', { commandId: randomUUID(), roomId, text: CRISIS_TEXT })).toMatchObject({ ok: true, data: { held: true } });
    await kim.waitForEvent((e) => e.type === 'SafetyAlertRaised');
    const { messageId } = await post(alice, roomId, 'something bob did not like');
    await accepted(bob, 'rooms.report', { messageId, roomId, reason: 'unkind' });
    await fran.waitForEvent((e) => e.type === 'MessageReported');
    await caughtUp(app.url);
    expect(await readsInLog(app)).toEqual([]);

    // what people read of their own conversations is not recorded
    expect((await httpGet(app, alice, `/rooms/${roomId}/messages`)).status).toBe(200);
    expect((await httpGet(app, bob, '/mentoring/pairings')).status).toBe(200);
    // a staff read that names nobody records nothing
    expect((await httpGet(app, kim, '/mentoring/pairings')).body.data).toEqual([]);
    expect(await readsInLog(app)).toEqual([]);

    // the clinician reads the safety queue twice in a window: one record
    const queue = await httpGet(app, kim, '/safety/alerts');
    expect(queue.body.data).toEqual([expect.objectContaining({ userId: 'alice' })]);
    // no pager configured (SAFETY_PAGER_URL): nothing to say about pages
    expect(queue.body.data[0]).not.toHaveProperty('pages');
    expect((await httpGet(app, kim, '/safety/alerts')).status).toBe(200);
    // the facilitator reads the room's reports: its reporter and the reported author
    expect((await httpGet(app, fran, `/rooms/${roomId}/reports`)).body.data).toHaveLength(1);
    let reads = await readsInLog(app);
    expect(reads.map((e) => e.data)).toEqual([
      { by: 'dr-kim', role: 'clinician', what: 'safety.alerts', params: {}, subjects: ['alice'], readAt: expect.any(String) },
      { by: 'fran', role: 'facilitator', what: 'rooms.reports', params: { roomId }, subjects: ['alice', 'bob'], readAt: expect.any(String) },
    ]);
    expect(reads.map((e) => e.streamId)).toEqual(['reads-dr-kim', 'reads-fran']);

    // past the window, the same read is recorded again
    await advanceClock(app, WINDOW_MS);
    expect((await httpGet(app, kim, '/safety/alerts')).status).toBe(200);
    reads = await readsInLog(app);
    expect(reads.map((e) => e.data.by)).toEqual(['dr-kim', 'fran', 'dr-kim']);

    // who read about alice, newest first; only admins may ask, and asking is recorded too
    await caughtUp(app.url);
    const aboutAlice = await httpGet(app, ada, '/people/alice/reads');
    expect(aboutAlice.status).toBe(200);
    expect(aboutAlice.body.data.userId).toBe('alice');
    expect(httpReadsOf(aboutAlice).map((r: any) => `${r.by} ${r.what}`)).toEqual([
      'dr-kim safety.alerts',
      'fran rooms.reports',
      'dr-kim safety.alerts',
    ]);
    expect(httpReadsOf(aboutAlice)[1]).toEqual({ position: reads[1].position, by: 'fran', role: 'facilitator', what: 'rooms.reports', params: { roomId }, readAt: expect.any(String) });
    const older = await httpGet(app, ada, `/people/alice/reads?before=${reads[1].position}`);
    expect(httpReadsOf(older).map((r: any) => r.position)).toEqual([reads[0].position]);
    expect(httpReadsOf(await httpGet(app, ada, '/people/bob/reads')).map((r: any) => r.by)).toEqual(['fran']);
    for (const reader of [kim, fran, bob, alice]) {
      expect(await httpGet(app, reader, '/people/alice/reads')).toMatchObject({ status: 403, body: { ok: false, error: { code: 'AUTH.FORBIDDEN' } } });
    }
    expect(await httpGet(app, ada, '/people/alice/reads?before=soon')).toMatchObject({ status: 400, body: { ok: false, error: { code: 'VALIDATION.FAILED' } } });
    // the second page was the same answer about the same person in the same window: one record
    expect((await readsInLog(app)).filter((e) => e.data.by === 'ada').map((e) => e.data)).toEqual([
      { by: 'ada', role: 'admin', what: 'people.reads', params: { userId: 'alice' }, subjects: ['alice'], readAt: expect.any(String) },
      { by: 'ada', role: 'admin', what: 'people.reads', params: { userId: 'bob' }, subjects: ['bob'], readAt: expect.any(String) },
    ]);

    // alice's export holds who was shown her records
    const exported = await httpPost(app, ada, '/people/alice/export', { commandId: randomUUID() });
    const readsOfAlice = exported.body.data.events.filter((e: { type: string; data: { what: string } }) => e.type === 'PersonalDataRead' && HTTP_READ(e.data.what));
    expect(readsOfAlice.map((e: { actorId: string }) => e.actorId)).toEqual(['dr-kim', 'fran', 'dr-kim', 'ada']);

    // sent to nobody, live or on catch-up
    await settle();
    for (const client of [fran, alice, bob, kim, ada]) expect(client.events.filter((e) => e.type === 'PersonalDataRead')).toEqual([]);
    const adaLater = await connect(app, 'ada', 'admin', { lastPosition: start });
    const kimLater = await connect(app, 'dr-kim', 'clinician', { lastPosition: start });
    await settle();
    expect(adaLater.events.length + kimLater.events.length).toBeGreaterThan(0);
    for (const client of [adaLater, kimLater]) expect(client.events.filter((e) => e.type === 'PersonalDataRead')).toEqual([]);
  });

  it('names, for every marked read, whom its answer showed: moderation targets, reporters, participants, mentors, the suspended', async () => {
    app = await AppProcess.start(freshData(store));
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    const kim = await connect(app, 'dr-kim', 'clinician');
    const ada = await connect(app, 'ada', 'admin');
    const mona = await connect(app, 'mona', 'mentor');
    const { messageId } = await post(alice, roomId, 'something bob did not like');
    await accepted(bob, 'rooms.report', { messageId, roomId, reason: 'unkind' });
    await accepted(fran, 'rooms.mute', { roomId, userId: 'bob', durationSeconds: 300, reason: 'cool down' });
    const { requestId } = await accepted<{ requestId: string }>(alice, 'mentoring.request', { topics: ['sleep'], language: 'en', availability: 'evenings' });
    await mona.waitForEvent((e) => e.type === 'MentorRequested' && e.data.requestId === requestId);
    const carol = await connect(app, 'carol', 'participant');
    const { sessionId } = await scheduleSession(kim, carol);
    expect((await httpPost(app, ada, '/people/dave/suspension', { commandId: randomUUID(), reason: 'for the test' })).status).toBe(200);
    await caughtUp(app.url);

    const reads: [typeof kim, string, string, Record<string, string>, string[]][] = [
      [kim, `/rooms/${roomId}/moderation-log`, 'rooms.moderation-log', { roomId }, ['bob']],
      [kim, '/moderation/reports', 'moderation.reports', {}, ['alice', 'bob']],
      [kim, '/mentoring/requests', 'mentoring.requests', {}, ['alice']],
      [kim, '/family-sessions', 'family-sessions', {}, ['carol']],
      [kim, `/family-sessions/${sessionId}`, 'family-sessions.one', { sessionId }, ['carol']],
      [kim, '/people/suspended', 'people.suspended', {}, ['dave']],
    ];
    for (const [reader, path] of reads) expect({ path, status: (await httpGet(app, reader, path)).status }).toEqual({ path, status: 200 });
    // the pairing, once mona took the request: the pair
    const pairing = await accepted<{ roomId: string }>(mona, 'mentoring.accept', { requestId });
    await alice.waitForEvent((e) => e.type === 'PairRoomOpened' && e.streamId === streamOf(pairing.roomId));
    await caughtUp(app.url);
    expect((await httpGet(app, kim, '/mentoring/pairings')).body.data).toHaveLength(1);
    reads.push([kim, '/mentoring/pairings', 'mentoring.pairings', {}, ['alice', 'mona']]);

    const recorded = (await readsInLog(app)).map((e) => ({ by: e.data.by, what: e.data.what, params: e.data.params, subjects: e.data.subjects }));
    expect(recorded).toEqual(reads.map(([reader, , what, params, subjects]) => ({ by: reader.userId, what, params, subjects })));
  });

  it('records a catch-up by staff (auth.lastPosition, sync) as a read of the records it sent, before sending them, and what reached them live; not the conversation', async () => {
    app = await AppProcess.start(freshData(store));
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    const kim = await connect(app, 'dr-kim', 'clinician');
    await caughtUp(app.url);
    const start = await headPosition(app.url);

    // only conversation since `start`: a staff catch-up sends it, and records nothing
    await post(alice, roomId, 'hello all');
    await caughtUp(app.url);
    const franChats = await connect(app, 'fran', 'facilitator', { lastPosition: start });
    await franChats.waitForEvent((e) => e.type === 'MessagePosted');
    expect(await readsInLog(app, CATCH_UP)).toEqual([]);

    expect(await alice.send('rooms.post', { commandId: randomUUID(), roomId, text: CRISIS_TEXT })).toMatchObject({ ok: true, data: { held: true } });
    const { messageId } = await post(alice, roomId, 'something bob did not like');
    await accepted(bob, 'rooms.report', { messageId, roomId, reason: 'unkind' });
    await accepted(fran, 'rooms.mute', { roomId, userId: 'bob', durationSeconds: 300, reason: 'cool down' });
    await kim.waitForEvent((e) => e.type === 'MessageReported');
    await caughtUp(app.url);
    expect(await readsInLog(app, CATCH_UP)).toEqual([]);
    // what reached staff live is recorded too, after it was sent: the clinician got the alert and the report (every
    // group room's reports go to clinicians), the facilitator those and the mute she made; the participants nothing
    const live = async () =>
      (await readsInLog(app, (what) => what === 'socket.live')).map((e) => `${e.data.by} ${e.data.subjects.join(',')}`).sort();
    const expectedLive = ['dr-kim alice', 'dr-kim alice,bob', 'fran alice', 'fran alice,bob', 'fran bob'];
    for (let tries = 0; tries < 100 && (await live()).length < expectedLive.length; tries++) await settle(50);
    expect(await live()).toEqual(expectedLive);

    // a participant's catch-up of their own room records nothing
    const aliceLater = await connect(app, 'alice', 'participant', { lastPosition: start });
    await aliceLater.waitForEvent((e) => e.type === 'MessagePosted' && e.data.messageId === messageId);
    expect(await readsInLog(app, CATCH_UP)).toEqual([]);

    // the clinician reconnects from `start`: sent the alert about alice and the report (alice's message, bob's report)
    const kimLater = await connect(app, 'dr-kim', 'clinician', { lastPosition: start });
    expect(kimLater.events.map((e) => e.type)).toEqual(expect.arrayContaining(['SafetyAlertRaised', 'MessageReported']));
    // recorded before the events were sent: the record is in the log once `ready` has come
    let reads = await readsInLog(app, CATCH_UP);
    expect(reads.map((e) => e.data)).toEqual([
      { by: 'dr-kim', role: 'clinician', what: 'socket.catch-up', params: {}, subjects: ['alice', 'bob'], readAt: expect.any(String) },
    ]);
    // the same catch-up again in the window: no second record
    const kimAgain = await connect(app, 'dr-kim', 'clinician', { lastPosition: start });
    expect(kimAgain.events.length).toBe(kimLater.events.length);
    expect(await readsInLog(app, CATCH_UP)).toHaveLength(1);

    // the facilitator's sync: the room's alert, report and mute (bob)
    expect(await fran.send('sync', { after: start })).toMatchObject({ ok: true, data: { caughtUp: expect.any(Number) } });
    reads = await readsInLog(app, CATCH_UP);
    expect(reads.map((e) => `${e.data.by} ${e.data.what} ${e.data.subjects.join(',')}`)).toEqual([
      'dr-kim socket.catch-up alice,bob',
      'fran socket.catch-up alice,bob',
    ]);

    // asked for by an admin, alice's reads list both; the record itself is sent to nobody, live or on catch-up
    await caughtUp(app.url);
    const ada = await connect(app, 'ada', 'admin');
    const aboutAlice = await httpGet(app, ada, '/people/alice/reads');
    expect(aboutAlice.body.data.reads.filter((r: { what: string }) => CATCH_UP(r.what)).map((r: { by: string; what: string }) => `${r.by} ${r.what}`)).toEqual([
      'fran socket.catch-up',
      'dr-kim socket.catch-up',
    ]);
    const adaLater = await connect(app, 'ada', 'admin', { lastPosition: start });
    await settle();
    for (const client of [kim, kimLater, kimAgain, fran, franChats, alice, aliceLater, bob, adaLater]) {
      expect(client.events.filter((e) => e.type === 'PersonalDataRead')).toEqual([]);
    }
  });
});

describeWithPostgres('the record of staff reads on two nodes sharing the store (PostgreSQL)', () => {
  const nodes = twoNodesPerFile();

  it('records the same read made on both nodes at once a single time, over HTTP and live', async () => {
    const run = randomUUID().slice(0, 6);
    const [carl, kimOnA, kimOnB] = await Promise.all([
      connect(nodes.A, `carl-${run}`, 'participant'),
      connect(nodes.A, `kim-${run}`, 'clinician'),
      connect(nodes.B, `kim-${run}`, 'clinician'),
    ]);
    expect(await carl.send('safety.helpNow', { commandId: randomUUID(), conversationKind: 'person' })).toMatchObject({ ok: true });
    await kimOnB.waitForEvent((e) => e.type === 'SafetyAlertRaised');
    await Promise.all([caughtUp(nodes.A.url), caughtUp(nodes.B.url)]);

    const answers = await Promise.all([kimOnA, kimOnB, kimOnA, kimOnB].map((kim, i) => httpGet(i % 2 ? nodes.B : nodes.A, kim, '/safety/alerts')));
    for (const answer of answers) expect(answer.body.data.map((alert: { userId: string }) => alert.userId)).toContain(`carl-${run}`);
    const recorded = async (what: string) =>
      (await readLog(nodes.data)).filter((e) => e.type === 'PersonalDataRead' && e.data.by === `kim-${run}` && e.data.what === what).map((e) => e.data.subjects);
    expect(await recorded('safety.alerts')).toEqual([[`carl-${run}`]]);
    // the alert reached kim live on both nodes: each node records for its own socket, and the window makes it one
    for (let tries = 0; tries < 100 && (await recorded('socket.live')).length === 0; tries++) await settle(50);
    await settle(300);
    expect(await recorded('socket.live')).toEqual([[`carl-${run}`]]);
  });
});
