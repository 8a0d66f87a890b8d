import { randomUUID } from 'node:crypto';
import type { Role } from '@haven/domain';
import type { AppProcess } from '../../support/app-process';
import { describeWithPostgres } from '../../support/postgres';
import { connect, settle, type TestClient } from '../../support/sockets';
import { headPosition } from '../../support/stores';
import { storedSince } from '../../support/event-log';
import { accepted, connectFamily, createRoom, joinAll, oneAppPerFile, waitInRoom } from '../rooms/rooms-helpers';
import { recordSignals, twoNodesPerFile, type SignalRecorder, type TypingSignal } from '../scale-out-helpers';

/*
 * Who receives typing and presence, and when it stops, audited through real app processes: one node on SQLite, then
 * two nodes on one PostgreSQL schema with the Redis adapter. The rule is docs/PROTOCOL.md, "Ephemeral signals":
 * typing goes to the room's other sockets; presence to the rooms a user's socket is in, from the user's first socket
 * (online) and last (offline); typing is refused as a post would be (minus slow mode) and is never stored.
 * The floods are measured rather than judged: socket messages are not rate-limited by design (PROTOCOL.md, "Acks");
 * the numbers are printed after the file.
 */

// unique per run and per test: user channels span every node on a shared Redis, and presence counts a user's sockets
const run = randomUUID().slice(0, 6);
const idOf = (name: string, tag: string) => `${name}-${tag}-${run}`;
/** the name part of an id made by idOf, for readable expectations */
const nameOf = (userId: string) => userId.split('-').slice(0, -2).join('-');

const FLOOD_SIZE = 500;
/** PROTOCOL.md: at most 10 typing signals of one user in one room go out per 5 s */
const TYPING_SIGNALS_PER_WINDOW = 10;
/** the typing limit as a deployment has it (tests start apps with higher limits by default) */
const LIMITS_AS_SHIPPED = { ROOM_ACTIVITY_LIMIT_SCALE: '1' };
/** "promptly" for a post sent during a flood on this 2-core machine (one normally takes a few ms) */
const PROMPT_MS = 3000;

/** polls `done` until it holds, failing after `timeoutMs` */
async function waitUntil(done: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !done(); ) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await settle(20);
  }
}

async function typingAccepted(client: TestClient, roomId: string, typing = true): Promise<void> {
  const ack = await client.send('rooms.typing', { roomId, typing });
  expect({ user: client.userId, ack }).toEqual({ user: client.userId, ack: { ok: true, data: { sent: true } } });
}

/**
 * `rooms.typing` that must be refused with `code`; nothing may be stored (but the records of staff reads another node
 * makes for the change just made: see storedSince). Resolves with the error.
 */
async function typingRefused(node: AppProcess, client: TestClient, roomId: string, code: string) {
  const head = await headPosition(node.url);
  const ack = await client.send('rooms.typing', { roomId, typing: true });
  expect({ user: client.userId, ack }).toMatchObject({ user: client.userId, ack: { ok: false, error: { code } } });
  expect(await storedSince(node.data, head)).toEqual([]);
  return ack.ok ? undefined : ack.error;
}

/**
 * A user's presence in each room as a client keeps it: a repeat of the same state is documented (Known gap 6:
 * "treat presence as a state to set") and dropped here, so expectations speak of changes.
 */
function presenceOf(recorder: SignalRecorder, userId: string): { roomId: string; online: boolean }[] {
  const last = new Map<string, boolean>();
  const changes: { roomId: string; online: boolean }[] = [];
  for (const { roomId, userId: who, online } of recorder.presence) {
    if (who !== userId || last.get(roomId) === online) continue;
    last.set(roomId, online);
    changes.push({ roomId, online });
  }
  return byRoom(changes); // a stable sort: per room, still in arrival order
}
const offline = (roomId: string) => ({ roomId, online: false });
const online = (roomId: string) => ({ roomId, online: true });
const byRoom = <T extends { roomId: string }>(signals: T[]) => [...signals].sort((a, b) => a.roomId.localeCompare(b.roomId));

/** The order in which one socket received durable events and typing, to tell what came after its own exit. */
function arrivalOrder(client: TestClient): string[] {
  const order: string[] = [];
  client.socket.on('event', (e: { type: string; data: { userId?: string } }) => order.push(`event:${e.type}:${e.data.userId}`));
  client.socket.on('typing', (s: TypingSignal) => order.push(`typing:${s.userId}`));
  return order;
}

interface FloodReport {
  sentMs: number;
  acked: number;
  /** acked with `sent: true`: the rest were dropped by the per-user, per-room limit */
  sent: number;
  refusedCodes: string[];
  receivedByMember: Record<string, number>;
  lastStateByMember: Record<string, boolean | undefined>;
  /** the flood alternates true/false: two equal states in a row at a member mean signals were reordered */
  outOfOrderByMember: Record<string, number>;
  postAckMs: number;
  postDeliveredMs: number;
  baselinePostMs: number;
  baselineDeliveredMs: number;
}

/**
 * A flood every signal of which was acked, cut to the limit, and told to each member in full, in order, ending on
 * "stopped"; the post beside it stayed prompt.
 */
function expectFloodContained(report: FloodReport, members: string[]): void {
  expect(report).toMatchObject({ acked: FLOOD_SIZE, refusedCodes: [] });
  expect(report.postAckMs).toBeLessThan(PROMPT_MS);
  expect(report.postDeliveredMs).toBeLessThan(PROMPT_MS);
  expect(report.sent).toBeGreaterThan(0);
  expect(report.sent).toBeLessThanOrEqual(TYPING_SIGNALS_PER_WINDOW);
  for (const member of members) {
    expect({ member, received: report.receivedByMember[member], outOfOrder: report.outOfOrderByMember[member], lastState: report.lastStateByMember[member] })
      .toEqual({ member, received: report.sent, outOfOrder: 0, lastState: false });
  }
}

/**
 * The typist sends FLOOD_SIZE typing signals as fast as its socket takes them (alternating, ending on `false`) while
 * the poster posts; measures what each member receives and how long the post takes to be acked and seen by the
 * witness. Every member is also in `markerRoomId`: a signal there, sent after the flood's acks, arrives after all the
 * flood got through (one sender, one order), so counting then is final.
 */
async function flood(
  rooms: { roomId: string; markerRoomId: string },
  typist: TestClient,
  poster: TestClient,
  witness: TestClient,
  members: TestClient[],
): Promise<FloodReport> {
  const { roomId, markerRoomId } = rooms;
  const recorders = new Map(members.map((m) => [m, recordSignals(m)]));
  const baselineStart = Date.now();
  const baselineSeen = waitInRoom(witness, roomId, 'MessagePosted', (e) => e.data.text === 'before the flood');
  await accepted(poster, 'rooms.post', { roomId, text: 'before the flood' });
  const baselinePostMs = Date.now() - baselineStart;
  const baselineDeliveredMs = await baselineSeen.then(() => Date.now() - baselineStart);

  const start = Date.now();
  const acks = Promise.all(Array.from({ length: FLOOD_SIZE }, (_, i) => typist.send('rooms.typing', { roomId, typing: i % 2 === 0 })));
  const text = `posted during the flood ${randomUUID()}`;
  const postStart = Date.now();
  const seenByWitness = waitInRoom(witness, roomId, 'MessagePosted', (e) => e.data.text === text).then(() => Date.now() - postStart);
  const postAckMs = await accepted(poster, 'rooms.post', { roomId, text }).then(() => Date.now() - postStart);
  const postDeliveredMs = await seenByWitness;
  const answered = await acks;
  const sentMs = Date.now() - start;

  await typingAccepted(typist, markerRoomId);
  for (const recorder of recorders.values()) await recorder.waitForTyping((s) => s.roomId === markerRoomId, 15000);
  const fromTypist = (m: TestClient) => recorders.get(m)!.typing.filter((s) => s.userId === typist.userId && s.roomId === roomId);
  const perMember = <T>(f: (m: TestClient) => T) => Object.fromEntries(members.map((m) => [nameOf(m.userId), f(m)]));
  return {
    sentMs,
    acked: answered.filter((a) => a.ok).length,
    sent: answered.filter((a) => a.ok && a.data.sent === true).length,
    refusedCodes: [...new Set(answered.flatMap((a) => (a.ok ? [] : [a.error.code])))],
    receivedByMember: perMember((m) => fromTypist(m).length),
    lastStateByMember: perMember((m) => fromTypist(m).at(-1)?.typing),
    outOfOrderByMember: perMember((m) => fromTypist(m).filter((s, i, all) => i > 0 && s.typing === all[i - 1].typing).length),
    postAckMs,
    postDeliveredMs,
    baselinePostMs,
    baselineDeliveredMs,
  };
}

/** printed after the file: what a flood costs and what reached a leaver in the instant before its node moved it */
const measured: { floods: Record<string, FloodReport>; typingAfterExitPerLeaverSocket: number[] } = {
  floods: {},
  typingAfterExitPerLeaverSocket: [],
};
afterAll(() => console.log(`signals audit, measured:\n${JSON.stringify(measured, null, 2)}`));

describe('signals audit: one node (SQLite)', () => {
  let app: AppProcess;
  const as = (tag: string, name: string, role: Role = 'participant') => connect(app, idOf(name, tag), role);
  oneAppPerFile('sqlite', (started) => (app = started), LIMITS_AS_SHIPPED);

  it('typing reaches the current members of that room, on every socket but the sending one, and nobody else', async () => {
    const tag = 'ty1';
    const fran = await as(tag, 'fran', 'facilitator');
    const aliceTab = await as(tag, 'alice');
    const alicePhone = await as(tag, 'alice');
    const [bob, carol, leo, rex, ben, olga] = await Promise.all(['bob', 'carol', 'leo', 'rex', 'ben', 'olga'].map((n) => as(tag, n)));
    const drMae = await as(tag, 'dr-mae', 'clinician'); // a member
    const drKim = await as(tag, 'dr-kim', 'clinician'); // may moderate any room, but is not in this one
    const gran = await connectFamily(app, idOf('gran', tag));
    const roomId = await createRoom(fran);
    const otherRoomId = await createRoom(fran, { name: 'Thursday group' });
    await joinAll(roomId, aliceTab, bob, drMae, leo, rex, ben);
    await joinAll(otherRoomId, carol);
    await accepted(leo, 'rooms.leave', { roomId });
    await accepted(fran, 'rooms.remove', { roomId, userId: rex.userId, reason: 'asked to step away' });
    await accepted(fran, 'rooms.ban', { roomId, userId: ben.userId, reason: 'threats' });
    const everyone = [fran, aliceTab, alicePhone, bob, carol, leo, rex, ben, olga, drMae, drKim, gran];
    const signals = new Map(everyone.map((c) => [c, recordSignals(c)]));
    const typingOf = (c: TestClient) => signals.get(c)!.typing;
    const nothingFor = (clients: TestClient[]) => {
      for (const c of clients) expect({ user: c.userId, got: typingOf(c) }).toEqual({ user: c.userId, got: [] });
    };

    await typingAccepted(aliceTab, roomId);
    await typingAccepted(carol, otherRoomId);
    await signals.get(bob)!.waitForTyping((s) => s.userId === aliceTab.userId);
    await signals.get(fran)!.waitForTyping((s) => s.userId === carol.userId);
    await settle();

    const aliceTyping = { roomId, userId: aliceTab.userId, typing: true };
    for (const member of [bob, drMae]) expect({ user: member.userId, got: typingOf(member) }).toEqual({ user: member.userId, got: [aliceTyping] });
    expect(byRoom(typingOf(fran))).toEqual(byRoom([aliceTyping, { roomId: otherRoomId, userId: carol.userId, typing: true }]));
    // "the room's other sockets": the sending socket hears nothing, the typist's other device hears her (see report)
    expect(typingOf(aliceTab)).toEqual([]);
    expect(typingOf(alicePhone)).toEqual([aliceTyping]);
    // another room's member; those who left, were removed or banned; a stranger; a non-member clinician; a family guest
    nothingFor([carol, leo, rex, ben, olga, drKim, gran]);

    // joining again makes leo a current member: he hears the next signal, the others still do not
    await accepted(leo, 'rooms.join', { roomId });
    await typingAccepted(aliceTab, roomId, false);
    await signals.get(bob)!.waitForTyping((s) => s.userId === aliceTab.userId && !s.typing);
    await settle();
    expect(typingOf(leo)).toEqual([{ roomId, userId: aliceTab.userId, typing: false }]);
    nothingFor([carol, rex, ben, olga, drKim, gran]);
  });

  it('presence reaches only those who share a room with the user, per room; leaving or removal stops it both ways', async () => {
    const tag = 'pr1';
    const fran = await as(tag, 'fran', 'facilitator');
    const [alice, bob, carol, leo, rex, olga] = await Promise.all(['alice', 'bob', 'carol', 'leo', 'rex', 'olga'].map((n) => as(tag, n)));
    const drKim = await as(tag, 'dr-kim', 'clinician');
    const gran = await connectFamily(app, idOf('gran', tag));
    const roomId = await createRoom(fran);
    const otherRoomId = await createRoom(fran, { name: 'Thursday group' });
    await joinAll(roomId, alice, bob, leo, rex);
    await joinAll(otherRoomId, alice, carol, leo);
    const observers = [fran, bob, carol, leo, rex, olga, drKim, gran];
    const signals = new Map(observers.map((c) => [c, recordSignals(c)]));
    const seen = (c: TestClient, userId: string) => presenceOf(signals.get(c)!, userId);
    const nothingFor = (clients: TestClient[], userId: string) => {
      for (const c of clients) expect({ user: c.userId, about: nameOf(userId), got: seen(c, userId) }).toMatchObject({ got: [] });
    };

    alice.close();
    await waitUntil(() => seen(fran, alice.userId).length === 2, 'fran hears alice leave both rooms');
    const aliceBack = await connect(app, alice.userId, 'participant');
    await waitUntil(() => seen(carol, alice.userId).length === 2, 'carol hears alice come back');
    await settle();
    expect(seen(fran, alice.userId)).toEqual(byRoom([offline(roomId), online(roomId), offline(otherRoomId), online(otherRoomId)]));
    expect(seen(bob, alice.userId)).toEqual([offline(roomId), online(roomId)]);
    expect(seen(carol, alice.userId)).toEqual([offline(otherRoomId), online(otherRoomId)]);
    nothingFor([olga, drKim, gran], alice.userId);

    // leo leaves the first room (staying in the other one); rex is removed from it
    await accepted(leo, 'rooms.leave', { roomId });
    await accepted(fran, 'rooms.remove', { roomId, userId: rex.userId, reason: 'asked to step away' });
    for (const recorder of signals.values()) recorder.presence.length = 0;
    aliceBack.close();
    await waitUntil(() => seen(carol, alice.userId).length === 1, 'carol hears alice leave');
    await settle();
    expect(seen(bob, alice.userId)).toEqual([offline(roomId)]);
    expect(seen(leo, alice.userId)).toEqual([offline(otherRoomId)]); // only where he still shares a room with her
    nothingFor([rex, olga, drKim, gran], alice.userId);

    // their comings and goings are no longer told to the first room; the room leo is still in hears his
    leo.close();
    rex.close();
    const leoBack = await connect(app, leo.userId, 'participant');
    const rexBack = await connect(app, rex.userId, 'participant');
    await waitUntil(() => seen(carol, leo.userId).length === 2, 'carol hears leo leave and come back');
    await settle();
    expect(seen(carol, leo.userId)).toEqual([offline(otherRoomId), online(otherRoomId)]);
    expect(seen(fran, leo.userId)).toEqual([offline(otherRoomId), online(otherRoomId)]);
    nothingFor([bob, olga, drKim, gran], leo.userId);
    nothingFor([fran, bob, carol, olga, drKim, gran], rex.userId);
    // asked who is online, the first room does not list them although they are connected; outsiders may not ask
    expect(await bob.send('rooms.presence', { roomId })).toEqual({ ok: true, data: { roomId, online: [bob.userId, fran.userId].sort() } });
    for (const outsider of [leoBack, rexBack, drKim, gran]) {
      expect({ user: outsider.userId, ack: await outsider.send('rooms.presence', { roomId }) }).toMatchObject({ ack: { ok: false, error: { code: 'ROOM.NOT_A_MEMBER' } } });
    }
  });

  it('refuses typing with the documented code (muted, outsiders, locked for all but the facilitators and staff, archived) and never stores it', async () => {
    const tag = 'rf1';
    const fran = await as(tag, 'fran', 'facilitator');
    const [alice, bob, mo, olga] = await Promise.all(['alice', 'bob', 'mo', 'olga'].map((n) => as(tag, n)));
    const drMae = await as(tag, 'dr-mae', 'clinician'); // a member: one of the room's moderators
    const hal = await as(tag, 'hal', 'facilitator'); // a member never appointed here: not a moderator, but staff (speaks in a locked room, as a post would)
    const drKim = await as(tag, 'dr-kim', 'clinician'); // may moderate any room, but is not a member
    const gran = await connectFamily(app, idOf('gran', tag));
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice, bob, mo, drMae, hal);
    const bobHears = recordSignals(bob);

    const head = await headPosition(app.url);
    await typingAccepted(alice, roomId);
    expect(await headPosition(app.url)).toBe(head); // an accepted signal is not stored either

    for (const outsider of [olga, drKim, gran]) await typingRefused(app, outsider, roomId, 'ROOM.NOT_A_MEMBER');
    // a room that does not exist answers as one you are not in
    await typingRefused(app, alice, randomUUID(), 'ROOM.NOT_A_MEMBER');

    await accepted(fran, 'rooms.mute', { roomId, userId: mo.userId, durationSeconds: 600, reason: 'cool-down' });
    const muted = await typingRefused(app, mo, roomId, 'ROOM.MUTED');
    expect(muted?.details).toEqual({ mutedUntil: expect.any(String), reason: 'cool-down' });
    await accepted(fran, 'rooms.unmute', { roomId, userId: mo.userId });
    await typingAccepted(mo, roomId);

    await accepted(fran, 'rooms.lock', { roomId, reason: 'taking a breath' });
    for (const member of [alice, mo]) await typingRefused(app, member, roomId, 'ROOM.LOCKED');
    for (const staff of [fran, drMae, hal]) await typingAccepted(staff, roomId);
    await accepted(fran, 'rooms.unlock', { roomId });
    await typingAccepted(alice, roomId, false);

    await accepted(fran, 'rooms.archive', { roomId });
    for (const member of [fran, drMae, alice, hal]) await typingRefused(app, member, roomId, 'ROOM.ARCHIVED');
    await typingRefused(app, olga, roomId, 'ROOM.NOT_A_MEMBER');

    await settle();
    // bob heard exactly the accepted signals, in order, and none of the refused ones
    expect(bobHears.typing.map((s) => `${nameOf(s.userId)}:${s.typing}`)).toEqual(['alice:true', 'mo:true', 'fran:true', 'dr-mae:true', 'hal:true', 'alice:false']);
  });

  it(`a flood of ${FLOOD_SIZE} typing signals: the room stays responsive, and members end on the state last sent`, async () => {
    const tag = 'fl1';
    const fran = await as(tag, 'fran', 'facilitator');
    const [alice, bob, carol, olga] = await Promise.all(['alice', 'bob', 'carol', 'olga'].map((n) => as(tag, n)));
    const roomId = await createRoom(fran);
    const markerRoomId = await createRoom(fran, { name: 'marker' });
    await joinAll(roomId, alice, bob, carol);
    await joinAll(markerRoomId, alice, bob, carol);
    const olgaHears = recordSignals(olga);

    const report = await flood({ roomId, markerRoomId }, alice, bob, fran, [fran, bob, carol]);
    measured.floods['one node (SQLite)'] = report;

    expectFloodContained(report, ['fran', 'bob', 'carol']);
    expect(olgaHears.typing).toEqual([]);
  });

  // Found by this audit, fixed 2026-12-01; it was: a family-guest token whose `sub` is a room member's id is put in that member's room channels
  // (roomDeliveryPolicy.channelsAt and the log follower's channel moves ignore the role; RoomSignalsService checks
  // membership by user id only), so the family session's device hears the group's typing and presence, announces the
  // member online, and may type and ask who is online, although "family are never room members" (PROTOCOL.md).
  it('a family-session token carrying a member\'s id is kept out of the member\'s rooms: no typing, no presence, no announcing', async () => {
    const tag = 'fa1';
    const fran = await as(tag, 'fran', 'facilitator');
    const [alice, bob] = await Promise.all(['alice', 'bob'].map((n) => as(tag, n)));
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice, bob);
    const bobHears = recordSignals(bob);
    alice.close();
    await bobHears.waitForPresence((s) => s.userId === alice.userId && !s.online);

    // the same person as a guest in a family session (same `sub`, role family), e.g. on the family's shared tablet
    const aliceAsFamily = await connectFamily(app, alice.userId, 'family-session-of-her-father');
    const familyHears = recordSignals(aliceAsFamily);
    await typingAccepted(bob, roomId);
    fran.close();
    await bobHears.waitForPresence((s) => s.userId === fran.userId && !s.online);
    await settle();
    expect({
      announcedOnlineToTheRoom: presenceOf(bobHears, alice.userId).filter((s) => s.online),
      typingHeard: familyHears.typing,
      presenceHeard: familyHears.presence,
      typingAck: await aliceAsFamily.send('rooms.typing', { roomId, typing: true }),
      presenceAck: await aliceAsFamily.send('rooms.presence', { roomId }),
    }).toEqual({
      announcedOnlineToTheRoom: [],
      typingHeard: [],
      presenceHeard: [],
      typingAck: { ok: false, error: expect.objectContaining({ code: 'ROOM.NOT_A_MEMBER' }) },
      presenceAck: { ok: false, error: expect.objectContaining({ code: 'ROOM.NOT_A_MEMBER' }) },
    });
  });
});

describeWithPostgres('signals audit: two nodes (PostgreSQL and Redis)', () => {
  const nodes = twoNodesPerFile(LIMITS_AS_SHIPPED);
  const on = (node: AppProcess, tag: string, name: string, role: Role = 'participant') => connect(node, idOf(name, tag), role);

  it('typing crosses nodes to current members only, and stops for whoever leaves, is removed or banned through the other node', async () => {
    const tag = 'n1';
    const fran = await on(nodes.A, tag, 'fran', 'facilitator');
    const alice = await on(nodes.A, tag, 'alice');
    const alicePhone = await on(nodes.B, tag, 'alice');
    const dana = await on(nodes.A, tag, 'dana');
    const [bob, carol, leo, rex, olga] = await Promise.all(['bob', 'carol', 'leo', 'rex', 'olga'].map((n) => on(nodes.B, tag, n)));
    const benOnA = await on(nodes.A, tag, 'ben');
    const benOnB = await on(nodes.B, tag, 'ben');
    const gran = await connectFamily(nodes.B, idOf('gran', tag));
    const roomId = await createRoom(fran);
    const otherRoomId = await createRoom(fran, { name: 'Thursday group' });
    await joinAll(roomId, alice, dana, bob, leo, rex, benOnB);
    await joinAll(otherRoomId, carol);
    const everyone = [fran, alice, alicePhone, dana, bob, carol, leo, rex, benOnA, benOnB, olga, gran];
    const signals = new Map(everyone.map((c) => [c, recordSignals(c)]));
    const typingOf = (c: TestClient) => signals.get(c)!.typing;
    const leavers = [leo, rex, benOnA, benOnB];
    const arrivals = new Map(leavers.map((c) => [c, arrivalOrder(c)]));

    // leo leaves through B; rex is removed and ben banned through A; alice (on A) types right after each exit
    await accepted(leo, 'rooms.leave', { roomId });
    await accepted(fran, 'rooms.remove', { roomId, userId: rex.userId, reason: 'asked to step away' });
    // membership is in the shared read models: B refuses rex at once, before it has even moved his socket
    await typingRefused(nodes.B, rex, roomId, 'ROOM.NOT_A_MEMBER');
    await typingAccepted(alice, roomId, true);
    await accepted(fran, 'rooms.ban', { roomId, userId: benOnB.userId, reason: 'threats' });
    await typingRefused(nodes.B, benOnB, roomId, 'ROOM.NOT_A_MEMBER');
    await typingAccepted(alice, roomId, false);
    await waitInRoom(leo, roomId, 'MemberLeft', (e) => e.data.userId === leo.userId);
    await waitInRoom(rex, roomId, 'MemberRemoved');
    for (const ben of [benOnA, benOnB]) await waitInRoom(ben, roomId, 'MemberBanned');

    // then one signal from each node
    await typingAccepted(alice, roomId, true);
    await typingAccepted(bob, roomId, true);
    await typingAccepted(carol, otherRoomId, true);
    for (const member of [fran, dana]) await signals.get(member)!.waitForTyping((s) => s.userId === bob.userId);
    await waitUntil(() => typingOf(bob).length === 3, 'bob hears alice three times');
    await settle();

    const signal = (who: TestClient, typing: boolean) => ({ roomId, userId: who.userId, typing });
    const aliceSent = [signal(alice, true), signal(alice, false), signal(alice, true)];
    // compared as sets: one sender's order is the ordering test's business (below), two senders' order is not defined
    const sorted = (xs: TypingSignal[]) => xs.map((x) => `${x.roomId}:${nameOf(x.userId)}:${x.typing}`).sort();
    for (const member of [dana, bob]) {
      expect({ user: member.userId, got: sorted(typingOf(member).filter((s) => s.userId === alice.userId)) }).toEqual({ user: member.userId, got: sorted(aliceSent) });
    }
    expect(typingOf(dana).filter((s) => s.userId === bob.userId)).toEqual([signal(bob, true)]);
    expect(typingOf(alice)).toEqual([signal(bob, true)]);
    // alice's other device, on the other node, is one of "the room's other sockets"
    expect(sorted(typingOf(alicePhone))).toEqual(sorted([...aliceSent, signal(bob, true)]));
    expect(typingOf(fran)).toHaveLength(5);
    expect(typingOf(fran)).toContainEqual({ roomId: otherRoomId, userId: carol.userId, typing: true });
    for (const outsider of [carol, olga, gran]) expect({ user: outsider.userId, got: typingOf(outsider) }).toEqual({ user: outsider.userId, got: [] });
    // once a leaver's socket has been told it is out, no signal follows. One sent in the instant before its node moved
    // it may still arrive first (each node moves its own sockets when it delivers the exit): measured, not asserted
    for (const leaver of leavers) {
      const order = arrivals.get(leaver)!;
      const exit = order.findIndex((a) => /^event:Member(Left|Removed|Banned):/.test(a) && a.endsWith(`:${leaver.userId}`));
      expect(exit).toBeGreaterThanOrEqual(0);
      expect({ user: leaver.userId, afterExit: order.slice(exit + 1).filter((a) => a.startsWith('typing:')) }).toEqual({ user: leaver.userId, afterExit: [] });
    }
    // ben was still a member for alice's first signal; any other signal reached a leaver after its exit was acked
    const heardAsMember = new Map([[benOnA, 1], [benOnB, 1]]);
    measured.typingAfterExitPerLeaverSocket.push(...leavers.map((l) => typingOf(l).length - (heardAsMember.get(l) ?? 0)));
  });

  // Found by this audit, fixed 2026-12-01; it was: RoomSignalsService.typing checks three read models before it emits, and socket messages are handled
  // concurrently (SocketMessageHandlers), so on PostgreSQL's pool a `typing: false` sent right after `typing: true`
  // is often emitted first: the room is left seeing a typist who has stopped, until each client's own timeout.
  it('a stop sent right after a start reaches the room after it, on both nodes', async () => {
    const tag = 'n5';
    const ROUNDS = TYPING_SIGNALS_PER_WINDOW / 2; // all within the limit (50 rounds showed the reordering, unlimited)
    const fran = await on(nodes.A, tag, 'fran', 'facilitator');
    const alice = await on(nodes.A, tag, 'alice');
    const bob = await on(nodes.B, tag, 'bob');
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice, bob);
    const hearers = [fran, bob].map((c) => ({ user: nameOf(c.userId), signals: recordSignals(c) }));

    // a short message: typing starts and stops a moment later (a client does not wait for the first ack)
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all([alice.send('rooms.typing', { roomId, typing: true }), alice.send('rooms.typing', { roomId, typing: false })]);
    }
    // each round is acked before the next is sent, so rounds cannot mix: signals 2r and 2r+1 are round r's
    await waitUntil(() => hearers.every((h) => h.signals.typing.length === 2 * ROUNDS), 'every signal arrived');
    const leftTyping = (typing: TypingSignal[]) => typing.filter((s, i) => i % 2 === 1 && s.typing).length;
    expect(hearers.map((h) => ({ user: h.user, roundsLeftShowingAliceTyping: leftTyping(h.signals.typing) }))).toEqual(
      hearers.map((h) => ({ user: h.user, roundsLeftShowingAliceTyping: 0 })),
    );
  });

  it('presence crosses nodes to those who share a room only, per user not per socket; an exit through the other node stops it both ways', async () => {
    const tag = 'n2';
    const fran = await on(nodes.A, tag, 'fran', 'facilitator');
    const aliceOnA = await on(nodes.A, tag, 'alice');
    const aliceOnB = await on(nodes.B, tag, 'alice');
    const dana = await on(nodes.A, tag, 'dana');
    const [bob, carol, leo, rex] = await Promise.all(['bob', 'carol', 'leo', 'rex'].map((n) => on(nodes.B, tag, n)));
    const olga = await on(nodes.A, tag, 'olga');
    const drKim = await on(nodes.A, tag, 'dr-kim', 'clinician');
    const gran = await connectFamily(nodes.B, idOf('gran', tag));
    const roomId = await createRoom(fran);
    const otherRoomId = await createRoom(fran, { name: 'Thursday group' });
    await joinAll(roomId, aliceOnA, dana, bob, leo, rex);
    await joinAll(otherRoomId, aliceOnB, carol, leo);
    const observers = [fran, dana, bob, carol, leo, rex, olga, drKim, gran];
    const signals = new Map(observers.map((c) => [c, recordSignals(c)]));
    const seen = (c: TestClient, userId: string) => presenceOf(signals.get(c)!, userId);
    const expectSeen = (clients: TestClient[], userId: string, expected: { roomId: string; online: boolean }[]) => {
      for (const c of clients) expect({ user: c.userId, about: nameOf(userId), got: seen(c, userId) }).toEqual({ user: c.userId, about: nameOf(userId), got: expected });
    };
    const alice = aliceOnA.userId;

    // one of alice's two sockets goes: she is still online on the other node, so nobody is told anything
    aliceOnA.close();
    await settle();
    expectSeen(observers, alice, []);
    aliceOnB.close();
    await waitUntil(() => seen(fran, alice).length === 2 && seen(dana, alice).length === 1 && seen(carol, alice).length === 1, 'alice told offline');
    await settle();
    expectSeen([fran, leo], alice, byRoom([offline(roomId), offline(otherRoomId)]));
    expectSeen([dana, bob, rex], alice, [offline(roomId)]);
    expectSeen([carol], alice, [offline(otherRoomId)]);
    expectSeen([olga, drKim, gran], alice, []);

    // through node A: leo leaves the first room and rex is removed from it; their sockets are on B
    const leoOnA = await connect(nodes.A, leo.userId, 'participant'); // his second socket: announces nothing
    await accepted(leoOnA, 'rooms.leave', { roomId });
    await accepted(fran, 'rooms.remove', { roomId, userId: rex.userId, reason: 'asked to step away' });
    await waitInRoom(leo, roomId, 'MemberLeft', (e) => e.data.userId === leo.userId);
    await waitInRoom(rex, roomId, 'MemberRemoved');
    for (const recorder of signals.values()) recorder.presence.length = 0;

    await connect(nodes.A, alice, 'participant');
    await waitUntil(() => seen(carol, alice).length === 1 && seen(bob, alice).length === 1, 'alice told online');
    await settle();
    expectSeen([dana, bob], alice, [online(roomId)]);
    expectSeen([leo], alice, [online(otherRoomId)]);
    expectSeen([rex, olga, drKim, gran], alice, []);

    // leo (both sockets) and rex go away: only the room leo is still in is told
    leo.close();
    leoOnA.close();
    rex.close();
    await waitUntil(() => seen(carol, leo.userId).length === 1, 'carol told leo went offline');
    await settle();
    expectSeen([carol], leo.userId, [offline(otherRoomId)]);
    expectSeen([dana, bob, olga, drKim, gran], leo.userId, []);
    expectSeen([fran, dana, bob, carol, olga, drKim, gran], rex.userId, []);
    const expectedOnline = { ok: true, data: { roomId, online: [alice, bob.userId, dana.userId, fran.userId].sort() } };
    expect(await dana.send('rooms.presence', { roomId })).toEqual(expectedOnline);
    expect(await bob.send('rooms.presence', { roomId })).toEqual(expectedOnline);
  });

  it('users hopping between nodes as fast as they can are left shown online, then offline once gone', async () => {
    const tag = 'n6';
    const fran = await on(nodes.A, tag, 'fran', 'facilitator');
    const firsts = await Promise.all(['u1', 'u2', 'u3', 'u4', 'u5', 'u6'].map((n) => on(nodes.A, tag, n)));
    const roomId = await createRoom(fran);
    await joinAll(roomId, ...firsts);
    const franHears = recordSignals(fran);
    const lastState = (userId: string) => franHears.presence.filter((s) => s.userId === userId).at(-1)?.online;

    // each hop closes the socket on one node and opens one on the other at once, as a reconnect through a balancer
    let sockets = firsts;
    for (let hop = 0; hop < 5; hop++) {
      const node = hop % 2 === 0 ? nodes.B : nodes.A;
      sockets = await Promise.all(sockets.map((s) => (s.close(), connect(node, s.userId, 'participant'))));
    }
    await waitUntil(() => sockets.every((s) => lastState(s.userId) === true), 'every hopper shown online');
    await settle();
    expect(sockets.map((s) => lastState(s.userId))).toEqual(sockets.map(() => true));
    for (const s of sockets) s.close();
    await waitUntil(() => sockets.every((s) => lastState(s.userId) === false), 'every hopper shown offline');
  });

  it('refuses typing on one node the moment the other node mutes, locks, removes or archives, and stores nothing', async () => {
    const tag = 'n3';
    const fran = await on(nodes.A, tag, 'fran', 'facilitator');
    const [alice, mo] = await Promise.all(['alice', 'mo'].map((n) => on(nodes.B, tag, n)));
    const drMae = await on(nodes.B, tag, 'dr-mae', 'clinician');
    const gran = await connectFamily(nodes.B, idOf('gran', tag));
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice, mo, drMae);
    const franHears = recordSignals(fran);

    // each change is made through A and tried at once through B: the ack means A has projected it to the shared store
    await accepted(fran, 'rooms.mute', { roomId, userId: mo.userId, durationSeconds: 600, reason: 'cool-down' });
    await typingRefused(nodes.B, mo, roomId, 'ROOM.MUTED');
    await accepted(fran, 'rooms.lock', { roomId });
    await typingRefused(nodes.B, alice, roomId, 'ROOM.LOCKED');
    await typingAccepted(drMae, roomId); // a member clinician moderates the room
    await typingRefused(nodes.B, gran, roomId, 'ROOM.NOT_A_MEMBER');
    await accepted(fran, 'rooms.remove', { roomId, userId: mo.userId, reason: 'asked to step away' });
    await typingRefused(nodes.B, mo, roomId, 'ROOM.NOT_A_MEMBER');
    await accepted(fran, 'rooms.archive', { roomId });
    await typingRefused(nodes.B, drMae, roomId, 'ROOM.ARCHIVED');
    await typingRefused(nodes.A, fran, roomId, 'ROOM.ARCHIVED');

    await settle();
    expect(franHears.typing).toEqual([{ roomId, userId: drMae.userId, typing: true }]);
  });

  it(`a flood of ${FLOOD_SIZE} typing signals through one node is cut to the limit, in order, on both nodes; the room stays responsive`, async () => {
    const tag = 'n4';
    const fran = await on(nodes.A, tag, 'fran', 'facilitator');
    const alice = await on(nodes.A, tag, 'alice');
    const dana = await on(nodes.A, tag, 'dana');
    const [bob, carol, olga] = await Promise.all(['bob', 'carol', 'olga'].map((n) => on(nodes.B, tag, n)));
    const roomId = await createRoom(fran);
    const markerRoomId = await createRoom(fran, { name: 'marker' });
    await joinAll(roomId, alice, dana, bob, carol);
    await joinAll(markerRoomId, alice, dana, bob, carol);
    const olgaHears = recordSignals(olga);

    // the flood comes through A; bob posts through B, and fran, on A, must see the post promptly
    const report = await flood({ roomId, markerRoomId }, alice, bob, fran, [fran, dana, bob, carol]);
    measured.floods['two nodes (PostgreSQL, Redis)'] = report;

    expectFloodContained(report, ['fran', 'dana', 'bob', 'carol']);
    expect(olgaHears.typing).toEqual([]);
  });
});
