import { randomUUID } from 'node:crypto';
import { webhookSignature } from '@haven/edge/signed-webhook';
import { AppProcess, freePort, freshData } from '../../support/app-process';
import { readLog } from '../../support/event-log';
import { noticeProblems, rolesInLog } from '../../support/notice-rules';
import { describeWithPostgres } from '../../support/postgres';
import { closeAllClients, closeClientsAndAppAfterEach, connect, settle } from '../../support/sockets';
import { caughtUp, STORES } from '../../support/stores';
import { advanceClock } from '../../support/test-clock';
import { startWebhookReceiver, until, type WebhookReceiver } from '../../support/webhook-receiver';
import { twoNodesPerFile } from '../scale-out-helpers';
import { redeem, scheduleSession } from '../family-sessions/family-helpers';
import { accepted, createRoom, freshGroup, httpPost, joinAll, oneAppWithPushGatewayPerFile, post, waitInRoom } from './rooms-helpers';

/*
 * Telling people who are away (README, "Telling people who are away"): a member who is not connected is told through
 * the clinic's push gateway that a room holds messages for them, once they have waited unread for
 * OFFLINE_NOTICE_AFTER_SECONDS; once per room until they read it; never who wrote or what; retried while the gateway
 * fails; each attempt in the log, and of several nodes one sends it.
 */

const SECRET = 'notice-secret-for-the-tests-0123456789';
const AFTER_SECONDS = 30;
const noticeEvents = async (data: AppProcess['data'], subjectId: string, userId: string): Promise<Record<string, any>[]> =>
  (await readLog(data)).filter((e) => e.streamId === `notices-${subjectId}-${userId}`).map((e) => ({ type: e.type, ...e.data }));

describe.each(STORES)('offline notices on %s', (store) => {
  // one app and one push gateway for the file: each test's people have ids of their own (`-<run>`), and each test
  // reads only the notices to them (toldIn); the clock only moves on, and each test counts from where it is
  let app: AppProcess;
  let gateway: WebhookReceiver;
  let metricsPort: number;
  beforeAll(async () => {
    gateway = await startWebhookReceiver('/push');
    metricsPort = await freePort();
    app = await AppProcess.start(freshData(store), {
      OFFLINE_NOTICE_URL: gateway.url,
      OFFLINE_NOTICE_AFTER_SECONDS: String(AFTER_SECONDS),
      DEADLINE_POLL_MS: '50',
      OFFLINE_NOTICE_SECRET: SECRET,
      METRICS_PORT: String(metricsPort),
    });
  });
  afterEach(() => closeAllClients());
  afterAll(async () => {
    await app?.stop();
    await gateway?.close();
  });
  /** the notices to this test's people */
  const toldIn = (run: string) => gateway.received.filter((notice) => String(notice.json.userId).endsWith(`-${run}`));
  /** a group of fran's with alice and bob, ids fresh for this test */
  const group = () => freshGroup(app, { alice: 'participant', bob: 'participant' });
  const groupWithCara = () => freshGroup(app, { alice: 'participant', bob: 'participant', cara: 'participant' });

  /** the first notice after the wait: to `userId`, about the group room `roomId` through `through`; and no other after a while */
  async function expectOnlyNotice(run: string, userId: string, roomId: string, through: number) {
    await until(`the notice to ${userId}`, () => toldIn(run).length === 1);
    await settle(400);
    expect(toldIn(run).map((notice) => [notice.json.userId, notice.json.conversations])).toEqual([[userId, [{ roomId, conversation: 'group', through, attempt: 1 }]]]);
  }

  it('tells a member who is away once per room until they read it, nothing of who or what, and retries a failing gateway', async () => {
    const notTaken = async () => /^haven_offline_notices_not_taken (\d+)$/m.exec(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text())?.[1];
    const { alice, bob, roomId, run } = await group();
    bob.close();
    gateway.answersFor.set(bob.userId, [503]);

    const first = await post(alice, roomId, 'see you all on thursday, bring the worksheet');
    await caughtUp(app.url);
    await settle(300);
    // not before the wait is over: bob may come back and read it
    expect(toldIn(run)).toHaveLength(0);

    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    await until('the first notice', () => toldIn(run).length === 1);
    await until('its failure in the log', async () => (await noticeEvents(app.data, roomId, bob.userId)).length === 2);
    // fran (the room's facilitator) is connected and was sent it live; alice wrote it: neither is told
    expect(toldIn(run).map((notice) => notice.json.userId)).toEqual([bob.userId]);
    // operators see a notice the gateway did not take (this file's first test: the only one)
    await caughtUp(app.url);
    expect(await notTaken()).toBe('1');
    await advanceClock(app, 31_000);
    await until('the second attempt', () => toldIn(run).length === 2);
    expect(toldIn(run)[1].json).toEqual({
      type: 'conversation.unread',
      userId: bob.userId,
      conversations: [{ roomId, conversation: 'group', through: first.position, attempt: 2 }],
      collapseKey: 'haven:unread',
      message: 'Something new is waiting for you in Haven.',
    });
    for (const notice of toldIn(run)) {
      expect(notice.headers['x-haven-signature']).toBe(webhookSignature(SECRET, String(notice.headers['x-haven-timestamp']), notice.body));
      expect(notice.headers['idempotency-key']).toMatch(new RegExp(`^${bob.userId}:[A-Za-z0-9_-]{43}$`));
      for (const secret of ['alice', 'fran', 'thursday', 'worksheet']) expect(notice.body).not.toContain(secret);
    }
    await until('the notice recorded as sent', async () => (await noticeEvents(app.data, roomId, bob.userId)).length === 4);
    await caughtUp(app.url);
    expect(await notTaken()).toBe('0');

    // more messages while bob has not read: no more notices about the room
    await post(alice, roomId, 'and the snacks');
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    expect(toldIn(run)).toHaveLength(2);

    // bob reads, leaves again; a newer message is told of
    const bobAgain = await connect(app, bob.userId, 'participant');
    const newest = await post(alice, roomId, 'one more thing');
    await accepted(bobAgain, 'rooms.markRead', { roomId, position: newest.position });
    bobAgain.close();
    const afterRead = await post(alice, roomId, 'and another');
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    // but not within five minutes of the last notice to bob
    expect(toldIn(run)).toHaveLength(2);
    await advanceClock(app, 5 * 60_000);
    await until('the notice after bob read', () => toldIn(run).length === 3);
    expect(toldIn(run)[2].json).toMatchObject({ userId: bob.userId, conversations: [{ roomId, through: afterRead.position, attempt: 1 }] });
    await until('its outcome', async () => (await noticeEvents(app.data, roomId, bob.userId)).length === 6);
    expect((await noticeEvents(app.data, roomId, bob.userId)).map((e) => `${e.type} ${e.through} ${e.attempt}`)).toEqual([
      `OfflineNoticeAttempted ${first.position} 1`,
      `OfflineNoticeFailed ${first.position} 1`,
      `OfflineNoticeAttempted ${first.position} 2`,
      `OfflineNoticeSent ${first.position} 2`,
      `OfflineNoticeAttempted ${afterRead.position} 1`,
      `OfflineNoticeSent ${afterRead.position} 1`,
    ]);
    // the log's notices go to no client
    for (const client of [alice]) expect(client.events.filter((e) => e.type.startsWith('OfflineNotice'))).toEqual([]);
  });

  it('does not tell a member who was connected when the wait ended, nor about messages older than the window', async () => {
    const { alice, bob, roomId, run } = await group();
    await post(alice, roomId, 'bob is here and sees this live');
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    // bob was connected when it fell due: dropped, not sent when he leaves
    bob.close();
    await settle(200);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    expect(toldIn(run)).toHaveLength(0);

    // a message that waited unread longer than the window (downtime, notices just turned on) is not told late
    const cara = await connect(app, `cara-${run}`, 'participant');
    await joinAll(roomId, cara);
    cara.close();
    await post(alice, roomId, 'posted while nobody polled');
    await caughtUp(app.url);
    await advanceClock(app, 11 * 60_000 + AFTER_SECONDS * 1000);
    expect(toldIn(run)).toHaveLength(0);
    // the notices unsigned without a secret are checked in the node pair below; nothing was attempted here
    expect((await readLog(app.data)).filter((e) => e.streamId.startsWith('notices-') && e.streamId.endsWith(`-${run}`))).toEqual([]);
  });

  it('names every room due for a person in one notice, and tells of other rooms no sooner than five minutes after', async () => {
    const run = randomUUID().slice(0, 6);
    const fran = await connect(app, `fran-${run}`, 'facilitator');
    const alice = await connect(app, `alice-${run}`, 'participant');
    const bob = await connect(app, `bob-${run}`, 'participant');
    const [evening, weekend, art] = [await createRoom(fran), await createRoom(fran), await createRoom(fran)];
    for (const roomId of [evening, weekend, art]) await joinAll(roomId, alice, bob);
    bob.close();
    const inEvening = await post(alice, evening, 'evening group moved to 7');
    const inWeekend = await post(alice, weekend, 'weekend walk is on');
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    await until('the notice', () => toldIn(run).length === 1);
    const told = (notice: { json: Record<string, any> }) => notice.json.conversations.map((c: { roomId: string; through: number }) => [c.roomId, c.through]);
    expect(toldIn(run)[0].json.userId).toBe(bob.userId);
    expect(told(toldIn(run)[0]).sort()).toEqual([[evening, inEvening.position], [weekend, inWeekend.position]].sort());

    const inArt = await post(alice, art, 'bring your own brushes');
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    expect(toldIn(run)).toHaveLength(1);
    await advanceClock(app, 5 * 60_000);
    await until('the notice about the art room', () => toldIn(run).length === 2);
    expect(told(toldIn(run)[1])).toEqual([[art, inArt.position]]);
  });

  it('tells a participant who is away that a mentor took their request, and the mentor nothing', async () => {
    const run = randomUUID().slice(0, 6);
    const pat = await connect(app, `pat-${run}`, 'participant');
    const mona = await connect(app, `mona-${run}`, 'mentor');
    // a language only this test's mentor is offered (a mentor who named none is offered every language)
    await accepted(mona, 'mentoring.setLanguages', { languages: ['sw'] });
    const { requestId } = await accepted<{ requestId: string }>(pat, 'mentoring.request', { topics: ['sleep'], language: 'sw', availability: 'evenings' });
    await mona.waitForEvent((e) => e.type === 'MentorRequested' && e.data.requestId === requestId);
    pat.close();
    const { roomId } = await accepted<{ roomId: string }>(mona, 'mentoring.accept', { requestId });
    await waitInRoom(mona, roomId, 'PairRoomOpened');
    mona.close();
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    await until('the notice to pat', () => toldIn(run).length === 1);
    await settle(400);
    expect(toldIn(run).map((notice) => [notice.json.userId, notice.json.conversations])).toEqual([
      [pat.userId, [{ roomId, conversation: 'mentor_pair', through: expect.any(Number), attempt: 1 }]],
    ]);
    // once: mona's first message, while pat has not read, tells nothing more
    const mona2 = await connect(app, mona.userId, 'mentor');
    await post(mona2, roomId, 'hi pat, I am mona');
    mona2.close();
    await advanceClock(app, 6 * 60_000);
    expect(toldIn(run)).toHaveLength(1);
  });

  it('tells a mentor who is away of a request they may take, once; not one away, in other languages, connected, or who declined', async () => {
    const run = randomUUID().slice(0, 6);
    const profiled = async (name: string, message: string, payload: Record<string, unknown>) => {
      const mentor = await connect(app, `${name}-${run}`, 'mentor');
      await accepted(mentor, message, payload);
      return mentor;
    };
    const maria = await profiled('maria', 'mentoring.setLanguages', { languages: ['es'] });
    maria.close();
    (await profiled('tom', 'mentoring.setLanguages', { languages: ['en'] })).close();
    const ana = await profiled('ana', 'mentoring.setLanguages', { languages: ['es'] });
    await accepted(ana, 'mentoring.setAway', { away: true });
    ana.close();
    const sam = await profiled('sam', 'mentoring.setTopics', { topics: ['sleep'] }); // every language, and connected
    const pat = await connect(app, `pat-${run}`, 'participant');
    const { requestId } = await accepted<{ requestId: string }>(pat, 'mentoring.request', { topics: ['sleep'], language: 'es-MX', availability: 'evenings', note: 'nights are hard' });
    const requested = (await readLog(app.data)).find((e) => e.type === 'MentorRequested' && e.data.requestId === requestId)!;
    gateway.answersFor.set(maria.userId, [503]);
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    await until('the notice to maria', () => toldIn(run).length === 1);
    await settle(400);
    expect(toldIn(run).map((notice) => notice.json)).toEqual([
      {
        type: 'conversation.unread',
        userId: maria.userId,
        conversations: [{ requestId, conversation: 'mentor_request', through: requested.position, attempt: 1 }],
        collapseKey: 'haven:unread',
        message: 'Something new is waiting for you in Haven.',
      },
    ]);
    for (const secret of ['pat', 'sleep', 'nights', 'es-MX']) expect(toldIn(run)[0].body).not.toContain(secret);
    expect(toldIn(run)[0].headers['x-haven-signature']).toBe(webhookSignature(SECRET, String(toldIn(run)[0].headers['x-haven-timestamp']), toldIn(run)[0].body));
    // the gateway failed it: tried again while the request is open
    await until('its failure in the log', async () => (await noticeEvents(app.data, requestId, maria.userId)).length === 2);
    await caughtUp(app.url);
    await advanceClock(app, 31_000);
    await until('the second attempt', () => toldIn(run).length === 2);
    expect(toldIn(run)[1].json.conversations).toEqual([{ requestId, conversation: 'mentor_request', through: requested.position, attempt: 2 }]);

    // once per request: still open past the quiet time, maria is not told of it again
    await advanceClock(app, 6 * 60_000);
    expect(toldIn(run)).toHaveLength(2);

    // a request maria declined, or one a mentor took before the wait ended, is told to nobody
    const pia = await connect(app, `pia-${run}`, 'participant');
    const declined = await accepted<{ requestId: string }>(pia, 'mentoring.request', { topics: ['work'], language: 'es', availability: 'mornings' });
    const mariaAgain = await connect(app, maria.userId, 'mentor');
    await accepted(mariaAgain, 'mentoring.decline', { requestId: declined.requestId });
    mariaAgain.close();
    const paz = await connect(app, `paz-${run}`, 'participant');
    const taken = await accepted<{ requestId: string }>(paz, 'mentoring.request', { topics: ['family'], language: 'en', availability: 'weekends' });
    await accepted(sam, 'mentoring.accept', { requestId: taken.requestId });
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    expect(toldIn(run)).toHaveLength(2);
  });

  it('does not tell a mentor who is away of a request by a participant they hide', async () => {
    const { pat, maria, tom, run } = await freshGroup(app, { pat: 'participant', maria: 'mentor', tom: 'mentor' });
    for (const mentor of [maria, tom]) await accepted(mentor, 'mentoring.setLanguages', { languages: ['ha'] });
    await accepted(maria, 'rooms.hidePerson', { userId: pat.userId });
    maria.close();
    tom.close();
    const { requestId } = await accepted<{ requestId: string }>(pat, 'mentoring.request', { topics: ['sleep'], language: 'ha', availability: 'evenings' });
    const { position } = (await readLog(app.data)).find((e) => e.type === 'MentorRequested' && e.data.requestId === requestId)!;
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    await until('the notice to tom', () => toldIn(run).length >= 1);
    await settle(400);
    expect(toldIn(run).map((notice) => [notice.json.userId, notice.json.conversations])).toEqual([
      [tom.userId, [{ requestId, conversation: 'mentor_request', through: position, attempt: 1 }]],
    ]);
  });

  it("tells a family session's host who is away that family members wait to be admitted, again when another arrives, never once admitted", async () => {
    const run = randomUUID().slice(0, 6);
    let kim = await connect(app, `dr-kim-${run}`, 'clinician');
    const pat = await connect(app, `pat-${run}`, 'participant');
    // long enough for the clock this file has moved on
    const { sessionId } = await scheduleSession(kim, pat, 6);
    const codes: string[] = [];
    for (const inviteeLabel of ['Mom', 'Dad', 'Sis']) codes.push((await accepted<{ code: string }>(pat, 'family.invite', { sessionId, inviteeLabel })).code);
    kim.close();
    pat.close();
    const redeemedAt = async (guestId: string) => (await readLog(app.data)).find((e) => e.type === 'FamilyInviteRedeemed' && e.data.guestId === guestId)!.position;

    const mom = (await redeem(app, codes[0])).body.data.guestId;
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    await until('the notice to dr-kim', () => toldIn(run).length === 1);
    await settle(400);
    expect(toldIn(run).map((notice) => [notice.json.userId, notice.json.conversations])).toEqual([
      [kim.userId, [{ sessionId, conversation: 'family_session', through: await redeemedAt(mom), attempt: 1 }]],
    ]);
    expect(toldIn(run)[0].body).not.toContain('Mom');
    expect(toldIn(run)[0].body).not.toContain(mom);

    // the same wait is told once; another family member arriving is told again
    await advanceClock(app, 6 * 60_000);
    expect(toldIn(run)).toHaveLength(1);
    const dad = (await redeem(app, codes[1])).body.data.guestId;
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    await until('the second notice', () => toldIn(run).length === 2);
    expect(toldIn(run)[1].json.conversations).toEqual([{ sessionId, conversation: 'family_session', through: await redeemedAt(dad), attempt: 1 }]);

    // admitted before the wait ends: nothing to tell
    kim = await connect(app, kim.userId, 'clinician');
    for (const guestId of [mom, dad]) await accepted(kim, 'family.admit', { sessionId, guestId });
    await advanceClock(app, 6 * 60_000);
    const sis = (await redeem(app, codes[2])).body.data.guestId;
    await accepted(kim, 'family.admit', { sessionId, guestId: sis });
    kim.close();
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    expect(toldIn(run)).toHaveLength(2);
  });

  it("tells a room's moderator who is away of a report still open, not the reporter or the reported", async () => {
    const { fran, alice, bob, cara, roomId, run } = await groupWithCara();
    const reported = await post(alice, roomId, 'you are all losers');
    // everyone reads it and goes, so only a report can be owed: fran moderates the room, cara does not
    for (const client of [fran, bob, cara]) await accepted(client, 'rooms.markRead', { roomId, position: reported.position });
    const { position } = await accepted<{ position: number }>(bob, 'rooms.report', { roomId, messageId: reported.messageId, reason: 'insulting' });
    for (const client of [fran, alice, bob, cara]) client.close();
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    await expectOnlyNotice(run, fran.userId, roomId, position);
  });

  it("does not tell a member who turned a room's away notices off of its messages, until they turn them on; a moderator still of its reports", async () => {
    const { fran, alice, bob, cara, roomId, run } = await groupWithCara();
    // bob and fran turn the room's away notices off; only they hear of it
    for (const client of [bob, fran]) {
      await accepted(client, 'rooms.setAwayNotices', { roomId, on: false });
      expect((await waitInRoom(client, roomId, 'AwayNoticesSet')).data).toEqual({ userId: client.userId, on: false });
    }
    await settle(100);
    for (const client of [alice, cara]) expect(client.events.filter((e) => e.type === 'AwayNoticesSet')).toEqual([]);
    bob.close();
    fran.close();

    const message = await post(alice, roomId, 'anyone up for a walk?');
    const { position } = await accepted<{ position: number }>(cara, 'rooms.report', { roomId, messageId: message.messageId, reason: 'off topic' });
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    // fran moderates the room: its report still reaches her; of its messages nobody away is told (bob turned them off)
    await expectOnlyNotice(run, fran.userId, roomId, position);

    // bob reads the room, turns them on again and goes: the next message is told to him
    const bobAgain = await connect(app, bob.userId, 'participant');
    await accepted(bobAgain, 'rooms.markRead', { roomId, position });
    await accepted(bobAgain, 'rooms.setAwayNotices', { roomId, on: true });
    bobAgain.close();
    const next = await post(alice, roomId, 'leaving at six');
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    await until('the notice to bob', () => toldIn(run).length === 2);
    expect(toldIn(run)[1].json).toMatchObject({ userId: bob.userId, conversations: [{ roomId, conversation: 'group', through: next.position, attempt: 1 }] });
  });

  it('does not tell a member of messages by a person they hide; a peer facilitator who hides them, of the room they moderate, still', async () => {
    const { fran, alice, bob, cara, roomId, run } = await groupWithCara();
    await accepted(fran, 'rooms.appointFacilitator', { roomId, userId: cara.userId });
    for (const client of [bob, cara]) await accepted(client, 'rooms.hidePerson', { userId: alice.userId });
    bob.close();
    cara.close();
    // fran stays connected (never told); alice wrote it
    const message = await post(alice, roomId, 'anyone up for a walk?');
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    await expectOnlyNotice(run, cara.userId, roomId, message.position);
  });

  it("tells a participant of their family session's room, never a family guest or a suspended member", async () => {
    const { alice, bob, roomId, run } = await group();
    const kim = await connect(app, `dr-kim-${run}`, 'clinician');
    const pat = await connect(app, `pat-${run}`, 'participant');
    // long enough for the clock this file has moved on
    const { sessionId, roomId: sessionRoom } = await scheduleSession(kim, pat, 6);
    const invite = await accepted<{ code: string }>(pat, 'family.invite', { sessionId, inviteeLabel: 'Mom' });
    const { token, guestId } = (await redeem(app, invite.code)).body.data;
    const guest = await connect(app, guestId, 'family', { token });
    await accepted(kim, 'family.admit', { sessionId, guestId });
    await waitInRoom(guest, sessionRoom, 'MemberJoined', (e) => e.data.userId === guestId);

    const ada = await connect(app, `ada-${run}`, 'admin');
    bob.close();
    expect((await httpPost(app, ada, `/people/${bob.userId}/suspension`, { commandId: randomUUID(), reason: 'left the program' })).status).toBe(200);
    guest.close();
    pat.close();
    await post(kim, sessionRoom, 'we start in five minutes');
    await post(alice, roomId, 'is bob coming back?');
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    await until('the notice to pat', () => toldIn(run).length === 1);
    await settle(400);
    expect(toldIn(run).map((notice) => [notice.json.userId, notice.json.conversations])).toEqual([
      [pat.userId, [expect.objectContaining({ roomId: sessionRoom, conversation: 'family_session' })]],
    ]);
    expect(gateway.received.filter((notice) => notice.json.userId === guestId)).toEqual([]);
  });

  // after every test above (jest runs them in order): the rules the random audits hold notices to, over every notice
  // this app claimed; whether someone was connected each test checks itself
  it('every notice claimed in this file kept the rules the random audits check, and was sent once', async () => {
    const log = await readLog(app.data);
    expect(log.filter((e) => e.type === 'OfflineNoticeAttempted').length).toBeGreaterThan(10);
    expect(noticeProblems(log, gateway.received.map((notice) => notice.json), rolesInLog(log), () => false)).toEqual({});
  });
});

/** Tests that need settings of their own: an app each. */
describe.each(STORES)('offline notices with settings of their own on %s', (store) => {
  let app: AppProcess;
  closeClientsAndAppAfterEach(() => app);

  it('tells several people at once, so a slow gateway holds up a poll by one answer, not one per person', async () => {
    const slowGateway = await startWebhookReceiver('/push', { answerAfterMs: 500 });
    try {
      app = await AppProcess.start(freshData(store), { OFFLINE_NOTICE_URL: slowGateway.url, OFFLINE_NOTICE_AFTER_SECONDS: String(AFTER_SECONDS), DEADLINE_POLL_MS: '50' });
      const { alice, bob, cara, dana, roomId } = await freshGroup(app, { alice: 'participant', bob: 'participant', cara: 'participant', dana: 'participant' });
      for (const client of [bob, cara, dana]) client.close();
      await post(alice, roomId, 'who is coming on friday?');
      await caughtUp(app.url);
      await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
      await until('three notices', () => slowGateway.received.length === 3);
      expect(slowGateway.received.map((notice) => notice.json.userId).sort()).toEqual([bob.userId, cara.userId, dana.userId].sort());
      expect(slowGateway.maxInFlight).toBeGreaterThan(1);
    } finally {
      await slowGateway.close();
    }
  });

  it('does not tell a mentor who has as many pairs as MENTOR_MAX_ACTIVE_PAIRINGS allows: accepting would be refused', async () => {
    const gateway = await startWebhookReceiver('/push');
    try {
      app = await AppProcess.start(freshData(store), {
        OFFLINE_NOTICE_URL: gateway.url,
        OFFLINE_NOTICE_AFTER_SECONDS: String(AFTER_SECONDS),
        DEADLINE_POLL_MS: '50',
        MENTOR_MAX_ACTIVE_PAIRINGS: '1',
      });
      const mona = await connect(app, 'mona', 'mentor');
      const tom = await connect(app, 'tom', 'mentor');
      await accepted(tom, 'mentoring.setLanguages', { languages: ['en'] });
      tom.close();
      const pat = await connect(app, 'pat', 'participant');
      const first = await accepted<{ requestId: string }>(pat, 'mentoring.request', { topics: ['sleep'], language: 'en', availability: 'evenings' });
      await accepted(mona, 'mentoring.accept', { requestId: first.requestId });
      mona.close();
      const pia = await connect(app, 'pia', 'participant');
      const { requestId } = await accepted<{ requestId: string }>(pia, 'mentoring.request', { topics: ['work'], language: 'en', availability: 'mornings' });
      await caughtUp(app.url);
      await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
      await until('the notice to tom', () => gateway.received.some((notice) => notice.json.userId === 'tom'));
      await settle(400);
      // mona mentors pat, her one pair: only tom may take pia's request
      expect(gateway.received.filter((notice) => notice.json.userId !== 'pat').map((notice) => [notice.json.userId, notice.json.conversations])).toEqual([
        ['tom', [{ requestId, conversation: 'mentor_request', through: expect.any(Number), attempt: 1 }]],
      ]);
    } finally {
      await gateway.close();
    }
  });
});

// in an app of its own: a mentor who set no language may take every open request, and the file's other tests leave some
describe.each(STORES)('a mentor known only from a connection, on %s', (store) => {
  let app: AppProcess;
  let gateway: WebhookReceiver;
  oneAppWithPushGatewayPerFile(store, AFTER_SECONDS, (started, receiver) => ([app, gateway] = [started, receiver]));

  it('is told of a request while away (nothing set, never paired), and is noted once, to nobody', async () => {
    const nina = await connect(app, 'nina', 'mentor');
    const notes = async () => (await readLog(app.data)).filter((e) => e.type === 'MentorSeen' && e.data.mentorId === 'nina');
    // her first connection was noted in her profile before she was ready
    expect(await notes()).toHaveLength(1);
    nina.close();
    (await connect(app, 'nina', 'mentor')).close();
    const pat = await connect(app, 'pat', 'participant');
    // nina set no languages: she is offered every one
    const { requestId } = await accepted<{ requestId: string }>(pat, 'mentoring.request', { topics: ['sleep'], language: 'yo', availability: 'evenings' });
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    await until('the notice to nina', () => gateway.received.length === 1);
    await settle(300);
    expect(gateway.received.map((notice) => [notice.json.userId, notice.json.conversations])).toEqual([
      ['nina', [{ requestId, conversation: 'mentor_request', through: expect.any(Number), attempt: 1 }]],
    ]);
    // two connections, one note, by nina herself, sent to nobody
    const [note] = await notes();
    expect((await notes()).map((e) => [e.streamId, e.actorId])).toEqual([['mentor-profile-nina', 'nina']]);
    expect(Object.keys(note.data).sort()).toEqual(['mentorId', 'seenAt']);
    expect(nina.events.filter((e) => e.type === 'MentorSeen')).toEqual([]);
  });
});

// in an app of its own: every admin Haven knows is told of every open request
describe.each(STORES)('an admin known from a connection, on %s', (store) => {
  let app: AppProcess;
  let gateway: WebhookReceiver;
  oneAppWithPushGatewayPerFile(store, AFTER_SECONDS, (started, receiver) => ([app, gateway] = [started, receiver]));

  it('is told of an erasure request while away, by its id, never who asked; once, and not of one withdrawn or answered first', async () => {
    const ada = await connect(app, 'ada', 'admin');
    const seen = async () => (await readLog(app.data)).filter((e) => e.type === 'AdminSeen');
    // her first connection was noted before she was ready, once, by her, sent to nobody
    expect((await seen()).map((e) => [e.streamId, e.actorId, Object.keys(e.data).sort()])).toEqual([['person-ada', 'ada', ['seenAt', 'userId']]]);
    ada.close();
    (await connect(app, 'ada', 'admin')).close();
    expect(await seen()).toHaveLength(1);
    // abe is an admin too, and stays connected; the participants and the clinician are never told
    const abe = await connect(app, 'abe', 'admin');
    await connect(app, 'cleo', 'clinician');
    const [pat, quinn, rosa] = await Promise.all([connect(app, 'pat', 'participant'), connect(app, 'quinn', 'participant'), connect(app, 'rosa', 'participant')]);
    for (const person of [pat, quinn, rosa]) expect((await httpPost(app, person, '/me/erasure-request', { commandId: randomUUID() })).status).toBe(200);
    // quinn takes hers back and rosa's is answered, before the wait ends
    expect((await httpPost(app, quinn, '/me/erasure-request/withdrawal', { commandId: randomUUID() })).status).toBeLessThan(300);
    expect((await httpPost(app, abe, '/people/rosa/erasure', { commandId: randomUUID() })).status).toBeLessThan(300);
    await caughtUp(app.url);
    const requested = (await readLog(app.data)).find((e) => e.type === 'ErasureRequested' && e.data.userId === 'pat')!;

    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    await until('the notice to ada', () => gateway.received.length === 1);
    await settle(400);
    expect(gateway.received.map((notice) => [notice.json.userId, notice.json.conversations])).toEqual([
      ['ada', [{ requestId: requested.eventId, conversation: 'erasure_request', through: requested.position, attempt: 1 }]],
    ]);
    expect(gateway.received[0].body).not.toContain('pat');
    // and not again
    await advanceClock(app, 3600_000);
    await settle(400);
    expect(gateway.received).toHaveLength(1);
    const log = await readLog(app.data);
    expect(noticeProblems(log, gateway.received.map((notice) => notice.json), rolesInLog(log), () => false)).toEqual({});
    expect(abe.events.filter((e) => e.type === 'AdminSeen')).toEqual([]);
  });
});

describeWithPostgres('offline notices from two nodes sharing the store (PostgreSQL)', () => {
  let gateway: WebhookReceiver;
  const env: Record<string, string> = { DEADLINE_POLL_MS: '20', OFFLINE_NOTICE_AFTER_SECONDS: String(AFTER_SECONDS) };
  beforeAll(async () => {
    gateway = await startWebhookReceiver('/push');
    env.OFFLINE_NOTICE_URL = gateway.url;
  });
  afterAll(() => gateway.close());
  const nodes = twoNodesPerFile(env);

  it('sends each notice from one node only, and asks both nodes whether the member is connected', async () => {
    const run = randomUUID().slice(0, 6);
    const [fran, dana] = [await connect(nodes.A, `fran-${run}`, 'facilitator'), await connect(nodes.A, `dana-${run}`, 'participant')];
    const [eli, gus] = [await connect(nodes.B, `eli-${run}`, 'participant'), await connect(nodes.B, `gus-${run}`, 'participant')];
    const roomId = await createRoom(fran);
    await joinAll(roomId, dana, eli, gus);
    eli.close();
    // gus stays connected, on node B only: node A must not tell him
    const message = await post(dana, roomId, 'hello from node A');
    await caughtUp(nodes.A.url);
    await caughtUp(nodes.B.url);
    await Promise.all([advanceClock(nodes.A, AFTER_SECONDS * 1000 + 1000), advanceClock(nodes.B, AFTER_SECONDS * 1000 + 1000)]);
    await until('the notice to eli recorded', async () => (await noticeEvents(nodes.data, roomId, `eli-${run}`)).some((e) => e.type === 'OfflineNoticeSent'));
    await settle(500);
    expect(
      gateway.received.filter((notice) => notice.json.conversations[0].roomId === roomId).map((notice) => [notice.json.userId, notice.json.conversations]),
    ).toEqual([[`eli-${run}`, [{ roomId, conversation: 'group', through: message.position, attempt: 1 }]]]);
    expect(gateway.received[0].headers['x-haven-signature']).toBeUndefined();
    expect((await noticeEvents(nodes.data, roomId, `eli-${run}`)).map((e) => e.type)).toEqual(['OfflineNoticeAttempted', 'OfflineNoticeSent']);
  });
});
