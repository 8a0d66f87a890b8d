import { randomUUID } from 'node:crypto';
import type { AppProcess } from '../support/app-process';
import { connect, type Ack, type TestClient, type WireEvent } from '../support/sockets';
import { caughtUp, headPosition } from '../support/stores';

/**
 * A clinic's deployment in brief, played through the public protocol only (socket.io and HTTP), so that any version of
 * the app can play it: a group with most of what moderators and members do, crisis words and "I need help now", a
 * mentor pairing from request to feedback, a family session from invite to end, staff reads, a suspension and an
 * erasure, and then a month on the test clock so that every deadline falls due. Its database is an upgrade fixture
 * (tests/upgrade/README.md). Jest-free: the fixture maker runs it outside jest, against a build of any commit.
 *
 * A step the app refuses is recorded, not thrown: an older app lacks newer messages, and what it does accept is what
 * its database holds. The maker for the current commit insists on none refused.
 */
export interface ScenarioRecord {
  steps: number;
  refused: { step: string; code: string; message: string }[];
}

const CRISIS_TEXT = 'I cant do this anymore, I want to k i l l   myself tonight';
/** past every deadline the app keeps (a mentor request stays open a week) */
const MONTH_MS = 30 * 24 * 3_600_000;

export async function playScenario(app: AppProcess): Promise<ScenarioRecord> {
  const record: ScenarioRecord = { steps: 0, refused: [] };
  const send = async <T = any>(client: TestClient, message: string, payload: Record<string, unknown> = {}): Promise<T | null> => {
    record.steps += 1;
    const needsCommandId = !['rooms.typing', 'rooms.presence', 'sync'].includes(message);
    // an app that has no handler for a message never answers it (socket.io drops it): an older version's way of refusing
    const ack: Ack<T> = await client.socket
      .timeout(3000)
      .emitWithAck(message, needsCommandId ? { commandId: randomUUID(), ...payload } : payload)
      .catch(() => ({ ok: false, error: { code: 'NO_ANSWER', message: 'no handler answered', details: null } }));
    if (ack.ok) return ack.data;
    record.refused.push({ step: `${client.userId} ${message}`, code: ack.error.code, message: ack.error.message });
    return null;
  };
  const http = async (client: TestClient, method: 'GET' | 'POST', path: string, body?: Record<string, unknown>): Promise<any> => {
    record.steps += 1;
    const response = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${client.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify({ commandId: randomUUID(), ...body }) : undefined,
    });
    const answer = (await response.json().catch(() => null)) as { data?: unknown; error?: { code: string; message: string } } | null;
    if (response.ok) return answer?.data ?? answer;
    record.refused.push({ step: `${client.userId} ${method} ${path}`, code: answer?.error?.code ?? String(response.status), message: answer?.error?.message ?? '' });
    return null;
  };
  const eventOf = (client: TestClient, type: string, match: (e: WireEvent) => boolean = () => true): Promise<WireEvent | null> =>
    client.waitForEvent((e) => e.type === type && match(e), 5000).catch(() => null);

  const [fran, alice, bob, carol, dan, mo, max, drKim, ada] = await Promise.all([
    connect(app, 'fran', 'facilitator'),
    connect(app, 'alice', 'participant'),
    connect(app, 'bob', 'participant'),
    connect(app, 'carol', 'participant'),
    connect(app, 'dan', 'participant'),
    connect(app, 'mo', 'mentor'),
    connect(app, 'max', 'mentor'),
    connect(app, 'dr-kim', 'clinician'),
    connect(app, 'ada', 'admin'),
  ]);
  try {
    // ---- a group room and its life ----------------------------------------------------------------------------------
    const settings = { topic: 'between sessions', kind: 'peer_support', capacity: 12, joinRule: 'open' };
    const group = await send<{ roomId: string }>(fran, 'rooms.create', { name: 'Tuesday group', ...settings });
    const spare = await send<{ roomId: string }>(fran, 'rooms.create', { name: 'Side room', ...settings, joinRule: 'invite_only' });
    if (!group || !spare) throw new Error(`the app refused to create a room: ${JSON.stringify(record.refused)}`);
    const roomId = group.roomId;
    const inRoom = { roomId };
    for (const member of [alice, bob, carol, dan, drKim]) await send(member, 'rooms.join', inRoom);
    await send(fran, 'rooms.setAgreement', { ...inRoom, text: 'What is said here stays here.' });
    for (const member of [alice, bob, carol, dan]) await send(member, 'rooms.acceptAgreement', { ...inRoom, version: 1 });

    const said = async (client: TestClient, text: string, extra: Record<string, unknown> = {}) =>
      (await send<{ messageId: string }>(client, 'rooms.post', { ...inRoom, text, ...extra }))?.messageId ?? randomUUID();
    const hello = await said(alice, 'hello, everyone');
    const reply = await said(bob, 'hi alice, good to see you', { replyTo: hello });
    const heavy = await said(carol, 'a hard week with my family', { contentWarning: 'family conflict' });
    const resource = await said(fran, 'a resource for the week: the warmline number is on the board');
    const oops = await said(bob, 'wrong room, sorry');
    const dansWords = await said(dan, 'my address is 12 Elm Street, come by');
    await send(fran, 'rooms.pin', { ...inRoom, messageId: resource });
    await send(alice, 'rooms.edit', { ...inRoom, messageId: hello, text: 'hello, everyone!' });
    await send(bob, 'rooms.delete', { ...inRoom, messageId: oops });
    await send(alice, 'rooms.react', { ...inRoom, messageId: reply, emoji: '👍' });
    await send(carol, 'rooms.react', { ...inRoom, messageId: hello, emoji: '❤️' });
    await send(carol, 'rooms.unreact', { ...inRoom, messageId: hello, emoji: '❤️' });
    await send(fran, 'rooms.redact', { ...inRoom, messageId: dansWords, reason: 'personal details' });
    const report = await send<{ reportId: string }>(alice, 'rooms.report', { ...inRoom, messageId: heavy, reason: 'it felt unkind to me' });
    await send(fran, 'rooms.warn', { ...inRoom, userId: 'carol', reason: 'please keep it kind', messageId: heavy });
    if (report) await send(fran, 'rooms.resolveReport', { ...inRoom, reportId: report.reportId, outcome: 'member_warned', note: 'talked with her' });
    await send(fran, 'rooms.mute', { ...inRoom, userId: 'dan', durationSeconds: 600, reason: 'cool down' });
    await send(fran, 'rooms.unmute', { ...inRoom, userId: 'dan' });
    await send(fran, 'rooms.mute', { ...inRoom, userId: 'carol', durationSeconds: 300, reason: 'a pause' }); // runs out with the clock
    await send(bob, 'rooms.markRead', { ...inRoom, position: bob.lastPosition() });
    await send(carol, 'rooms.setReadReceiptPrivacy', { ...inRoom, private: true });
    await send(dan, 'rooms.setAwayNotices', { ...inRoom, on: false });
    await send(fran, 'rooms.setSlowMode', { ...inRoom, intervalSeconds: 30 });
    await send(fran, 'rooms.setSlowMode', { ...inRoom, intervalSeconds: 0 });
    await send(fran, 'rooms.lock', { ...inRoom, reason: 'taking a breath' });
    await send(fran, 'rooms.unlock', inRoom);
    await send(fran, 'rooms.rename', { ...inRoom, name: 'Tuesday evening group' });
    await send(fran, 'rooms.changeTopic', { ...inRoom, topic: 'sleep and routines' });
    await send(fran, 'rooms.changeJoinRule', { ...inRoom, joinRule: 'invite_only' });
    await send(fran, 'rooms.appointFacilitator', { ...inRoom, userId: 'alice' });
    await send(fran, 'rooms.removeFacilitator', { ...inRoom, userId: 'alice' });
    await send(alice, 'rooms.hidePerson', { userId: 'dan' });
    await send(bob, 'rooms.hidePerson', { userId: 'carol' });
    await send(bob, 'rooms.unhidePerson', { userId: 'carol' });
    await send(alice, 'rooms.setPresenceVisible', { visible: false });
    await send(bob, 'notices.setPreferences', { paused: false, quietHours: { from: '22:00', until: '07:00', timeZone: 'Europe/Berlin' } });
    await send(dan, 'notices.setPreferences', { paused: true });
    await send(fran, 'rooms.ban', { ...inRoom, userId: 'dan', reason: 'threats' });
    await send(fran, 'rooms.unban', { ...inRoom, userId: 'dan' });
    await send(fran, 'rooms.invite', { ...inRoom, userId: 'dan' });
    await send(dan, 'rooms.join', inRoom);
    await send(dan, 'rooms.acceptAgreement', { ...inRoom, version: 1 });
    await send(fran, 'rooms.invite', { roomId: spare.roomId, userId: 'bob' });
    await send(bob, 'rooms.join', { roomId: spare.roomId });
    await send(bob, 'rooms.leave', { roomId: spare.roomId });
    await send(fran, 'rooms.archive', { roomId: spare.roomId });
    // open at every hour of every day (a window ending 23:59 runs to midnight): the scenario plays at whatever hour its
    // test runs, and posts below must not meet a closed group (it once failed at 20:05 in Chicago)
    await send(fran, 'rooms.setOpenHours', {
      ...inRoom,
      openHours: { timeZone: 'America/Chicago', windows: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => ({ day, from: '00:00', until: '23:59' })) },
    });

    // ---- crisis safety --------------------------------------------------------------------------------------------------
    await send(drKim, 'safety.setOnCall', { onCall: true });
    await send(bob, 'rooms.post', { ...inRoom, text: CRISIS_TEXT });
    const raised = await eventOf(drKim, 'SafetyAlertRaised', (e) => (e.data as { userId?: string }).userId === 'bob');
    const alertId = (raised?.data as { alertId?: string } | undefined)?.alertId;
    if (alertId) {
      await send(drKim, 'safety.acknowledge', { alertId });
      await send(drKim, 'safety.resolve', { alertId, outcome: 'followed_up_privately', note: 'called him; he is safe tonight' });
    }
    await send(dan, 'safety.helpNow', { conversationKind: 'room', conversationId: roomId }); // left open: escalates with the clock
    await http(drKim, 'GET', '/safety/alerts');
    await http(fran, 'GET', `/rooms/${roomId}/reports`);
    await http(fran, 'GET', `/rooms/${roomId}/moderation-log`);

    // ---- mentor pairing ---------------------------------------------------------------------------------------------------
    await send(mo, 'mentoring.setLanguages', { languages: ['en'] });
    await send(mo, 'mentoring.setTopics', { topics: ['sleep', 'work'] });
    await send(mo, 'mentoring.setCapacity', { pairs: 2 });
    await send(max, 'mentoring.setLanguages', { languages: ['en', 'es'] });
    await send(max, 'mentoring.setAway', { away: true });
    await send(max, 'mentoring.setAway', { away: false });
    const asked = await send<{ requestId: string }>(alice, 'mentoring.request', { topics: ['sleep'], language: 'en', availability: 'weekday evenings', note: 'someone who has been there' });
    if (asked) {
      await send(max, 'mentoring.decline', { requestId: asked.requestId });
      const pair = await send<{ pairingId: string; roomId: string }>(mo, 'mentoring.accept', { requestId: asked.requestId });
      if (pair) {
        await send(alice, 'rooms.post', { roomId: pair.roomId, text: 'thank you for taking me on' });
        await send(mo, 'rooms.post', { roomId: pair.roomId, text: 'glad to; how are your nights?' });
        await send(alice, 'mentoring.feedback', { pairingId: pair.pairingId, rating: 5, note: 'he listens' });
        await send(mo, 'mentoring.end', { pairingId: pair.pairingId, reason: 'alice finished the program' });
      }
    }
    const bobAsks = await send<{ requestId: string }>(bob, 'mentoring.request', { topics: ['work'], language: 'en', availability: 'mornings' });
    if (bobAsks) await send(bob, 'mentoring.cancel', { requestId: bobAsks.requestId });
    const dansAsk = await send<{ requestId: string }>(dan, 'mentoring.request', { topics: ['anger'], language: 'en', availability: 'weekends' });
    if (dansAsk) {
      const pair = await send<{ pairingId: string }>(mo, 'mentoring.accept', { requestId: dansAsk.requestId });
      if (pair) await send(dan, 'mentoring.rematch', { pairingId: pair.pairingId, reason: 'not a fit' }); // left open: expires with the clock
    }
    await send(carol, 'mentoring.request', { topics: ['grief'], language: 'es', availability: 'any time' });
    await http(ada, 'GET', '/mentoring/feedback');

    // ---- a family session ------------------------------------------------------------------------------------------------
    const hour = 3_600_000;
    const session = await send<{ sessionId: string; roomId: string }>(drKim, 'family.schedule', {
      participantId: 'alice',
      title: 'Family session with the Smiths',
      startsAt: new Date(Date.now() + 60_000).toISOString(),
      endsAt: new Date(Date.now() + 2 * hour).toISOString(),
    });
    if (session) {
      const { sessionId } = session;
      await send(drKim, 'family.reschedule', { sessionId, startsAt: new Date(Date.now() + 120_000).toISOString(), endsAt: new Date(Date.now() + 3 * hour).toISOString() });
      const mom = await send<{ inviteId: string; code: string }>(drKim, 'family.invite', { sessionId, inviteeLabel: 'Mom' });
      const dad = await send<{ inviteId: string; code: string }>(alice, 'family.invite', { sessionId, inviteeLabel: 'Dad' });
      const sis = await send<{ inviteId: string; code: string }>(drKim, 'family.invite', { sessionId, inviteeLabel: 'Sis' });
      await send(drKim, 'family.invite', { sessionId, inviteeLabel: 'Uncle' }); // never used: reminded, then expires
      if (dad) await send(drKim, 'family.revokeInvite', { sessionId, inviteId: dad.inviteId });
      for (const invite of [mom, sis]) {
        if (!invite) continue;
        record.steps += 1;
        const redeemed = await fetch(`${app.url}/family-sessions/redeem`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: invite.code }) });
        const body = (await redeemed.json()) as { data?: { token: string; guestId: string }; error?: { code: string; message: string } };
        if (!body.data) {
          record.refused.push({ step: 'redeem', code: body.error?.code ?? String(redeemed.status), message: body.error?.message ?? '' });
          continue;
        }
        const guest = await connect(app, body.data.guestId, 'family', { token: body.data.token });
        if (invite === mom) await send(drKim, 'family.tellLobby', { sessionId, text: 'we start in ten minutes' });
        await send(drKim, 'family.admit', { sessionId, guestId: body.data.guestId });
        if (invite === mom) {
          await guest.waitForEvent((e) => e.streamId === `room-${session.roomId}` && e.type === 'FamilyGuestAdmitted', 5000).catch(() => null);
          await send(guest, 'rooms.post', { roomId: session.roomId, text: 'we are proud of you' });
        } else {
          await send(drKim, 'family.removeGuest', { sessionId, guestId: body.data.guestId });
        }
        guest.close();
      }
      await send(alice, 'rooms.post', { roomId: session.roomId, text: 'thank you for coming' });
      await send(drKim, 'family.end', { sessionId });
    }
    // one scheduled and left alone: reminded of its unused invite, then ended by the system
    const later = await send<{ sessionId: string }>(drKim, 'family.schedule', {
      participantId: 'bob',
      title: 'Family session',
      startsAt: new Date(Date.now() + 26 * hour).toISOString(),
      endsAt: new Date(Date.now() + 27 * hour).toISOString(),
    });
    if (later) await send(drKim, 'family.invite', { sessionId: later.sessionId, inviteeLabel: 'Partner' });
    await http(drKim, 'GET', '/family-sessions');

    // ---- people --------------------------------------------------------------------------------------------------------
    await http(ada, 'POST', '/people/dan/suspension', { reason: 'asked for a pause by his clinician' });
    await http(ada, 'POST', '/people/dan/reinstatement', {});
    await http(bob, 'POST', '/me/erasure-request', {});
    await http(bob, 'POST', '/me/erasure-request/withdrawal', {});
    await http(carol, 'POST', '/me/erasure-request', {});
    await http(ada, 'GET', '/people/erasure-requests');
    await http(ada, 'POST', '/people/carol/export', {});
    await http(ada, 'POST', '/people/carol/erasure', {});
    await send(alice, 'rooms.post', { ...inRoom, text: 'see you all next week' });

    // ---- a month later: every deadline falls due (mute ends, escalation, requests unanswered and closed, reminders,
    // sessions ended) -----------------------------------------------------------------------------------------------------
    record.steps += 1;
    const advanced = await fetch(`${app.url}/test/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: MONTH_MS }) });
    if (!advanced.ok) record.refused.push({ step: 'advance the test clock', code: String(advanced.status), message: '' });
    await headStill(app);
  } finally {
    for (const client of [fran, alice, bob, carol, dan, mo, max, drKim, ada]) client.close();
  }
  return record;
}

/** Waits until the log's head has not moved for 3 s (the deadline poll runs every second) and the app caught up, at most 30 s. */
async function headStill(app: AppProcess): Promise<void> {
  let last = await headPosition(app.url);
  let stillSince = Date.now();
  const deadline = Date.now() + 30_000;
  while (Date.now() - stillSince < 3000 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await headPosition(app.url);
    if (now !== last) {
      last = now;
      stillSince = Date.now();
    }
  }
  await caughtUp(app.url);
}
