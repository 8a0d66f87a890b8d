import { randomUUID } from 'node:crypto';
import type { AppProcess } from '../../support/app-process';
import { connect, settle, type TestClient } from '../../support/sockets';
import { describeWithPostgres } from '../../support/postgres';
import { caughtUp, STORES } from '../../support/stores';
import { recordSignals, twoNodesPerFile } from '../scale-out-helpers';
import { accepted, createRoom, freshGroup, history, httpGet, joinAll, oneAppPerFile, post, refused, roomEvents, waitInRoom } from './rooms-helpers';

/*
 * Hiding a person (rooms.hidePerson): a participant or mentor stops reading a peer in group rooms, live, on catch-up,
 * in history and in unread counts, except in rooms they moderate; the person hidden is never told.
 */

type TypingSignal = { roomId: string; userId: string; typing: boolean };

describe.each(STORES)('hiding a person on %s', (store) => {
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));

  /** fran's group with alice, bob and carol (a mentor) in it; ids fresh per test (one app for the file) */
  const groupOfFour = () => freshGroup(app, { alice: 'participant', bob: 'participant', carol: 'mentor' });
  const typingOf = (client: TestClient): TypingSignal[] => {
    const signals: TypingSignal[] = [];
    client.socket.on('typing', (signal: TypingSignal) => signals.push(signal));
    return signals;
  };
  const textsIn = (client: TestClient, roomId: string) => roomEvents(client, roomId, 'MessagePosted').map((e) => e.data.text);
  const hiddenListOf = async (client: TestClient) => {
    const answer = await httpGet(app, client, '/me/hidden-people');
    expect(answer.status).toBe(200);
    return answer.body.data.map((person: { userId: string }) => person.userId);
  };

  it("stops a peer's messages, edits, reactions and typing reaching the one who hides them, live; the others, the moderator and the peer notice nothing", async () => {
    const { fran, alice, bob, carol, roomId } = await groupOfFour();
    const aliceTyping = typingOf(alice);
    const carolTyping = typingOf(carol);

    // alice reads bob until she hides him (and every node has already looked up who hides him)
    const earlier = await post(bob, roomId, 'bob before');
    await waitInRoom(alice, roomId, 'MessagePosted', (e) => e.data.messageId === earlier.messageId);
    const ack = await accepted(alice, 'rooms.hidePerson', { userId: bob.userId });
    expect(ack.events.map((e: { type: string }) => e.type)).toEqual(['PersonHidden']);
    const own = await alice.waitForEvent((e) => e.type === 'PersonHidden');
    expect(own).toMatchObject({ streamId: `hidden-people-${alice.userId}`, data: { userId: alice.userId, hiddenUserId: bob.userId }, actorId: alice.userId });

    const said = await post(bob, roomId, 'bob speaks');
    await accepted(bob, 'rooms.edit', { roomId, messageId: said.messageId, text: 'bob speaks again' });
    const carols = await post(carol, roomId, 'carol speaks');
    await accepted(bob, 'rooms.react', { roomId, messageId: carols.messageId, emoji: '👍' });
    expect(await bob.send('rooms.typing', { roomId, typing: true })).toEqual({ ok: true, data: { sent: true } });
    // what follows bob's every act, in the log's order (and typing's, from one node): alice has all she will get
    expect(await carol.send('rooms.typing', { roomId, typing: true })).toEqual({ ok: true, data: { sent: true } });
    const closing = await post(carol, roomId, 'carol again');
    await waitInRoom(alice, roomId, 'MessagePosted', (e) => e.data.messageId === closing.messageId);
    await waitInRoom(carol, roomId, 'ReactionAdded');

    expect(textsIn(alice, roomId)).toEqual(['bob before', 'carol speaks', 'carol again']);
    expect(roomEvents(alice, roomId).filter((e) => e.actorId === bob.userId && e.position > own.position)).toEqual([]);
    expect(aliceTyping.map((s) => s.userId)).toEqual([carol.userId]);
    // carol, and fran who moderates, read bob as before
    expect(textsIn(carol, roomId)).toEqual(['bob before', 'bob speaks', 'carol speaks', 'carol again']);
    expect(roomEvents(carol, roomId, 'MessageEdited')).toHaveLength(1);
    expect(carolTyping.map((s) => s.userId)).toContain(bob.userId);
    await waitInRoom(fran, roomId, 'MessagePosted', (e) => e.data.messageId === closing.messageId);
    expect(textsIn(fran, roomId)).toEqual(['bob before', 'bob speaks', 'carol speaks', 'carol again']);

    // bob is not told, nor anyone else; the list is alice's alone
    await settle();
    for (const other of [bob, carol, fran]) expect(other.events.filter((e) => e.streamId.startsWith('hidden-people-'))).toEqual([]);
    expect(await hiddenListOf(alice)).toEqual([bob.userId]);
    expect(await hiddenListOf(bob)).toEqual([]);

    // unhidden, he reaches her again at once
    await accepted(alice, 'rooms.unhidePerson', { userId: bob.userId });
    const after = await post(bob, roomId, 'bob after');
    await waitInRoom(alice, roomId, 'MessagePosted', (e) => e.data.messageId === after.messageId);
  });

  it('leaves the hidden peer out of catch-up, history and unread counts until unhidden; then all of it is back', async () => {
    const { alice, bob, carol, roomId } = await groupOfFour();
    await accepted(alice, 'rooms.hidePerson', { userId: bob.userId });
    const before = alice.lastPosition();
    alice.close();
    await post(bob, roomId, 'bob one');
    await post(carol, roomId, 'carol one');
    await post(bob, roomId, 'bob two');
    await caughtUp(app.url);

    const back = await connect(app, alice.userId, 'participant', { lastPosition: before });
    expect(textsIn(back, roomId)).toEqual(['carol one']);
    expect((await history(app, back, roomId)).map((m) => m.text)).toEqual(['carol one']);
    const unread = async () => (await httpGet(app, back, '/me/rooms')).body.data.find((room: { roomId: string }) => room.roomId === roomId).unread;
    expect(await unread()).toBe(1);

    await accepted(back, 'rooms.unhidePerson', { userId: bob.userId });
    expect(await hiddenListOf(back)).toEqual([]);
    expect((await history(app, back, roomId)).map((m) => m.text)).toEqual(['bob one', 'carol one', 'bob two']);
    expect(await unread()).toBe(3);
    const again = await connect(app, alice.userId, 'participant', { lastPosition: before });
    expect(textsIn(again, roomId)).toEqual(['bob one', 'carol one', 'bob two']);
    // unhiding someone not hidden changes nothing
    expect((await accepted(back, 'rooms.unhidePerson', { userId: bob.userId })).events).toEqual([]);
  });

  it('shows a moderator everyone in the room they moderate, also someone they hide', async () => {
    const { fran, alice, bob, carol, roomId } = await groupOfFour();
    await accepted(alice, 'rooms.hidePerson', { userId: bob.userId });
    await accepted(fran, 'rooms.appointFacilitator', { roomId, userId: alice.userId });
    const said = await post(bob, roomId, 'bob to the room alice runs');
    await waitInRoom(alice, roomId, 'MessagePosted', (e) => e.data.messageId === said.messageId);
    expect((await history(app, alice, roomId)).map((m) => m.text)).toEqual(['bob to the room alice runs']);
    // in another group, where she is a member only, he stays hidden
    const other = await createRoom(fran, { name: 'Another group' });
    await joinAll(other, alice, bob, carol);
    await post(bob, other, 'bob elsewhere');
    const closing = await post(carol, other, 'carol elsewhere');
    await waitInRoom(alice, other, 'MessagePosted', (e) => e.data.messageId === closing.messageId);
    expect(textsIn(alice, other)).toEqual(['carol elsewhere']);
  });

  it('offers a mentor request, and a rematch, to no mentor the participant hides', async () => {
    const { alice, bob, carol: maria, roomId } = await groupOfFour();
    const sam = await connect(app, `sam-${randomUUID().slice(0, 6)}`, 'mentor');
    const mo = await connect(app, `mo-${randomUUID().slice(0, 6)}`, 'mentor');
    await joinAll(roomId, sam, mo);
    await accepted(alice, 'rooms.hidePerson', { userId: maria.userId });
    // bob is no mentor: hiding him changes nothing in mentoring
    await accepted(alice, 'rooms.hidePerson', { userId: bob.userId });
    const isRequest = (requestId: string) => (e: { type: string; data: Record<string, unknown> }) => e.type === 'MentorRequested' && e.data.requestId === requestId;
    const openIds = async (client: TestClient) => (await httpGet(app, client, '/mentoring/requests')).body.data.map((r: { requestId: string }) => r.requestId);

    const wishes = { topics: ['sleep'], language: 'en', availability: 'weekday evenings' };
    const { requestId } = await accepted<{ requestId: string }>(alice, 'mentoring.request', wishes);
    expect((await alice.waitForEvent(isRequest(requestId))).data.excludedMentors).toEqual([maria.userId]);
    await sam.waitForEvent(isRequest(requestId));
    await settle();
    expect(maria.events.filter(isRequest(requestId))).toEqual([]);
    expect(await openIds(maria)).not.toContain(requestId);
    await refused(app, maria, 'mentoring.accept', { requestId }, 'MENTORING.EXCLUDED');

    // sam takes it; alice hides mo too; a rematch asked by a clinician leaves out maria, sam and mo
    const { pairingId } = await accepted<{ pairingId: string }>(sam, 'mentoring.accept', { requestId });
    await accepted(alice, 'rooms.hidePerson', { userId: mo.userId });
    const clinician = await connect(app, `dr-${randomUUID().slice(0, 6)}`, 'clinician');
    const again = await accepted<{ requestId: string }>(clinician, 'mentoring.rematch', { pairingId });
    expect((await alice.waitForEvent(isRequest(again.requestId))).data.excludedMentors).toEqual([maria.userId, sam.userId, mo.userId]);
    expect(await openIds(mo)).not.toContain(again.requestId);
  });

  it("offers no mentor a request of a participant they hide, live, in their list or on catch-up, and the participant cannot tell", async () => {
    const { alice, carol: maria, roomId } = await groupOfFour();
    const sam = await connect(app, `sam-${randomUUID().slice(0, 6)}`, 'mentor');
    await joinAll(roomId, sam);
    await accepted(maria, 'rooms.hidePerson', { userId: alice.userId });
    const before = maria.lastPosition();
    const about = (requestId: string) => (e: { data: Record<string, unknown> }) => e.data.requestId === requestId;
    const openIds = async (client: TestClient) => (await httpGet(app, client, '/mentoring/requests')).body.data.map((r: { requestId: string }) => r.requestId);

    const { requestId } = await accepted<{ requestId: string }>(alice, 'mentoring.request', { topics: ['sleep'], language: 'en', availability: 'evenings' });
    // what alice and the clinicians read names no one: maria's hiding is hers alone
    expect((await alice.waitForEvent(about(requestId))).data.excludedMentors).toEqual([]);
    await sam.waitForEvent(about(requestId));
    await settle();
    expect(maria.events.filter(about(requestId))).toEqual([]);
    expect(await openIds(maria)).not.toContain(requestId);
    expect(await openIds(sam)).toContain(requestId);
    const back = await connect(app, maria.userId, 'mentor', { lastPosition: before });
    expect(back.events.filter(about(requestId))).toEqual([]);
    await refused(app, maria, 'mentoring.accept', { requestId }, 'MENTORING.EXCLUDED');
    // sam takes it: maria, never offered it, is not told it was taken either
    await accepted(sam, 'mentoring.accept', { requestId });
    await alice.waitForEvent((e) => e.type === 'PairingStarted' && e.data.requestId === requestId);
    await settle();
    expect(maria.events.filter(about(requestId))).toEqual([]);
  });

  it('refuses staff, strangers, oneself, and hiding by staff, storing nothing', async () => {
    const { run, fran, alice, bob } = await groupOfFour();
    expect((await refused(app, alice, 'rooms.hidePerson', { userId: fran.userId }, 'ROOM.CANNOT_HIDE_STAFF')).details).toEqual({ userId: fran.userId });
    await refused(app, alice, 'rooms.hidePerson', { userId: `stranger-${run}` }, 'ROOM.PERSON_NOT_FOUND');
    await refused(app, alice, 'rooms.hidePerson', { userId: alice.userId }, 'ROOM.CANNOT_HIDE_SELF');
    await refused(app, fran, 'rooms.hidePerson', { userId: bob.userId }, 'ROOM.FORBIDDEN');
    await refused(app, alice, 'rooms.hidePerson', { userId: '' }, 'VALIDATION.FAILED');
    expect(await hiddenListOf(alice)).toEqual([]);
  });
});

describeWithPostgres('hiding a person on two nodes (PostgreSQL, Redis)', () => {
  const nodes = twoNodesPerFile();

  it('every node stops delivering the hidden peer at once, also one that had already looked up who hides them', async () => {
    const run = randomUUID().slice(0, 6);
    const fran = await connect(nodes.A, `fran-${run}`, 'facilitator');
    const bob = await connect(nodes.A, `bob-${run}`, 'participant');
    const aliceOnB = await connect(nodes.B, `alice-${run}`, 'participant');
    const carolOnB = await connect(nodes.B, `carol-${run}`, 'participant');
    const roomId = await createRoom(fran);
    await joinAll(roomId, bob, aliceOnB, carolOnB);
    const typing = recordSignals(aliceOnB);
    // both nodes deliver bob's first message, and so look up who hides him: nobody yet
    const earlier = await post(bob, roomId, 'bob before');
    await waitInRoom(aliceOnB, roomId, 'MessagePosted', (e) => e.data.messageId === earlier.messageId);

    // alice hides him from her phone, on node A; her socket on node B is the one that must stop hearing him
    const aliceOnA = await connect(nodes.A, aliceOnB.userId, 'participant');
    const { position } = await accepted<{ position: number }>(aliceOnA, 'rooms.hidePerson', { userId: bob.userId });
    await aliceOnB.waitForEvent((e) => e.position === position && e.type === 'PersonHidden');
    await post(bob, roomId, 'bob after');
    expect(await bob.send('rooms.typing', { roomId, typing: true })).toEqual({ ok: true, data: { sent: true } });
    const closing = await post(carolOnB, roomId, 'carol after');
    await waitInRoom(aliceOnB, roomId, 'MessagePosted', (e) => e.data.messageId === closing.messageId);
    await waitInRoom(carolOnB, roomId, 'MessagePosted', (e) => e.data.text === 'bob after');
    await settle();
    expect(roomEvents(aliceOnB, roomId, 'MessagePosted').map((e) => e.data.text)).toEqual(['bob before', 'carol after']);
    expect(typing.typing).toEqual([]);
  });
});
