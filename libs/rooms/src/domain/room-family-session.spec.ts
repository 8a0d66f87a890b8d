import type { Actor } from '@haven/domain';
import { SYSTEM_ACTOR } from '@haven/domain';
import { derivedId } from '@haven/command-handling/command-handler';
import { sessionRoomIdOf } from './linked-room-ids';
import type { RoomCommand } from './room.commands';
import { ROOM_ID, T0, at, command, event, fold, pairRoomOpened, posted, roomCreated, roomWithAliceAndBob, spec, users } from './testing/room.fixtures';

const SESSION_ID = 'session-1';
const host = users.clinician; // clin-1
const guest: Actor = { userId: 'family-inv-1', role: 'family', familySessionId: SESSION_ID };
const otherSessionsGuest: Actor = { userId: 'family-inv-9', role: 'family', familySessionId: 'session-2' };
/** a relative's login under alice's own user id, scoped to this very session */
const aliceFamily: Actor = { userId: 'alice', role: 'family', familySessionId: SESSION_ID };

const open = (by: Actor = users.system, data: Partial<{ sessionId: string; participantId: string; hostId: string }> = {}, now = T0) =>
  command('OpenFamilySessionRoom', { sessionId: SESSION_ID, participantId: 'alice', hostId: host.userId, ...data }, by, now);
const admit = (guestId = guest.userId, by: Actor = users.system, now = at(10)) => command('AdmitFamilyGuest', { guestId }, by, now);
const turnAway = (guestId = guest.userId, by: Actor = users.system, now = at(20)) => command('RemoveFamilyGuest', { guestId }, by, now);
const close = (by: Actor = users.system, now = at(3600)) => command('CloseFamilySessionRoom', {}, by, now);

const opened = event('FamilySessionRoomOpened', { roomId: ROOM_ID, sessionId: SESSION_ID, participantId: 'alice', hostId: host.userId, openedAt: T0 });
const admitted = (userId = guest.userId, joinedAt = at(10)) => event('MemberJoined', { userId, role: 'family', joinedAt });
const closed = event('RoomArchived', { by: 'system', archivedAt: at(3600) });
const session = [opened];
const withGuest = [opened, admitted()];

describe('OpenFamilySessionRoom', () => {
  it("opens the session's room when the system asks", () => {
    spec.given([]).when(open()).then([opened]);
  });

  it.each([users.alice, host, users.admin, users.facilitator, guest])('refuses $userId: sessions open rooms, people do not', (who) => {
    spec.given([]).when(open(who)).thenThrows('AUTH.FORBIDDEN');
  });

  it('does nothing when the same session opens it again (a retry), open or closed', () => {
    spec.given(session).when(open()).thenNothing();
    spec.given([...session, closed]).when(open()).thenNothing();
  });

  it("refuses another session's room, a pair room or a group room under the same id", () => {
    spec.given(session).when(open(users.system, { sessionId: 'session-2' })).thenThrows('ROOM.ALREADY_EXISTS', { roomId: ROOM_ID });
    spec.given([pairRoomOpened()]).when(open()).thenThrows('ROOM.ALREADY_EXISTS', { roomId: ROOM_ID });
    spec.given([roomCreated()]).when(open()).thenThrows('ROOM.ALREADY_EXISTS', { roomId: ROOM_ID });
  });

  it('makes an active, closed room of twelve seats: the participant a member, the host its facilitator', () => {
    expect(fold(session)).toMatchObject({
      status: 'active',
      kind: 'family_session',
      name: 'Family session',
      topic: '',
      capacity: 12,
      joinRule: 'closed',
      sessionId: SESSION_ID,
      pairingId: null,
      members: { alice: { roomRole: 'member' }, [host.userId]: { roomRole: 'facilitator' } },
      knownRoles: { alice: 'participant', [host.userId]: 'clinician' },
    });
  });
});

describe('AdmitFamilyGuest and RemoveFamilyGuest', () => {
  it('seats an admitted guest as a family member, once', () => {
    spec.given(session).when(admit()).then([admitted()]);
    spec.given(withGuest).when(admit()).thenNothing();
  });

  it('turns a guest away as a removal by the system, once', () => {
    spec.given(withGuest).when(turnAway()).then([
      event('MemberRemoved', { userId: guest.userId, reason: 'turned away', by: 'system', removedAt: at(20) }),
    ]);
    spec.given(session).when(turnAway()).thenNothing();
    // the participant is no guest: the session does not turn them away
    spec.given(session).when(turnAway('alice')).thenNothing();
  });

  it('is for the system only, and for family session rooms only', () => {
    for (const who of [users.alice, host, users.admin, guest]) {
      spec.given(session).when(admit(guest.userId, who)).thenThrows('AUTH.FORBIDDEN');
      spec.given(withGuest).when(turnAway(guest.userId, who)).thenThrows('AUTH.FORBIDDEN');
    }
    spec.given(roomWithAliceAndBob()).when(admit()).thenThrows('ROOM.FORBIDDEN', { roomId: ROOM_ID });
    spec.given([pairRoomOpened()]).when(admit()).thenThrows('ROOM.FORBIDDEN', { roomId: ROOM_ID });
    spec.given([]).when(admit()).thenThrows('ROOM.NOT_FOUND');
  });

  it('respects the capacity', () => {
    const full = [opened, ...Array.from({ length: 10 }, (_, n) => admitted(`family-inv-${n + 10}`))];
    spec.given(full).when(admit()).thenThrows('ROOM.FULL', { capacity: 12 });
  });

  it('admits nobody to a closed session, and turning away there is a no-op', () => {
    spec.given([...session, closed]).when(admit()).thenThrows('ROOM.ARCHIVED');
    spec.given([...withGuest, closed]).when(turnAway()).thenNothing();
  });
});

describe('CloseFamilySessionRoom', () => {
  it('archives the room once', () => {
    spec.given(withGuest).when(close()).then([closed]);
    spec.given([...withGuest, closed]).when(close()).thenNothing();
  });

  it('is for the system only, and for family session rooms only', () => {
    for (const who of [users.alice, host, users.admin]) spec.given(session).when(close(who)).thenThrows('AUTH.FORBIDDEN');
    spec.given([]).when(close()).thenThrows('ROOM.NOT_FOUND', { roomId: ROOM_ID });
    spec.given([roomCreated()]).when(close()).thenThrows('ROOM.FORBIDDEN', { roomId: ROOM_ID });
    spec.given([pairRoomOpened()]).when(close()).thenThrows('ROOM.FORBIDDEN', { roomId: ROOM_ID });
  });
});

describe("a family session's room", () => {
  const hi = (by: Actor, messageId = 'm1') => command('PostMessage', { messageId, text: 'hi' }, by, at(30));

  it('lets an admitted guest of this session talk, react, read and report like any member', () => {
    spec.given(withGuest).when(hi(guest)).then([posted('m1', guest, at(30), 'hi')]);
    const talk = [...withGuest, posted('m0', users.alice)];
    spec.given(talk).when(command('AddReaction', { messageId: 'm0', emoji: '💙' }, guest, at(30)))
      .then([event('ReactionAdded', { messageId: 'm0', userId: guest.userId, emoji: '💙', reactedAt: at(30) })]);
    spec.given(talk).when(command('MarkRead', { position: 4 }, guest)).then([event('ReadMarked', { userId: guest.userId, position: 4, private: false })]);
    spec.given(talk).when(command('ReportMessage', { reportId: 'r1', messageId: 'm0', reason: 'unkind' }, guest, at(30))).then([
      event('MessageReported', { reportId: 'r1', messageId: 'm0', authorId: 'alice', reporterId: guest.userId, reason: 'unkind', reportedAt: at(30) }),
    ]);
  });

  it('refuses a guest not yet admitted, one turned away, and a guest of another session', () => {
    spec.given(session).when(hi(guest)).thenThrows('ROOM.NOT_A_MEMBER');
    spec.given([...withGuest, event('MemberRemoved', { userId: guest.userId, reason: 'turned away', by: 'system', removedAt: at(20) })])
      .when(hi(guest)).thenThrows('ROOM.NOT_A_MEMBER');
    // even under an admitted guest's id: the token's session decides
    spec.given([opened, admitted(otherSessionsGuest.userId)]).when(hi(otherSessionsGuest)).thenThrows('ROOM.NOT_A_MEMBER');
    spec.given(withGuest).when(hi({ ...guest, familySessionId: 'session-2' })).thenThrows('ROOM.NOT_A_MEMBER');
  });

  it("refuses a relative's login under the participant's id, though it names this session", () => {
    spec.given(withGuest).when(hi(aliceFamily)).thenThrows('ROOM.NOT_A_MEMBER');
  });

  it('keeps refusing family logins in group rooms, as before', () => {
    const groupGuest: Actor = { userId: 'fam-1', role: 'family', familySessionId: SESSION_ID };
    spec.given(roomWithAliceAndBob()).when(command('JoinRoom', {}, groupGuest)).thenThrows('ROOM.FAMILY_NOT_ALLOWED');
    spec.given(roomWithAliceAndBob()).when(hi(groupGuest)).thenThrows('ROOM.NOT_A_MEMBER');
    spec.given(roomWithAliceAndBob()).when(hi({ ...users.alice, role: 'family', familySessionId: SESSION_ID })).thenThrows('ROOM.NOT_A_MEMBER');
  });

  it('lets its host moderate: mute, redact, resolve reports, release a held message', () => {
    const said = [...withGuest, posted('m1', guest, at(30))];
    spec.given(said).when(command('RedactMessage', { messageId: 'm1', reason: 'hurtful' }, host, at(40))).then([
      event('MessageRedacted', { messageId: 'm1', authorId: guest.userId, reason: 'hurtful', by: host.userId, redactedAt: at(40) }),
    ]);
    spec.given(said).when(command('MuteMember', { userId: guest.userId, durationSeconds: 300, reason: 'a pause' }, host, at(40))).then([
      event('MemberMuted', { userId: guest.userId, reason: 'a pause', mutedUntil: at(340), by: host.userId, mutedAt: at(40) }),
    ]);
    const release = command(
      'ReleaseHeldMessage',
      { messageId: 'h1', authorId: guest.userId, text: 'held', contentWarning: null, replyTo: null, edit: false },
      host,
      at(50),
    );
    spec.given(said).when(release).then([posted('h1', guest, at(50), 'held')]);
    // a guest moderates nobody
    spec.given(said).when(command('MuteMember', { userId: 'alice', durationSeconds: 300, reason: 'x' }, guest, at(40))).thenThrows('ROOM.FORBIDDEN');
  });

  const refused: Array<[string, RoomCommand]> = [
    ['InviteToRoom', command('InviteToRoom', { userId: 'bob' }, host)],
    ['JoinRoom', command('JoinRoom', {}, users.bob)],
    ['JoinRoom (family)', command('JoinRoom', {}, guest)],
    ['LeaveRoom', command('LeaveRoom', {}, users.alice)],
    ['RenameRoom', command('RenameRoom', { name: 'Ours' }, host)],
    ['ChangeTopic', command('ChangeTopic', { topic: 'x' }, host)],
    ['ChangeJoinRule', command('ChangeJoinRule', { joinRule: 'open' }, host)],
    ['ArchiveRoom', command('ArchiveRoom', {}, users.admin)],
    ['AppointFacilitator', command('AppointFacilitator', { userId: 'alice' }, host)],
    ['RemoveFacilitator', command('RemoveFacilitator', { userId: host.userId }, host)],
    ['RemoveMember (a guest: family.removeGuest does that)', command('RemoveMember', { userId: guest.userId, reason: 'x' }, host)],
    ['RemoveMember (the participant)', command('RemoveMember', { userId: 'alice', reason: 'x' }, users.admin)],
    ['BanMember', command('BanMember', { userId: guest.userId, reason: 'x' }, host)],
    ['UnbanMember', command('UnbanMember', { userId: guest.userId }, host)],
    ['SetSlowMode', command('SetSlowMode', { intervalSeconds: 30 }, host)],
    ['LockRoom', command('LockRoom', {}, host)],
    ['UnlockRoom', command('UnlockRoom', {}, host)],
  ];
  it.each(refused)("refuses %s with ROOM.FAMILY_SESSION_ROOM: who is in it and how it runs follow the session", (_type, cmd) => {
    spec.given(withGuest).when(cmd).thenThrows('ROOM.FAMILY_SESSION_ROOM');
  });
});

describe('sessionRoomIdOf', () => {
  it("gives every asker the same UUID-shaped id for a session's room, and other sessions other ids", () => {
    const id = sessionRoomIdOf('session-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sessionRoomIdOf('session-2')).not.toBe(id);
  });

  it("is the command handler's derived id for the system and the session", () => {
    for (const sessionId of ['session-1', 'a7d0c2f4-9b1e-4c55-8e0a-3f2d6b7c8e91']) {
      expect(sessionRoomIdOf(sessionId)).toBe(derivedId(SYSTEM_ACTOR, sessionId, 'family-session-room'));
    }
  });
});
