import { randomUUID } from 'node:crypto';
import { AppProcess, freshData } from '../support/app-process';
import { closeClientsAndAppAfterEach, connect, settle, tokenFor, type TestClient } from '../support/sockets';
import { STORES } from '../support/stores';
import { advanceClock } from '../support/test-clock';

const CRISIS_TEXT = 'I cant do this anymore, I want to k i l l   myself tonight';

async function room(fran: TestClient, ...members: TestClient[]): Promise<string> {
  const created = await fran.send('rooms.create', { commandId: randomUUID(), name: 'Group', topic: 't', kind: 'group_therapy', capacity: 10, joinRule: 'open' });
  if (!created.ok) throw new Error(JSON.stringify(created));
  for (const m of members) await m.send('rooms.join', { commandId: randomUUID(), roomId: created.data.roomId });
  return created.data.roomId;
}

describe.each(STORES)('crisis safety on %s', (store) => {
  let app: AppProcess;
  closeClientsAndAppAfterEach(() => app);

  /** a fresh app on this store, and fran's room with alice and bob in it */
  async function appWithRoom() {
    app = await AppProcess.start(freshData(store));
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const bob = await connect(app, 'bob', 'participant');
    return { fran, alice, bob, roomId: await room(fran, alice, bob) };
  }

  it('holds a flagged message from the room, gives the sender resources, alerts the facilitator live; release posts it', async () => {
    app = await AppProcess.start(freshData(store), { SAFETY_ON_CALL: 'dr-oncall' });
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const bob = await connect(app, 'bob', 'participant');
    const onCall = await connect(app, 'dr-oncall', 'clinician');
    const roomId = await room(fran, alice, bob);

    const ack = await alice.send('rooms.post', { commandId: randomUUID(), roomId, text: CRISIS_TEXT });
    expect(ack).toMatchObject({ ok: true, data: { held: true, staffNotified: true } });
    expect(ack.ok && ack.data.resources.map((r: { how: string }) => r.how)).toEqual(['call or text 988', 'text HOME to 741741', 'call 911']);
    const alertId = ack.ok && ack.data.alertId;

    const alert = await fran.waitForEvent((e) => e.type === 'SafetyAlertRaised');
    expect(alert.data).toMatchObject({ alertId, userId: 'alice', source: 'screening', heldMessage: { text: CRISIS_TEXT }, categories: ['suicide'] });
    await onCall.waitForEvent((e) => e.type === 'SafetyAlertRaised');
    const offered = await alice.waitForEvent((e) => e.type === 'SafetyHelpOffered');
    expect(offered.data).toMatchObject({ alertId, staffNotified: true });
    expect(JSON.stringify(offered.data)).not.toContain('suicide');
    await settle();
    expect(bob.events.filter((e) => e.type !== 'MemberJoined')).toEqual([]);

    expect(await bob.send('safety.acknowledge', { commandId: randomUUID(), alertId })).toMatchObject({ ok: false, error: { code: 'SAFETY.FORBIDDEN' } });
    expect(await fran.send('safety.acknowledge', { commandId: randomUUID(), alertId })).toMatchObject({ ok: true });
    await alice.waitForEvent((e) => e.type === 'SafetyHelpOnTheWay');
    const resolved = await fran.send('safety.resolve', { commandId: randomUUID(), alertId, outcome: 'released', note: 'spoke with alice; safe, wants to share' });
    expect(resolved.ok).toBe(true);

    const released = await bob.waitForEvent((e) => e.type === 'MessagePosted');
    expect(released).toMatchObject({ actorId: 'alice', data: { authorId: 'alice', text: CRISIS_TEXT } });
    const closed = await alice.waitForEvent((e) => e.type === 'SafetyAlertClosed');
    expect(closed.data).toMatchObject({ alertId, outcome: 'released' });
    expect(JSON.stringify(closed.data)).not.toContain('spoke with alice');

    const queue = await fetch(`${app.url}/safety/alerts`, { headers: { authorization: `Bearer ${fran.token}` } });
    expect(((await queue.json()) as { data: unknown }).data).toMatchObject([
      { alertId, status: 'resolved', outcome: 'released', acknowledgedBy: 'fran', resolvedBy: 'fran', conversation: { kind: 'room', id: roomId, name: 'Group', type: 'group_therapy' } },
    ]);
    const forbidden = await fetch(`${app.url}/safety/alerts`, { headers: { authorization: `Bearer ${bob.token}` } });
    expect(forbidden.status).toBe(403);
    // nothing of the crisis path in plain text outside the store
    expect(app.logs).not.toContain('k i l l');
  });

  it('escalates an alert nobody acknowledged to every clinician when its time comes', async () => {
    app = await AppProcess.start(freshData(store), { SAFETY_ON_CALL: 'dr-oncall', SAFETY_ESCALATE_AFTER_SECONDS: '120', DEADLINE_POLL_MS: '100' });
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const otherClinician = await connect(app, 'dr-other', 'clinician');
    const roomId = await room(fran, alice);
    await alice.send('rooms.post', { commandId: randomUUID(), roomId, text: 'I took all my pills' });
    await fran.waitForEvent((e) => e.type === 'SafetyAlertRaised');
    await settle();
    expect(otherClinician.events).toEqual([]);

    await advanceClock(app, 121_000);
    const escalated = await otherClinician.waitForEvent((e) => e.type === 'SafetyAlertEscalated');
    expect(escalated).toMatchObject({ actorId: 'system', data: { userId: 'alice', conversation: { kind: 'room', id: roomId } } });
    await fran.waitForEvent((e) => e.type === 'SafetyAlertEscalated');
    await settle(400);
    expect(otherClinician.events.filter((e) => e.type === 'SafetyAlertEscalated')).toHaveLength(1);
    expect(alice.events.some((e) => e.type === 'SafetyAlertEscalated')).toBe(false);
  });

  it('works for a muted member in a locked room in slow mode, and "I need help now" reaches staff without a message', async () => {
    app = await AppProcess.start(freshData(store));
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const outsider = await connect(app, 'olga', 'participant');
    const roomId = await room(fran, alice);
    await fran.send('rooms.setSlowMode', { commandId: randomUUID(), roomId, intervalSeconds: 600 });
    await fran.send('rooms.lock', { commandId: randomUUID(), roomId, reason: 'session break' });
    await fran.send('rooms.mute', { commandId: randomUUID(), roomId, userId: 'alice', durationSeconds: 3600, reason: 'pause' });
    expect(await alice.send('rooms.post', { commandId: randomUUID(), roomId, text: 'hello' })).toMatchObject({ ok: false, error: { code: 'ROOM.MUTED' } });

    const held = await alice.send('rooms.post', { commandId: randomUUID(), roomId, text: 'i keep cutting myself' });
    expect(held).toMatchObject({ ok: true, data: { held: true } });
    await fran.waitForEvent((e) => e.type === 'SafetyAlertRaised' && e.data.source === 'screening');

    const help = await alice.send('safety.helpNow', { commandId: randomUUID(), conversationKind: 'room', conversationId: roomId });
    expect(help).toMatchObject({ ok: true, data: { held: false, staffNotified: true } });
    await fran.waitForEvent((e) => e.type === 'SafetyAlertRaised' && e.data.source === 'help_request');
    expect(await outsider.send('safety.helpNow', { commandId: randomUUID(), conversationKind: 'room', conversationId: roomId })).toMatchObject({
      ok: false,
      error: { code: 'ROOM.NOT_A_MEMBER' },
    });
  });

  it('"I need help now" pressed again, or a crisis reason in a report, joins the open alert; after it is resolved, a new one is raised', async () => {
    const { fran, alice, bob, roomId } = await appWithRoom();
    const posted = await bob.send('rooms.post', { commandId: randomUUID(), roomId, text: 'hang in there' });
    if (!posted.ok) throw new Error('bob could not post');
    const helpNow = async () => {
      const ack = await alice.send('safety.helpNow', { commandId: randomUUID(), conversationKind: 'room', conversationId: roomId });
      expect(ack).toMatchObject({ ok: true, data: { held: false, staffNotified: true, resources: expect.any(Array) } });
      return ack.ok && ack.data.alertId;
    };

    const first = await helpNow();
    expect([await helpNow(), await helpNow()]).toEqual([first, first]);
    const report = await alice.send('rooms.report', { commandId: randomUUID(), roomId, messageId: posted.data.messageId, reason: 'I want to end my life' });
    expect(report).toMatchObject({ ok: true, data: { help: { alertId: first } } });
    await settle(300);
    expect(fran.events.filter((e) => e.type === 'SafetyAlertRaised').map((e) => e.data.alertId)).toEqual([first]);

    await fran.send('safety.acknowledge', { commandId: randomUUID(), alertId: first });
    expect(await helpNow()).toBe(first); // acknowledged is still open: help is on its way
    expect(await fran.send('safety.resolve', { commandId: randomUUID(), alertId: first, outcome: 'followed_up_privately', note: 'called alice' })).toMatchObject({ ok: true });
    const next = await helpNow();
    expect(next).not.toBe(first);
    await fran.waitForEvent((e) => e.type === 'SafetyAlertRaised' && e.data.alertId === next);
  });

  it("crisis words in a report's reason alert staff and give the reporter help; the report still reaches the moderators", async () => {
    const { fran, alice, bob, roomId } = await appWithRoom();
    const posted = await bob.send('rooms.post', { commandId: randomUUID(), roomId, text: 'nobody here would miss you' });
    const other = await bob.send('rooms.post', { commandId: randomUUID(), roomId, text: 'just saying' });
    if (!posted.ok || !other.ok) throw new Error('bob could not post');

    const reason = 'after reading this I want to end my life';
    const ack = await alice.send('rooms.report', { commandId: randomUUID(), roomId, messageId: posted.data.messageId, reason });
    expect(ack).toMatchObject({ ok: true, data: { reportId: expect.any(String), help: { held: false, staffNotified: true, alertId: expect.any(String) } } });
    const alertId = ack.ok && ack.data.help.alertId;
    const alert = await fran.waitForEvent((e) => e.type === 'SafetyAlertRaised');
    expect(alert.data).toMatchObject({ alertId, userId: 'alice', source: 'report_reason', heldMessage: null, categories: ['suicide'] });
    expect((await alice.waitForEvent((e) => e.type === 'SafetyHelpOffered')).data).toMatchObject({ alertId, staffNotified: true });
    const report = await fran.waitForEvent((e) => e.type === 'MessageReported');
    expect(report.data).toMatchObject({ reporterId: 'alice', reason });
    // the reported author learns of neither
    await settle(200);
    expect(bob.events.filter((e) => e.type === 'SafetyAlertRaised' || e.type === 'MessageReported')).toEqual([]);

    // a plain reason raises nothing
    const plain = await alice.send('rooms.report', { commandId: randomUUID(), roomId, messageId: other.data.messageId, reason: 'unkind' });
    expect(plain.ok && 'help' in plain.data).toBe(false);
    await settle(200);
    expect(fran.events.filter((e) => e.type === 'SafetyAlertRaised')).toHaveLength(1);
  });

  it('"I need help now" from no room at all reaches the clinicians on call, gives help, and joins its open alert when pressed again', async () => {
    app = await AppProcess.start(freshData(store), { SAFETY_ON_CALL: 'dr-oncall' });
    const newcomer = await connect(app, 'newcomer', 'participant');
    const onCall = await connect(app, 'dr-oncall', 'clinician');
    const kim = await connect(app, 'dr-kim', 'clinician');
    const fran = await connect(app, 'fran', 'facilitator');

    const ack = await newcomer.send('safety.helpNow', { commandId: randomUUID(), conversationKind: 'person' });
    expect(ack).toMatchObject({ ok: true, data: { held: false, staffNotified: true, alertId: expect.any(String) } });
    const alertId = ack.ok && ack.data.alertId;
    const alert = await onCall.waitForEvent((e) => e.type === 'SafetyAlertRaised');
    expect(alert.data).toMatchObject({ alertId, userId: 'newcomer', source: 'help_request', conversation: { kind: 'person', id: 'newcomer' }, heldMessage: null });
    expect((await newcomer.waitForEvent((e) => e.type === 'SafetyHelpOffered')).data).toMatchObject({ alertId, staffNotified: true });
    const queue = await fetch(`${app.url}/safety/alerts`, { headers: { authorization: `Bearer ${kim.token}` } });
    expect(((await queue.json()) as { data: { alertId: string; conversation: unknown }[] }).data).toEqual([
      expect.objectContaining({ alertId, conversation: { kind: 'person', id: 'newcomer', name: 'outside any conversation', type: 'person' } }),
    ]);
    expect(await newcomer.send('safety.helpNow', { commandId: randomUUID(), conversationKind: 'person' })).toMatchObject({ ok: true, data: { alertId } });
    await settle();
    expect(onCall.events.filter((e) => e.type === 'SafetyAlertRaised')).toHaveLength(1);
    // nobody else is told: not a clinician off call, not a facilitator
    for (const other of [kim, fran]) expect(other.events.filter((e) => e.type.startsWith('Safety'))).toEqual([]);

    // for yourself only, and not as a family login (they ask from their session's room)
    const family = await connect(app, 'family-x', 'family', { token: await tokenFor('family-x', 'family', 'session-1') });
    expect(await family.send('safety.helpNow', { commandId: randomUUID(), conversationKind: 'person' })).toMatchObject({ ok: false, error: { code: 'SAFETY.FORBIDDEN' } });
    expect(await newcomer.send('safety.helpNow', { commandId: randomUUID(), conversationKind: 'person', conversationId: randomUUID() })).toMatchObject({ ok: false, error: { code: 'SAFETY.FORBIDDEN' } });
    expect(await newcomer.send('safety.helpNow', { commandId: randomUUID(), conversationKind: 'room' })).toMatchObject({ ok: false, error: { code: 'VALIDATION.FAILED' } });
  });
});
