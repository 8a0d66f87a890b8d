import { randomUUID } from 'node:crypto';
import type { AppProcess } from '../../support/app-process';
import { connect, settle, type TestClient, type WireEvent } from '../../support/sockets';
import { headPosition, STORES } from '../../support/stores';
import { accepted, command, createRoom, httpGet, oneAppPerFile, post, refused, streamOf, waitInRoom } from '../rooms/rooms-helpers';
import { guestOfSession, redeem, scheduledFor, scheduleSession, someone } from './family-helpers';
import { advanceClock } from '../../support/test-clock';

/*
 * Family sessions end to end (docs/PROTOCOL.md, "Family sessions"): a clinician schedules one for a participant, an
 * invite's code is redeemed over HTTP without a login for a guest token, the guest waits until admitted, talks in the
 * session's room and nowhere else, and is out again when removed or when the session ends.
 */

const CRISIS_TEXT = 'I cannot go on, I want to kill myself';

describe.each(STORES)('family sessions on %s', (store) => {
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));

  const scheduled = () => scheduledFor(app);
  const guestOf = (pat: TestClient, sessionId: string, inviteeLabel = 'Mom') => guestOfSession(app, pat, sessionId, inviteeLabel);

  it('a guest redeems a code once, waits, is admitted, and talks with the participant and the clinician in the session room only', async () => {
    const { kim, pat, sessionId, roomId } = await scheduled();
    const bob = await connect(app, someone('bob'), 'participant');

    const { guest, guestId, invite } = await guestOf(pat, sessionId);
    expect(invite.code).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    // staff see who waits; nobody is ever sent the code or its hash
    const waiting = await kim.waitForEvent((e) => e.type === 'FamilyInviteRedeemed' && e.data.guestId === guestId);
    expect(waiting.data).toMatchObject({ inviteeLabel: 'Mom', sessionId });
    const issued = await kim.waitForEvent((e) => e.type === 'FamilyInviteIssued' && e.data.inviteId === invite.inviteId);
    expect(issued.data).not.toHaveProperty('codeHash');
    for (const client of [kim, pat]) expect(JSON.stringify(client.events)).not.toContain(invite.code);

    // the code works once
    expect(await redeem(app, invite.code)).toMatchObject({ status: 422, body: { ok: false, error: { code: 'FAMILY.INVITE_USED' } } });
    expect(await redeem(app, 'not-a-real-code-at-all')).toMatchObject({ status: 404, body: { ok: false, error: { code: 'FAMILY.INVITE_NOT_FOUND' } } });

    // waiting: not in the room yet
    await refused(app, guest, 'rooms.post', { roomId, text: 'hello?' }, 'ROOM.NOT_A_MEMBER');
    await accepted(kim, 'family.admit', { sessionId, guestId });
    const admitted = await guest.waitForEvent((e) => e.type === 'FamilyGuestAdmitted');
    expect(admitted.data).toEqual({ sessionId, guestId, roomId, admittedAt: expect.any(String) });
    await waitInRoom(guest, roomId, 'MemberJoined', (e) => e.data.userId === guestId);

    const { messageId } = await post(guest, roomId, 'hi sweetheart, I am here');
    for (const client of [pat, kim]) await waitInRoom(client, roomId, 'MessagePosted', (e) => e.data.messageId === messageId);
    const reply = await post(pat, roomId, 'thanks for coming, mom');
    await waitInRoom(guest, roomId, 'MessagePosted', (e) => e.data.messageId === reply.messageId);
    expect((await httpGet(app, guest, `/rooms/${roomId}/messages`)).status).toBe(200);

    // and nowhere else: no other room, no room list, no mentoring, nothing of others' sessions
    const groupRoom = await createRoom(await connect(app, someone('fran'), 'facilitator'));
    await refused(app, guest, 'rooms.join', { roomId: groupRoom }, 'ROOM.FAMILY_NOT_ALLOWED');
    expect((await httpGet(app, guest, '/rooms')).body.data).toEqual([]);
    await refused(app, guest, 'mentoring.request', { topics: ['x'], language: 'en', availability: 'now' }, 'MENTORING.FORBIDDEN');
    await refused(app, guest, 'family.admit', { sessionId, guestId }, 'FAMILY.SESSION_NOT_FOUND');
    // a guest of another session is nobody here
    const other = await scheduled();
    const { guest: stranger } = await guestOf(other.pat, other.sessionId, 'Cousin');
    await accepted(other.kim, 'family.admit', { sessionId: other.sessionId, guestId: stranger.userId });
    await waitInRoom(stranger, other.roomId, 'MemberJoined', (e) => e.data.userId === stranger.userId);
    await refused(app, stranger, 'rooms.post', { roomId, text: 'wrong room' }, 'ROOM.NOT_A_MEMBER');
    expect((await httpGet(app, stranger, `/rooms/${roomId}/messages`)).status).toBe(403);
    await settle();
    expect(stranger.events.filter((e) => e.streamId === streamOf(roomId))).toEqual([]);
    expect(bob.events.filter((e) => e.streamId === streamOf(roomId) || e.streamId === `session-${sessionId}`)).toEqual([]);
    expect(guest.events.filter((e) => e.streamId !== streamOf(roomId) && e.streamId !== `session-${sessionId}`)).toEqual([]);
  });

  it('a removed guest is out at once; ending the session closes the room for everyone', async () => {
    const { kim, pat, sessionId, roomId } = await scheduled();
    const { guest, guestId } = await guestOf(pat, sessionId, 'Dad');
    await accepted(kim, 'family.admit', { sessionId, guestId });
    await waitInRoom(guest, roomId, 'MemberJoined', (e) => e.data.userId === guestId);

    // who is in the room follows the session: the room's own removal is refused, the session's takes them out
    await refused(app, kim, 'rooms.remove', { roomId, userId: guestId, reason: 'asked to leave' }, 'ROOM.FAMILY_SESSION_ROOM');
    await accepted(kim, 'family.removeGuest', { sessionId, guestId });
    await guest.waitForEvent((e) => e.type === 'FamilyGuestRemoved');
    await waitInRoom(pat, roomId, 'MemberLeft', (e) => e.data.userId === guestId);
    await refused(app, guest, 'rooms.post', { roomId, text: 'wait' }, 'ROOM.NOT_A_MEMBER');
    await refused(app, kim, 'family.admit', { sessionId, guestId }, 'FAMILY.GUEST_REMOVED');
    const { messageId } = await post(pat, roomId, 'after dad left');
    await settle();
    expect(guest.events.filter((e) => e.data.messageId === messageId)).toEqual([]);

    await accepted(kim, 'family.end', { sessionId });
    await pat.waitForEvent((e) => e.type === 'FamilySessionEnded');
    await waitInRoom(pat, roomId, 'RoomArchived');
    await refused(app, pat, 'rooms.post', { roomId, text: 'one more' }, 'ROOM.ARCHIVED');
  });

  it("a guest's crisis words are held from the room like anyone's: the guest gets help, the clinician an alert", async () => {
    const { kim, pat, sessionId, roomId } = await scheduled();
    const { guest, guestId } = await guestOf(pat, sessionId, 'Sister');
    await accepted(kim, 'family.admit', { sessionId, guestId });
    await waitInRoom(guest, roomId, 'MemberJoined', (e) => e.data.userId === guestId);

    const ack = await accepted(guest, 'rooms.post', { roomId, text: CRISIS_TEXT });
    expect(ack).toMatchObject({ held: true, staffNotified: true });
    await kim.waitForEvent((e) => e.type === 'SafetyAlertRaised' && e.data.userId === guestId);
    await settle();
    expect(JSON.stringify(pat.events)).not.toContain('kill myself');
  });

  it('refuses bad and unauthorised commands with structured errors, storing nothing', async () => {
    const { kim, pat, sessionId } = await scheduled();
    const bob = await connect(app, someone('bob'), 'participant');
    await refused(app, pat, 'family.schedule', { participantId: pat.userId, title: 't', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 60_000).toISOString() }, 'FAMILY.FORBIDDEN');
    await refused(app, kim, 'family.schedule', { participantId: pat.userId, title: 't', startsAt: 'soon', endsAt: 'later' }, 'VALIDATION.FAILED');
    await refused(app, bob, 'family.invite', { sessionId, inviteeLabel: 'Uncle' }, 'FAMILY.SESSION_NOT_FOUND');
    await refused(app, pat, 'family.invite', { sessionId, inviteeLabel: '   ' }, 'FAMILY.INVALID_REQUEST');
    await refused(app, pat, 'family.admit', { sessionId, guestId: 'family-nobody' }, 'FAMILY.FORBIDDEN');
    expect((await httpGet(app, bob, `/family-sessions/${sessionId}`)).status).toBe(404);
    const head = await headPosition(app.url);
    expect((await redeem(app, 'x'))).toMatchObject({ status: 400, body: { ok: false, error: { code: 'VALIDATION.FAILED' } } });
    expect(await headPosition(app.url)).toBe(head);

    // a retried invite is not a second invite, and its code is shown only the first time
    const commandId = randomUUID();
    const first = await accepted(pat, 'family.invite', { commandId, sessionId, inviteeLabel: 'Aunt' });
    const again = await accepted(pat, 'family.invite', { commandId, sessionId, inviteeLabel: 'Aunt' });
    expect(again).toMatchObject({ replayed: true, inviteId: first.inviteId, code: null });
    expect((await httpGet(app, kim, `/family-sessions/${sessionId}`)).body.data.invites).toHaveLength(1);
  });

  it('the host moves a session not started: its people are told, its invites expire by the new end; not once a code is used, nor once it started', async () => {
    const kim = await connect(app, someone('dr-kim'), 'clinician');
    const pat = await connect(app, someone('pat'), 'participant');
    const lee = await connect(app, someone('dr-lee'), 'clinician');
    const ada = await connect(app, someone('ada'), 'admin');
    const bob = await connect(app, someone('bob'), 'participant');
    const iso = (minutesFromNow: number) => new Date(Date.now() + minutesFromNow * 60_000).toISOString();
    const { sessionId } = await accepted<{ sessionId: string }>(kim, 'family.schedule', { participantId: pat.userId, title: 'Family session', startsAt: iso(120), endsAt: iso(180) });
    const invite = await accepted<{ inviteId: string; code: string; expiresAt: string }>(pat, 'family.invite', { sessionId, inviteeLabel: 'Dad' });

    const sooner = { startsAt: iso(30), endsAt: iso(90) };
    expect(Date.parse(invite.expiresAt)).toBeGreaterThan(Date.parse(sooner.endsAt));
    expect(await accepted(kim, 'family.reschedule', { sessionId, ...sooner })).toMatchObject({ sessionId, ...sooner });
    for (const told of [pat, lee, ada]) {
      const moved = await told.waitForEvent((e) => e.type === 'FamilySessionRescheduled' && e.data.sessionId === sessionId);
      expect(moved.data).toEqual({ sessionId, ...sooner, inviteExpiries: { [invite.inviteId]: sooner.endsAt }, by: kim.userId, rescheduledAt: expect.any(String) });
    }
    const { data } = (await httpGet(app, pat, `/family-sessions/${sessionId}`)).body;
    expect(data).toMatchObject({ ...sooner, invites: [expect.objectContaining({ inviteId: invite.inviteId, status: 'open', expiresAt: sooner.endsAt })] });
    await refused(app, pat, 'family.reschedule', { sessionId, startsAt: iso(60), endsAt: iso(120) }, 'FAMILY.FORBIDDEN');
    await refused(app, bob, 'family.reschedule', { sessionId, startsAt: iso(60), endsAt: iso(120) }, 'FAMILY.SESSION_NOT_FOUND');
    await refused(app, kim, 'family.reschedule', { sessionId, startsAt: iso(60), endsAt: iso(60 + 9 * 60) }, 'FAMILY.INVALID_REQUEST');
    await settle();
    expect(bob.events.filter((e) => e.type === 'FamilySessionRescheduled')).toEqual([]);

    // the code still works, for the new times; from then on the session stays where it is
    const redeemed = await redeem(app, invite.code);
    expect(redeemed).toMatchObject({ status: 200, body: { data: { startsAt: sooner.startsAt, endsAt: sooner.endsAt } } });
    const refusal = await refused(app, kim, 'family.reschedule', { sessionId, startsAt: iso(240), endsAt: iso(300) }, 'FAMILY.CANNOT_RESCHEDULE');
    expect(refusal.details).toEqual({ reason: 'guests_redeemed' });

    // a session under way is not moved either
    const running = await scheduleSession(kim, pat);
    const started = await refused(app, kim, 'family.reschedule', { sessionId: running.sessionId, startsAt: iso(240), endsAt: iso(300) }, 'FAMILY.CANNOT_RESCHEDULE');
    expect(started.details).toEqual({ reason: 'started' });
  });

  // moves the app's clock an hour on (the last test moves it three)
  it('an hour before the session its people are told, once, of an invite still unused; not of one used, nor of one sent within that hour', async () => {
    const kim = await connect(app, someone('dr-kim'), 'clinician');
    const pat = await connect(app, someone('pat'), 'participant');
    const lee = await connect(app, someone('dr-lee'), 'clinician');
    const bob = await connect(app, someone('bob'), 'participant');
    const startsAt = new Date(Date.now() + 120 * 60_000).toISOString();
    const { sessionId } = await accepted<{ sessionId: string }>(kim, 'family.schedule', { participantId: pat.userId, title: 'Family session', startsAt, endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString() });
    const unused = await accepted<{ inviteId: string }>(pat, 'family.invite', { sessionId, inviteeLabel: 'Dad' });
    const used = await accepted<{ inviteId: string; code: string }>(pat, 'family.invite', { sessionId, inviteeLabel: 'Mom' });
    expect((await redeem(app, used.code)).status).toBe(200);
    const isReminder = (e: WireEvent) => e.type === 'FamilyInviteUnusedBeforeSession' && e.data.sessionId === sessionId;

    await advanceClock(app, 61 * 60_000);
    for (const told of [pat, kim, lee]) {
      const reminder = await told.waitForEvent(isReminder);
      expect(reminder).toMatchObject({ actorId: 'system', data: { sessionId, inviteId: unused.inviteId, invitedBy: pat.userId, startsAt } });
    }
    // sent within the hour before the session: its sender has just sent it
    await accepted(pat, 'family.invite', { sessionId, inviteeLabel: 'Aunt' });
    // a later poll reminds of nothing more (a move of 0 is answered after one)
    await advanceClock(app, 0);
    await settle(200);
    expect(pat.events.filter(isReminder).map((e) => e.data.inviteId)).toEqual([unused.inviteId]);
    expect(bob.events.filter(isReminder)).toEqual([]);
  });

  // last in the file: it moves the app's clock three hours on, past every session scheduled above
  it('a session nobody ended is ended by the system an hour past its end, and its room closes', async () => {
    const { kim, pat, sessionId, roomId } = await scheduled();
    const unused = await accepted<{ inviteId: string }>(pat, 'family.invite', { sessionId, inviteeLabel: 'Aunt' });
    await advanceClock(app, 3 * 3_600_000 + 60_000);
    const ended = await pat.waitForEvent((e) => e.type === 'FamilySessionEnded' && e.data.sessionId === sessionId);
    expect(ended).toMatchObject({ actorId: 'system', data: { by: 'system' } });
    await waitInRoom(pat, roomId, 'RoomArchived');
    // an invite nobody redeemed is marked expired by the system, and those who sent it are told
    const expired = await pat.waitForEvent((e) => e.type === 'FamilyInviteExpired' && e.data.inviteId === unused.inviteId);
    expect(expired).toMatchObject({ actorId: 'system', data: { sessionId, inviteId: unused.inviteId } });
    await kim.waitForEvent((e) => e.type === 'FamilyInviteExpired' && e.data.inviteId === unused.inviteId);
    const { invites } = (await httpGet(app, kim, `/family-sessions/${sessionId}`)).body.data;
    expect(invites).toEqual([expect.objectContaining({ inviteId: unused.inviteId, status: 'expired' })]);
  });
});
