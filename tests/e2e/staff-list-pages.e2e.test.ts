import type { AppProcess } from '../support/app-process';
import { readLog } from '../support/event-log';
import { closeAllClients, connect } from '../support/sockets';
import { caughtUp, STORES } from '../support/stores';
import { accepted, createRoom, httpGet, joinAll, oneAppPerFile, post } from './rooms/rooms-helpers';

/*
 * Staff lists that grow for as long as the clinic runs (the safety queue, a room's reports and moderation log) are read
 * in pages: oldest first, at most `limit` (200 when omitted) after `after`, the last position of the page before. The
 * record of who read them names the people of the page read, not of the whole queue.
 */

describe.each(STORES)('staff lists read in pages on %s', (store) => {
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));
  afterEach(() => closeAllClients());

  const ids = (answer: { body: { data: Record<string, unknown>[] } }, key: string) => answer.body.data.map((entry) => entry[key]);

  it('pages the safety queue, each facilitator page full of their own rooms\' alerts, and records only the page read', async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const [fran, gina, kim, alice, bob, dave] = await Promise.all([
      connect(app, `fran-${tag}`, 'facilitator'),
      connect(app, `gina-${tag}`, 'facilitator'),
      connect(app, `dr-kim-${tag}`, 'clinician'),
      connect(app, `alice-${tag}`, 'participant'),
      connect(app, `bob-${tag}`, 'participant'),
      connect(app, `dave-${tag}`, 'participant'),
    ]);
    const frans = await createRoom(fran);
    const ginas = await createRoom(gina);
    await joinAll(frans, alice, bob);
    await joinAll(ginas, dave);
    const help = (client: typeof alice, roomId: string) => accepted<{ alertId: string }>(client, 'safety.helpNow', { conversationKind: 'room', conversationId: roomId });
    const a = await help(alice, frans);
    const d = await help(dave, ginas);
    const b = await help(bob, frans);
    await caughtUp(app.url);

    // kim's queue holds every alert; this app's earlier tests may have left others before them
    const everything = await httpGet(app, kim, '/safety/alerts?status=raised');
    const mineAt = (alertId: string) => everything.body.data.find((alert: { alertId: string }) => alert.alertId === alertId).position;
    const start = mineAt(a.alertId) - 1;
    const first = await httpGet(app, kim, `/safety/alerts?status=raised&after=${start}&limit=2`);
    expect(ids(first, 'alertId')).toEqual([a.alertId, d.alertId]);
    const second = await httpGet(app, kim, `/safety/alerts?status=raised&after=${mineAt(d.alertId)}&limit=2`);
    expect(ids(second, 'alertId')).toEqual([b.alertId]);

    // fran moderates only her room: her page of two skips dave's alert and is full
    const frans2 = await httpGet(app, fran, `/safety/alerts?after=${start}&limit=2`);
    expect(ids(frans2, 'alertId')).toEqual([a.alertId, b.alertId]);
    expect(ids(await httpGet(app, fran, `/safety/alerts?after=${mineAt(b.alertId)}`), 'alertId')).toEqual([]);

    // what kim was recorded reading: the people of each page, not the whole queue
    const kimsReads = (await readLog(app.data))
      .filter((e) => e.type === 'PersonalDataRead' && e.data.by === kim.userId && e.data.what === 'safety.alerts')
      .map((e) => e.data.subjects);
    expect(kimsReads).toEqual(expect.arrayContaining([[alice.userId, dave.userId].sort(), [bob.userId]]));

    for (const bad of ['limit=0', 'limit=201', 'after=-1', 'after=soon']) {
      expect(await httpGet(app, kim, `/safety/alerts?${bad}`)).toMatchObject({ status: 400, body: { ok: false, error: { code: 'VALIDATION.FAILED' } } });
    }
  });

  it("pages a room's reports (never those about the reader's own messages) and its moderation log", async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const [fran, kim, alice, bob] = await Promise.all([
      connect(app, `fran-${tag}`, 'facilitator'),
      connect(app, `dr-kim-${tag}`, 'clinician'),
      connect(app, `alice-${tag}`, 'participant'),
      connect(app, `bob-${tag}`, 'participant'),
    ]);
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice, bob);
    const messages = [await post(alice, roomId, 'one'), await post(fran, roomId, 'two'), await post(alice, roomId, 'three')];
    for (const { messageId } of messages) await accepted(bob, 'rooms.report', { roomId, messageId, reason: 'unkind' });
    for (const durationSeconds of [60, 120, 180]) await accepted(fran, 'rooms.mute', { roomId, userId: alice.userId, durationSeconds, reason: 'pause' });
    await caughtUp(app.url);

    const reported = (answer: { body: { data: { messageId: string }[] } }) => answer.body.data.map((report) => messages.findIndex((m) => m.messageId === report.messageId));
    // kim reads all three, two a page; fran never sees the report about her own message, and her page of two is full
    const kimFirst = await httpGet(app, kim, `/rooms/${roomId}/reports?limit=2`);
    expect(reported(kimFirst)).toEqual([0, 1]);
    expect(reported(await httpGet(app, kim, `/rooms/${roomId}/reports?limit=2&after=${kimFirst.body.data[1].position}`))).toEqual([2]);
    expect(reported(await httpGet(app, fran, `/rooms/${roomId}/reports?limit=2`))).toEqual([0, 2]);

    const log = await httpGet(app, kim, `/rooms/${roomId}/moderation-log?limit=2`);
    expect(log.body.data.map((entry: { action: string }) => entry.action)).toEqual(['MemberMuted', 'MemberMuted']);
    const rest = await httpGet(app, kim, `/rooms/${roomId}/moderation-log?after=${log.body.data[1].position}`);
    expect(rest.body.data.map((entry: { reason: string; action: string }) => entry.action)).toEqual(['MemberMuted']);
    expect(await httpGet(app, kim, `/rooms/${roomId}/moderation-log?limit=500`)).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION.FAILED' } } });
  });
});
