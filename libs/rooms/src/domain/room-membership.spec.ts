import { T0, at, command, event, joined, muted, posted, roomCreated, roomWithAliceAndBob, spec, users } from './testing/room.fixtures';

const join = (who = users.carol, now = T0) => command('JoinRoom', {}, who, now);
const banned = (who: string, wasMember = true) =>
  event('MemberBanned', { userId: who, reason: 'threats', by: 'fac-1', bannedAt: T0, wasMember });
const invited = (who: string) => event('MemberInvited', { userId: who, by: 'fac-1', invitedAt: T0 });

describe('JoinRoom', () => {
  it.each([users.alice, users.mentor, users.clinician, users.facilitator2, users.admin])('lets a $role join an open room', (who) => {
    spec.given([roomCreated()]).when(join(who, at(3))).then([joined(who, at(3))]);
  });

  it('never lets a family guest into a group room', () => {
    spec.given([roomCreated()]).when(join(users.family)).thenThrows('ROOM.FAMILY_NOT_ALLOWED');
    spec.given([roomCreated(), invited('fam-1')]).when(join(users.family)).thenThrows('ROOM.FAMILY_NOT_ALLOWED');
  });

  it('refuses a second join', () => {
    spec.given(roomWithAliceAndBob()).when(join(users.alice)).thenThrows('ROOM.ALREADY_A_MEMBER', { userId: 'alice' });
  });

  it('refuses a banned user until unbanned', () => {
    spec.given([...roomWithAliceAndBob(), banned('alice')]).when(join(users.alice)).thenThrows('ROOM.BANNED', { userId: 'alice' });
    const unbanned = event('MemberUnbanned', { userId: 'alice', by: 'fac-1', unbannedAt: T0 });
    spec.given([...roomWithAliceAndBob(), banned('alice'), unbanned]).when(join(users.alice)).then([joined(users.alice)]);
  });

  it('lets nobody new into a closed room, staff included', () => {
    spec.given([roomCreated({ joinRule: 'closed' })]).when(join()).thenThrows('ROOM.CLOSED');
    spec.given([roomCreated({ joinRule: 'closed' })]).when(join(users.clinician)).thenThrows('ROOM.CLOSED');
  });

  it('needs an invite in an invite-only room, except for staff', () => {
    spec.given([roomCreated({ joinRule: 'invite_only' })]).when(join()).thenThrows('ROOM.INVITE_REQUIRED');
    spec.given([roomCreated({ joinRule: 'invite_only' }), invited('carol')]).when(join()).then([joined(users.carol)]);
    spec.given([roomCreated({ joinRule: 'invite_only' })]).when(join(users.clinician)).then([joined(users.clinician)]);
  });

  it('uses an invite up: after leaving, a new invite is needed', () => {
    const left = event('MemberLeft', { userId: 'carol', leftAt: T0 });
    spec.given([roomCreated({ joinRule: 'invite_only' }), invited('carol'), joined(users.carol), left]).when(join()).thenThrows('ROOM.INVITE_REQUIRED');
  });

  it('enforces capacity, counting the facilitator, and frees a seat on leave', () => {
    const full = [roomCreated({ capacity: 3 }), joined(users.alice), joined(users.bob)];
    spec.given(full).when(join()).thenThrows('ROOM.FULL', { capacity: 3 });
    spec.given([...full, event('MemberLeft', { userId: 'bob', leftAt: T0 })]).when(join()).then([joined(users.carol)]);
  });

  it('lets a removed member rejoin an open room', () => {
    const removed = event('MemberRemoved', { userId: 'alice', reason: 'off topic', by: 'fac-1', removedAt: T0 });
    spec.given([...roomWithAliceAndBob(), removed]).when(join(users.alice)).then([joined(users.alice)]);
  });
});

describe('InviteToRoom', () => {
  it('lets a room facilitator or an overseer invite', () => {
    spec.given([roomCreated()]).when(command('InviteToRoom', { userId: 'carol' }, users.facilitator)).then([invited('carol')]);
    spec.given([roomCreated()]).when(command('InviteToRoom', { userId: 'carol' }, users.clinician)).then([event('MemberInvited', { userId: 'carol', by: 'clin-1', invitedAt: T0 })]);
  });

  it('refuses members who are not facilitators, members as invitees, and banned invitees; repeats are no-ops', () => {
    spec.given(roomWithAliceAndBob()).when(command('InviteToRoom', { userId: 'carol' }, users.alice)).thenThrows('ROOM.FORBIDDEN');
    spec.given(roomWithAliceAndBob()).when(command('InviteToRoom', { userId: 'bob' }, users.facilitator)).thenThrows('ROOM.ALREADY_A_MEMBER');
    spec.given([...roomWithAliceAndBob(), banned('alice')]).when(command('InviteToRoom', { userId: 'alice' }, users.facilitator)).thenThrows('ROOM.BANNED');
    spec.given([roomCreated(), invited('carol')]).when(command('InviteToRoom', { userId: 'carol' }, users.facilitator)).thenNothing();
  });
});

describe('LeaveRoom', () => {
  it('lets a member leave; refuses a non-member', () => {
    spec.given(roomWithAliceAndBob()).when(command('LeaveRoom', {}, users.alice, at(9))).then([event('MemberLeft', { userId: 'alice', leftAt: at(9) })]);
    spec.given(roomWithAliceAndBob()).when(command('LeaveRoom', {}, users.carol)).thenThrows('ROOM.NOT_A_MEMBER');
  });

  it('keeps the last facilitator in; lets one of two go', () => {
    spec.given(roomWithAliceAndBob()).when(command('LeaveRoom', {}, users.facilitator)).thenThrows('ROOM.LAST_FACILITATOR');
    const appointed = event('FacilitatorAppointed', { userId: 'alice', by: 'fac-1', appointedAt: T0 });
    spec.given([...roomWithAliceAndBob(), appointed]).when(command('LeaveRoom', {}, users.facilitator)).then([event('MemberLeft', { userId: 'fac-1', leftAt: T0 })]);
  });

  it('does not end a mute by leaving and rejoining', () => {
    const history = [...roomWithAliceAndBob(), muted(users.alice, at(600)), event('MemberLeft', { userId: 'alice', leftAt: T0 }), joined(users.alice)];
    spec.given(history).when(command('PostMessage', { messageId: 'm1', text: 'back' }, users.alice, at(10))).thenThrows('ROOM.MUTED', { mutedUntil: at(600) });
  });
});

describe('read receipts', () => {
  const read = (position: number, isPrivate = false) => event('ReadMarked', { userId: 'alice', position, private: isPrivate });
  const privacy = (isPrivate: boolean) => event('ReadReceiptPrivacySet', { userId: 'alice', private: isPrivate });

  it('marks a position and only moves forward', () => {
    spec.given(roomWithAliceAndBob()).when(command('MarkRead', { position: 42 }, users.alice)).then([read(42)]);
    spec.given([...roomWithAliceAndBob(), read(42)]).when(command('MarkRead', { position: 42 }, users.alice)).thenNothing();
    spec.given([...roomWithAliceAndBob(), read(42)]).when(command('MarkRead', { position: 7 }, users.alice)).thenNothing();
    spec.given([...roomWithAliceAndBob(), read(42)]).when(command('MarkRead', { position: 43 }, users.alice)).then([read(43)]);
  });

  it('marks receipts private once the member asks for it, and public again after', () => {
    spec.given(roomWithAliceAndBob()).when(command('SetReadReceiptPrivacy', { private: true }, users.alice)).then([privacy(true)]);
    spec.given([...roomWithAliceAndBob(), privacy(true)]).when(command('MarkRead', { position: 5 }, users.alice)).then([read(5, true)]);
    spec.given([...roomWithAliceAndBob(), privacy(true)]).when(command('SetReadReceiptPrivacy', { private: true }, users.alice)).thenNothing();
    spec.given([...roomWithAliceAndBob(), privacy(true), privacy(false)]).when(command('MarkRead', { position: 5 }, users.alice)).then([read(5)]);
  });

  it('refuses non-members and bad positions', () => {
    spec.given(roomWithAliceAndBob()).when(command('MarkRead', { position: 5 }, users.carol)).thenThrows('ROOM.NOT_A_MEMBER');
    spec.given(roomWithAliceAndBob()).when(command('SetReadReceiptPrivacy', { private: true }, users.carol)).thenThrows('ROOM.NOT_A_MEMBER');
    spec.given(roomWithAliceAndBob()).when(command('MarkRead', { position: -1 }, users.alice)).thenThrows('ROOM.INVALID_POSITION');
    spec.given(roomWithAliceAndBob()).when(command('MarkRead', { position: 1.5 }, users.alice)).thenThrows('ROOM.INVALID_POSITION');
  });

  it('lets a muted member keep marking reads', () => {
    spec.given([...roomWithAliceAndBob(), posted('m1', users.bob), muted(users.alice, at(600))]).when(command('MarkRead', { position: 3 }, users.alice)).then([read(3)]);
  });
});

describe('away notices', () => {
  const set = (on: boolean, userId = 'alice') => event('AwayNoticesSet', { userId, on });
  const left = event('MemberLeft', { userId: 'alice', leftAt: '2030-01-01T00:00:00.000Z' });
  const joined = event('MemberJoined', { userId: 'alice', role: 'participant', joinedAt: '2030-01-01T00:00:00.000Z' });

  it('a member turns them off and on again; asking for what is already so appends nothing (on is the default)', () => {
    spec.given(roomWithAliceAndBob()).when(command('SetAwayNotices', { on: true }, users.alice)).thenNothing();
    spec.given(roomWithAliceAndBob()).when(command('SetAwayNotices', { on: false }, users.alice)).then([set(false)]);
    spec.given([...roomWithAliceAndBob(), set(false)]).when(command('SetAwayNotices', { on: false }, users.alice)).thenNothing();
    spec.given([...roomWithAliceAndBob(), set(false)]).when(command('SetAwayNotices', { on: true }, users.alice)).then([set(true)]);
    // one member's choice is theirs only
    spec.given([...roomWithAliceAndBob(), set(false)]).when(command('SetAwayNotices', { on: false }, users.bob)).then([set(false, 'bob')]);
  });

  it('keeps the choice across leaving and joining again', () => {
    spec.given([...roomWithAliceAndBob(), set(false), left, joined]).when(command('SetAwayNotices', { on: false }, users.alice)).thenNothing();
  });

  it('refuses non-members', () => {
    spec.given(roomWithAliceAndBob()).when(command('SetAwayNotices', { on: false }, users.carol)).thenThrows('ROOM.NOT_A_MEMBER');
  });
});
