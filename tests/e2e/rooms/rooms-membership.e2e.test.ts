import type { AppProcess } from '../../support/app-process';
import { connect, settle } from '../../support/sockets';
import { headPosition, STORES } from '../../support/stores';
import { accepted, command, connectFamily, createRoom, httpGet, httpPost, joinAll, oneAppPerFile, post, refused, roomEvents, roomSettings, waitInRoom } from './rooms-helpers';

describe.each(STORES)('room membership on %s', (store) => {
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));

  it('a facilitator creates a room with its settings; participants find it and the creator is its facilitator', async () => {
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const settings = roomSettings({ name: 'Thursday DBT skills', topic: 'distress tolerance', kind: 'group_therapy', capacity: 8 });
    const created = await command(fran, 'rooms.create', settings);
    expect(created).toMatchObject({ ok: true, data: { replayed: false } });
    const roomId = created.ok && created.data.roomId;

    const event = await waitInRoom(fran, roomId, 'RoomCreated');
    expect(event).toMatchObject({ actorId: 'fran', data: { ...settings, roomId, createdBy: 'fran', creatorRole: 'facilitator' } });

    const shown = await httpGet(app, alice, `/rooms/${roomId}`);
    expect(shown).toMatchObject({
      status: 200,
      body: { ok: true, data: { roomId, ...settings, archived: false, memberCount: 1, createdBy: 'fran' } },
    });
    const listed = await httpGet(app, alice, '/rooms');
    expect(listed.body.data.map((r: { roomId: string }) => r.roomId)).toContain(roomId);

    const members = await httpGet(app, fran, `/rooms/${roomId}/members`);
    expect(members.body.data).toEqual([expect.objectContaining({ userId: 'fran', moderator: true })]);
  });

  it('renames and topic changes reach members live; an archived room refuses posts with ROOM.ARCHIVED', async () => {
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice);

    await accepted(fran, 'rooms.rename', { roomId, name: 'Evening check-in' });
    expect((await waitInRoom(alice, roomId, 'RoomRenamed')).data).toMatchObject({ name: 'Evening check-in', by: 'fran' });
    await accepted(fran, 'rooms.changeTopic', { roomId, topic: 'sleep and routines' });
    expect((await waitInRoom(alice, roomId, 'TopicChanged')).data).toMatchObject({ topic: 'sleep and routines', by: 'fran' });
    expect((await httpGet(app, alice, `/rooms/${roomId}`)).body.data).toMatchObject({ name: 'Evening check-in', topic: 'sleep and routines' });

    await post(alice, roomId, 'before the group ended');
    await accepted(fran, 'rooms.archive', { roomId });
    await waitInRoom(alice, roomId, 'RoomArchived');

    await refused(app, alice, 'rooms.post', { roomId, text: 'is anyone still here?' }, 'ROOM.ARCHIVED');
    await refused(app, fran, 'rooms.post', { roomId, text: 'the facilitator cannot post either' }, 'ROOM.ARCHIVED');
    await refused(app, fran, 'rooms.rename', { roomId, name: 'reopened?' }, 'ROOM.ARCHIVED');
    // participants no longer find it; staff still do, marked archived; its history stays readable
    expect((await httpGet(app, alice, '/rooms')).body.data.map((r: { roomId: string }) => r.roomId)).not.toContain(roomId);
    expect((await httpGet(app, fran, '/rooms')).body.data).toContainEqual(expect.objectContaining({ roomId, archived: true }));
    expect(await httpGet(app, alice, `/rooms/${roomId}`)).toMatchObject({ status: 200, body: { data: { roomId, archived: true } } });
    expect((await httpGet(app, alice, `/rooms/${roomId}/messages`)).body.data.map((m: { text: string }) => m.text)).toEqual([
      'before the group ended',
    ]);
  });

  it('a full room refuses the next joiner with ROOM.FULL until someone leaves', async () => {
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const bob = await connect(app, 'bob', 'participant');
    const roomId = await createRoom(fran, { capacity: 2 });
    await joinAll(roomId, alice);

    const error = await refused(app, bob, 'rooms.join', { roomId }, 'ROOM.FULL');
    expect(error.details).toMatchObject({ capacity: 2 });
    await settle();
    expect(roomEvents(bob, roomId)).toEqual([]);

    await accepted(alice, 'rooms.leave', { roomId });
    await accepted(bob, 'rooms.join', { roomId });
    await waitInRoom(fran, roomId, 'MemberJoined', (e) => e.data.userId === 'bob');
  });

  it('an invite-only room refuses uninvited participants with ROOM.INVITE_REQUIRED and admits them once invited', async () => {
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const bob = await connect(app, 'bob', 'participant');
    const roomId = await createRoom(fran, { joinRule: 'invite_only' });

    await refused(app, bob, 'rooms.join', { roomId }, 'ROOM.INVITE_REQUIRED');

    await accepted(fran, 'rooms.invite', { roomId, userId: 'bob' });
    expect((await waitInRoom(bob, roomId, 'MemberInvited')).data).toMatchObject({ userId: 'bob', by: 'fran' });
    await accepted(bob, 'rooms.join', { roomId });
    await waitInRoom(fran, roomId, 'MemberJoined', (e) => e.data.userId === 'bob');

    // the invite was for bob only
    await refused(app, alice, 'rooms.join', { roomId }, 'ROOM.INVITE_REQUIRED');
    await settle();
    expect(roomEvents(alice, roomId)).toEqual([]);
  });

  it('a closed room refuses new members with ROOM.CLOSED, also after an open room is closed, and only staff and members can look it up', async () => {
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const bob = await connect(app, 'bob', 'participant');
    const closedFromStart = await createRoom(fran, { joinRule: 'closed' });
    await refused(app, bob, 'rooms.join', { roomId: closedFromStart }, 'ROOM.CLOSED');

    const roomId = await createRoom(fran);
    await joinAll(roomId, alice);
    await accepted(fran, 'rooms.changeJoinRule', { roomId, joinRule: 'closed' });
    expect((await waitInRoom(alice, roomId, 'JoinRuleChanged')).data).toMatchObject({ joinRule: 'closed' });
    await refused(app, bob, 'rooms.join', { roomId }, 'ROOM.CLOSED');
    // members already inside keep talking
    await post(alice, roomId, 'still here');
    // participants outside no longer find it, nor look it up by id; its members and staff still do
    expect((await httpGet(app, bob, '/rooms')).body.data.map((r: { roomId: string }) => r.roomId)).not.toContain(roomId);
    expect(await httpGet(app, bob, `/rooms/${roomId}`)).toMatchObject({ status: 404, body: { error: { code: 'ROOM.NOT_FOUND' } } });
    expect(await httpGet(app, bob, `/rooms/${closedFromStart}`)).toMatchObject({ status: 404 });
    expect(await httpGet(app, alice, `/rooms/${roomId}`)).toMatchObject({ status: 200, body: { data: { roomId, joinRule: 'closed' } } });
    expect(await httpGet(app, fran, `/rooms/${closedFromStart}`)).toMatchObject({ status: 200, body: { data: { roomId: closedFromStart } } });
  });

  it('a family guest cannot join, create or see group rooms, and receives no room events live or on catch-up', async () => {
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const gran = await connectFamily(app, 'gran');
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice);

    await refused(app, gran, 'rooms.join', { roomId }, 'ROOM.FAMILY_NOT_ALLOWED');
    // creating a room is for staff only, over the socket and over HTTP alike
    await refused(app, gran, 'rooms.create', roomSettings({ name: 'family corner' }), 'AUTH.FORBIDDEN');
    const head = await headPosition(app.url);
    const overHttp = await httpPost(app, gran, '/rooms', { commandId: 'gran-create-1', ...roomSettings() });
    expect(overHttp).toMatchObject({ status: 403, body: { ok: false, error: { code: 'AUTH.FORBIDDEN' } } });
    expect(await headPosition(app.url)).toBe(head);

    await post(alice, roomId, 'my mum is visiting this weekend');
    await accepted(fran, 'rooms.rename', { roomId, name: 'weekend prep' });
    await settle();
    expect(gran.events).toEqual([]);

    // reads: nothing to find, nothing to show
    expect(await httpGet(app, gran, '/rooms')).toMatchObject({ status: 200, body: { data: [] } });
    expect(await httpGet(app, gran, `/rooms/${roomId}`)).toMatchObject({ status: 404, body: { error: { code: 'ROOM.NOT_FOUND' } } });
    expect(await httpGet(app, gran, `/rooms/${roomId}/messages`)).toMatchObject({ status: 403, body: { error: { code: 'ROOM.NOT_A_MEMBER' } } });

    // catch-up from the very beginning of the log shows a family guest nothing either
    const granAgain = await connectFamily(app, 'gran', 'family-session-1', { lastPosition: 0 });
    await settle();
    expect(granAgain.events).toEqual([]);
  });

  it('a family guest receives nothing even when a facilitator invites them by mistake', async () => {
    const fran = await connect(app, 'fran', 'facilitator');
    const grandpa = await connectFamily(app, 'grandpa', 'family-session-2');
    const roomId = await createRoom(fran, { joinRule: 'invite_only' });
    const before = await headPosition(app.url);

    const invite = await command(fran, 'rooms.invite', { roomId, userId: 'grandpa' });
    // Either the invite is refused, or it is stored but never shown to the family guest.
    if (!invite.ok) expect(invite.error.code).toBe('ROOM.FAMILY_NOT_ALLOWED');
    await refused(app, grandpa, 'rooms.join', { roomId }, 'ROOM.FAMILY_NOT_ALLOWED');
    const grandpaAgain = await connectFamily(app, 'grandpa', 'family-session-2', { lastPosition: before });
    await settle();
    // Regression guard. Found while writing this suite (a server bug at commit 017697d): MemberInvited's audience is
    // "moderators + invitee" and InviteToRoom does not check the invitee's role, so the family guest's socket received
    // a MemberInvited naming a group room, live and again on catch-up. Fixed since by excluding family sockets from
    // room deliveries (libs/rooms/src/delivery/room-delivery.policy.ts).
    expect({ live: grandpa.events, catchUp: grandpaAgain.events }).toEqual({ live: [], catchUp: [] });
  });

  it('a participant cannot create a room (AUTH.FORBIDDEN), over the socket or over HTTP', async () => {
    const alice = await connect(app, 'alice', 'participant');
    await refused(app, alice, 'rooms.create', roomSettings({ name: 'my own room' }), 'AUTH.FORBIDDEN');
    const head = await headPosition(app.url);
    const overHttp = await httpPost(app, alice, '/rooms', { commandId: 'alice-create-1', ...roomSettings() });
    expect(overHttp).toMatchObject({ status: 403, body: { ok: false, error: { code: 'AUTH.FORBIDDEN' } } });
    expect(await headPosition(app.url)).toBe(head);
    expect((await httpGet(app, alice, '/rooms')).body.data.map((r: { name: string }) => r.name)).not.toContain('my own room');
  });

  it('an appointed co-facilitator can moderate, which they could not do before', async () => {
    const fran = await connect(app, 'fran', 'facilitator');
    const gina = await connect(app, 'gina', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const roomId = await createRoom(fran);
    await joinAll(roomId, gina, alice);

    await refused(app, gina, 'rooms.mute', { roomId, userId: 'alice', durationSeconds: 600, reason: 'pause' }, 'ROOM.FORBIDDEN');
    // the only facilitator cannot walk out and leave the room without one
    await refused(app, fran, 'rooms.leave', { roomId }, 'ROOM.LAST_FACILITATOR');

    await accepted(fran, 'rooms.appointFacilitator', { roomId, userId: 'gina' });
    expect((await waitInRoom(alice, roomId, 'FacilitatorAppointed')).data).toMatchObject({ userId: 'gina', by: 'fran' });
    const members = (await httpGet(app, alice, `/rooms/${roomId}/members`)).body.data;
    expect(members).toContainEqual(expect.objectContaining({ userId: 'gina', moderator: true }));

    await accepted(gina, 'rooms.mute', { roomId, userId: 'alice', durationSeconds: 600, reason: 'take a breather' });
    expect((await waitInRoom(alice, roomId, 'MemberMuted')).data).toMatchObject({ userId: 'alice', by: 'gina', reason: 'take a breather' });
    // gina now gets what only moderators get, e.g. reports
    const { messageId } = await post(fran, roomId, 'welcome everyone');
    await accepted(alice, 'rooms.report', { roomId, messageId, reason: 'testing the report button' });
    await waitInRoom(gina, roomId, 'MessageReported');
    await accepted(gina, 'rooms.unmute', { roomId, userId: 'alice' });
    await waitInRoom(alice, roomId, 'MemberUnmuted');

    // with a co-facilitator in place, fran may now leave
    await accepted(fran, 'rooms.leave', { roomId });
    await waitInRoom(gina, roomId, 'MemberLeft', (e) => e.data.userId === 'fran');
  });

  it('a member who leaves is gone for the others, stops receiving the room, cannot post, and may come back', async () => {
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const bob = await connect(app, 'bob', 'participant');
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice, bob);

    await accepted(alice, 'rooms.leave', { roomId });
    expect((await waitInRoom(bob, roomId, 'MemberLeft')).data).toMatchObject({ userId: 'alice' });
    await waitInRoom(alice, roomId, 'MemberLeft', (e) => e.data.userId === 'alice');
    expect((await httpGet(app, bob, `/rooms/${roomId}/members`)).body.data.map((m: { userId: string }) => m.userId)).not.toContain('alice');

    await post(bob, roomId, 'said after alice left');
    await settle();
    expect(roomEvents(alice, roomId, 'MessagePosted')).toEqual([]);
    await refused(app, alice, 'rooms.post', { roomId, text: 'wait, one more thing' }, 'ROOM.NOT_A_MEMBER');
    await refused(app, alice, 'rooms.leave', { roomId }, 'ROOM.NOT_A_MEMBER');

    await accepted(alice, 'rooms.join', { roomId });
    await post(bob, roomId, 'welcome back');
    await waitInRoom(alice, roomId, 'MessagePosted', (e) => e.data.text === 'welcome back');
    expect(roomEvents(alice, roomId, 'MessagePosted').map((e) => e.data.text)).toEqual(['welcome back']);
  });
});
