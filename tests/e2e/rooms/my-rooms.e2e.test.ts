import { randomUUID } from 'node:crypto';
import type { AppProcess } from '../../support/app-process';
import { closeAllClients, connect, type TestClient } from '../../support/sockets';
import { caughtUp, STORES } from '../../support/stores';
import { redeem, scheduleSession } from '../family-sessions/family-helpers';
import { accepted, createRoom, httpGet, joinAll, oneAppPerFile, post, waitInRoom } from './rooms-helpers';

/*
 * GET /me/rooms: the rooms a login is in now, each with its unread count (others' messages after the read mark, posted
 * while the reader was in the room, not deleted) and newest message, what a client lists when it opens.
 */

type MyRoom = { roomId: string; kind: string; moderator: boolean; readPosition: number; unread: number; newestMessage: { position: number } | null; openReports: number | null; awayNotices: boolean };

describe.each(STORES)('GET /me/rooms on %s', (store) => {
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));
  afterEach(() => closeAllClients());

  const run = () => randomUUID().slice(0, 6);
  async function myRooms(client: TestClient): Promise<MyRoom[]> {
    await caughtUp(app.url);
    const answer = await httpGet(app, client, '/me/rooms');
    expect(answer.status).toBe(200);
    return answer.body.data;
  }
  const unreadOf = async (client: TestClient) => Object.fromEntries((await myRooms(client)).map((room) => [room.roomId, room.unread]));

  it("counts others' messages after the read mark, from the reader's join, without deleted ones; lists only current rooms", async () => {
    const id = run();
    const fran = await connect(app, `fran-${id}`, 'facilitator');
    const alice = await connect(app, `alice-${id}`, 'participant');
    const bob = await connect(app, `bob-${id}`, 'participant');
    const evening = await createRoom(fran, { name: 'Evening' });
    const morning = await createRoom(fran, { name: 'Morning' });
    await joinAll(evening, alice, bob);
    await joinAll(morning, alice);

    const first = await post(alice, evening, 'hello evening');
    const second = await post(alice, evening, 'anyone up?');
    const own = await post(bob, evening, 'I am');
    await post(alice, morning, 'morning all');

    // bob: alice's two in the evening room, not his own; the morning room is not his
    let rooms = await myRooms(bob);
    expect(rooms).toEqual([
      {
        roomId: evening, name: 'Evening', kind: 'peer_support', archived: false, locked: false, moderator: false,
        since: expect.any(Number), readPosition: 0, unread: 2, newestMessage: { position: own.position, postedAt: expect.any(String) }, openReports: null,
        awayNotices: true, agreement: null, openHours: null,
      },
    ]);
    // alice: the most recently active room first; fran moderates both and has read neither
    expect((await myRooms(alice)).map((room) => [room.roomId, room.unread])).toEqual([[morning, 0], [evening, 1]]);
    expect((await myRooms(fran)).map((room) => [room.roomId, room.unread, room.moderator])).toEqual([[morning, 1, true], [evening, 3, true]]);

    // marking read moves the count; a private read receipt is still the reader's own mark
    await accepted(bob, 'rooms.setReadReceiptPrivacy', { roomId: evening, private: true });
    await accepted(bob, 'rooms.markRead', { roomId: evening, position: first.position });
    rooms = await myRooms(bob);
    expect(rooms[0]).toMatchObject({ readPosition: first.position, unread: 1 });
    // a report waits in the evening room's queue: its moderators see how many; members are not told
    await accepted(bob, 'rooms.report', { roomId: evening, messageId: first.messageId, reason: 'unkind' });
    expect((await myRooms(fran)).map((room) => [room.roomId, room.openReports])).toEqual([[morning, 0], [evening, 1]]);
    expect((await myRooms(alice)).map((room) => room.openReports)).toEqual([null, null]);
    // bob turns the evening room's away notices off: his list says so, nobody else's changes
    await accepted(bob, 'rooms.setAwayNotices', { roomId: evening, on: false });
    expect((await myRooms(bob)).map((room) => [room.roomId, room.awayNotices])).toEqual([[evening, false]]);
    expect((await myRooms(fran)).map((room) => room.awayNotices)).toEqual([true, true]);

    // a message its author took back is no longer unread
    await accepted(alice, 'rooms.delete', { roomId: evening, messageId: second.messageId });
    expect(await unreadOf(bob)).toEqual({ [evening]: 0 });

    // carol joins after all this: what was said before she came is not hers to read, so not unread
    const carol = await connect(app, `carol-${id}`, 'participant');
    await joinAll(evening, carol);
    expect(await unreadOf(carol)).toEqual({ [evening]: 0 });
    await post(alice, evening, 'welcome carol');
    expect(await unreadOf(carol)).toEqual({ [evening]: 1 });

    // removed from a room, bob no longer lists it
    await accepted(fran, 'rooms.remove', { roomId: evening, userId: bob.userId, reason: 'moved to another group' });
    expect(await myRooms(bob)).toEqual([]);
  });

  it('lists mentor pair and family session rooms to their people only; a family login sees its session room once admitted', async () => {
    const id = run();
    const pat = await connect(app, `pat-${id}`, 'participant');
    const mona = await connect(app, `mona-${id}`, 'mentor');
    const kim = await connect(app, `dr-kim-${id}`, 'clinician');
    const { requestId } = await accepted<{ requestId: string }>(pat, 'mentoring.request', { topics: ['sleep'], language: 'en', availability: 'evenings' });
    await mona.waitForEvent((e) => e.type === 'MentorRequested' && e.data.requestId === requestId);
    const pairing = await accepted<{ roomId: string }>(mona, 'mentoring.accept', { requestId });
    await waitInRoom(pat, pairing.roomId, 'PairRoomOpened');
    await post(mona, pairing.roomId, 'hi, I am mona');

    expect((await myRooms(pat)).map((room) => [room.kind, room.unread])).toEqual([['mentor_pair', 1]]);
    expect((await myRooms(mona)).map((room) => [room.kind, room.unread])).toEqual([['mentor_pair', 0]]);
    // a clinician oversees pairs without being in them
    expect(await myRooms(kim)).toEqual([]);

    const session = await scheduleSession(kim, pat);
    const invite = await accepted<{ code: string }>(pat, 'family.invite', { sessionId: session.sessionId, inviteeLabel: 'Mom' });
    const { token, guestId } = (await redeem(app, invite.code)).body.data;
    const guest = await connect(app, guestId, 'family', { token });
    // waiting to be admitted: in no room
    expect(await myRooms(guest)).toEqual([]);
    await accepted(kim, 'family.admit', { sessionId: session.sessionId, guestId });
    await waitInRoom(guest, session.roomId, 'MemberJoined', (e) => e.data.userId === guestId);
    await post(kim, session.roomId, 'welcome, everyone');
    expect((await myRooms(guest)).map((room) => [room.roomId, room.kind, room.unread])).toEqual([[session.roomId, 'family_session', 1]]);
    expect((await myRooms(pat)).map((room) => [room.kind, room.unread])).toEqual([['family_session', 1], ['mentor_pair', 1]]);
  });

  it('answers 401 without a token', async () => {
    const response = await fetch(`${app.url}/me/rooms`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^AUTH\./) } });
  });
});
