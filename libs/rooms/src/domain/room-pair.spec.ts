import type { Actor } from '@haven/domain';
import { SYSTEM_ACTOR } from '@haven/domain';
import { derivedId } from '@haven/command-handling/command-handler';
import { pairRoomIdOf } from './linked-room-ids';
import type { RoomCommand } from './room.commands';
import {
  PAIRING_ID,
  ROOM_ID,
  T0,
  at,
  command,
  event,
  fold,
  muted,
  pairRoomOpened,
  posted,
  roomCreated,
  spec,
  users,
} from './testing/room.fixtures';

const open = (by: Actor = users.system, data: Partial<{ pairingId: string; participantId: string; mentorId: string }> = {}, now = T0) =>
  command('OpenPairRoom', { pairingId: PAIRING_ID, participantId: 'alice', mentorId: 'mentor-1', ...data }, by, now);
const close = (by: Actor = users.system, now = at(3600)) => command('ClosePairRoom', {}, by, now);
const closed = event('RoomArchived', { by: 'system', archivedAt: at(3600) });
const pair = [pairRoomOpened()];

describe('OpenPairRoom', () => {
  it("opens the pairing's room when the system asks", () => {
    spec.given([]).when(open(users.system, {}, at(5))).then([pairRoomOpened({ openedAt: at(5) })]);
  });

  it.each([users.alice, users.mentor, users.clinician, users.admin, users.facilitator])('refuses $userId: pairings open rooms, people do not', (who) => {
    spec.given([]).when(open(who)).thenThrows('AUTH.FORBIDDEN');
  });

  it('does nothing when the same pairing opens it again (a retry), open or closed', () => {
    spec.given(pair).when(open()).thenNothing();
    spec.given([...pair, closed]).when(open()).thenNothing();
  });

  it("refuses another pairing's room or a group room under the same id", () => {
    spec.given(pair).when(open(users.system, { pairingId: 'pairing-2' })).thenThrows('ROOM.ALREADY_EXISTS', { roomId: ROOM_ID });
    spec.given([roomCreated()]).when(open()).thenThrows('ROOM.ALREADY_EXISTS', { roomId: ROOM_ID });
  });

  it('refuses a pair of one person', () => {
    spec.given([]).when(open(users.system, { mentorId: 'alice' })).thenThrows('ROOM.FORBIDDEN');
  });

  it('makes an active, closed room of two plain members that nobody facilitates', () => {
    const room = fold(pair);
    expect(room).toMatchObject({
      status: 'active',
      roomId: ROOM_ID,
      kind: 'mentor_pair',
      name: 'Mentor pair',
      topic: '',
      capacity: 2,
      joinRule: 'closed',
      pairingId: PAIRING_ID,
      locked: false,
      slowModeSeconds: 0,
      members: {
        alice: { roomRole: 'member', joinedAt: T0, lastReadPosition: 0 },
        'mentor-1': { roomRole: 'member', joinedAt: T0, lastReadPosition: 0 },
      },
      knownRoles: { alice: 'participant', 'mentor-1': 'mentor' },
      invites: {},
      bans: {},
      mutes: {},
    });
    expect(room.messages.size).toBe(0);
    expect(room.reports.size).toBe(0);
  });

  it('cannot be had through CreateRoom', () => {
    spec.given([]).when(command('CreateRoom', { name: 'Pair', topic: '', kind: 'mentor_pair', capacity: 2, joinRule: 'closed' }, users.admin)).thenThrows('ROOM.INVALID_KIND');
  });
});

describe('talking in a pair room', () => {
  const mentorsPost = posted('m1', users.mentor, T0, 'how did the week go?');

  it('lets the two post, reply, react, edit, delete and mark what they read', () => {
    spec.given(pair).when(command('PostMessage', { messageId: 'm1', text: 'hi' }, users.alice)).then([
      event('MessagePosted', { messageId: 'm1', authorId: 'alice', text: 'hi', contentWarning: null, replyTo: null, postedAt: T0 }),
    ]);
    const talk = [...pair, posted('m0', users.alice), mentorsPost];
    spec.given(talk).when(command('PostMessage', { messageId: 'm2', text: 'better', replyTo: 'm1' }, users.alice)).then([
      event('MessagePosted', { messageId: 'm2', authorId: 'alice', text: 'better', contentWarning: null, replyTo: 'm1', postedAt: T0 }),
    ]);
    spec.given(talk).when(command('AddReaction', { messageId: 'm0', emoji: '💙' }, users.mentor)).then([
      event('ReactionAdded', { messageId: 'm0', userId: 'mentor-1', emoji: '💙', reactedAt: T0 }),
    ]);
    spec.given(talk).when(command('EditMessage', { messageId: 'm1', text: 'and the weekend?' }, users.mentor)).then([
      event('MessageEdited', { messageId: 'm1', authorId: 'mentor-1', text: 'and the weekend?', contentWarning: null, editedAt: T0 }),
    ]);
    spec.given(talk).when(command('DeleteMessage', { messageId: 'm0' }, users.alice)).then([
      event('MessageDeleted', { messageId: 'm0', authorId: 'alice', deletedAt: T0 }),
    ]);
    spec.given(talk).when(command('MarkRead', { position: 9 }, users.alice)).then([event('ReadMarked', { userId: 'alice', position: 9, private: false })]);
    spec.given(talk).when(command('SetReadReceiptPrivacy', { private: true }, users.mentor)).then([
      event('ReadReceiptPrivacySet', { userId: 'mentor-1', private: true }),
    ]);
  });

  it('is closed to everyone else, staff included', () => {
    spec.given(pair).when(command('PostMessage', { messageId: 'm1', text: 'hi' }, users.carol)).thenThrows('ROOM.NOT_A_MEMBER');
    spec.given(pair).when(command('PostMessage', { messageId: 'm1', text: 'hi' }, users.clinician)).thenThrows('ROOM.NOT_A_MEMBER');
    spec.given(pair).when(command('PostMessage', { messageId: 'm1', text: 'hi' }, { userId: 'alice', role: 'family' })).thenThrows('ROOM.NOT_A_MEMBER');
  });

  it('lets either report the other; clinicians and admins resolve, not the pair', () => {
    spec.given([...pair, mentorsPost]).when(command('ReportMessage', { reportId: 'r1', messageId: 'm1', reason: 'pushy' }, users.alice)).then([
      event('MessageReported', { reportId: 'r1', messageId: 'm1', authorId: 'mentor-1', reporterId: 'alice', reason: 'pushy', reportedAt: T0 }),
    ]);
    const reported = [...pair, mentorsPost, event('MessageReported', { reportId: 'r1', messageId: 'm1', authorId: 'mentor-1', reporterId: 'alice', reason: 'pushy', reportedAt: T0 })];
    const resolve = (by: Actor) => command('ResolveReport', { reportId: 'r1', outcome: 'member_warned', note: 'talked to the mentor' }, by, at(60));
    spec.given(reported).when(resolve(users.clinician)).then([
      event('ReportResolved', { reportId: 'r1', messageId: 'm1', authorId: 'mentor-1', reporterId: 'alice', outcome: 'member_warned', note: 'talked to the mentor', by: 'clin-1', resolvedAt: at(60) }),
    ]);
    spec.given(reported).when(resolve(users.alice)).thenThrows('ROOM.FORBIDDEN');
    spec.given(reported).when(resolve(users.facilitator)).thenThrows('ROOM.NOT_A_MEMBER');
  });

  it('lets clinicians and admins mute, unmute and redact; neither of the pair moderates the other', () => {
    const mute = (by: Actor, userId = 'mentor-1') => command('MuteMember', { userId, durationSeconds: 600, reason: 'pause' }, by);
    spec.given(pair).when(mute(users.clinician)).then([event('MemberMuted', { userId: 'mentor-1', reason: 'pause', mutedUntil: at(600), by: 'clin-1', mutedAt: T0 })]);
    spec.given(pair).when(mute(users.alice)).thenThrows('ROOM.FORBIDDEN');
    spec.given(pair).when(mute(users.mentor, 'alice')).thenThrows('ROOM.FORBIDDEN');
    const mutedMentor = [...pair, muted(users.mentor, at(600), 'pause', users.clinician)];
    spec.given(mutedMentor).when(command('PostMessage', { messageId: 'm1', text: 'hi' }, users.mentor)).thenThrows('ROOM.MUTED');
    spec.given(mutedMentor).when(command('UnmuteMember', { userId: 'mentor-1' }, users.admin)).then([
      event('MemberUnmuted', { userId: 'mentor-1', by: 'admin-1', reason: 'lifted', unmutedAt: T0 }),
    ]);
    spec.given(mutedMentor).when(command('ExpireMute', { userId: 'mentor-1', mutedUntil: at(600) }, users.system, at(600))).then([
      event('MemberUnmuted', { userId: 'mentor-1', by: 'system', reason: 'expired', unmutedAt: at(600) }),
    ]);
    spec.given([...pair, mentorsPost]).when(command('RedactMessage', { messageId: 'm1', reason: 'personal details' }, users.clinician)).then([
      event('MessageRedacted', { messageId: 'm1', authorId: 'mentor-1', reason: 'personal details', by: 'clin-1', redactedAt: T0 }),
    ]);
  });

  it('takes a message released from a crisis hold', () => {
    const release = command('ReleaseHeldMessage', { messageId: 'held-1', authorId: 'alice', text: 'held words', contentWarning: null, replyTo: null, edit: false }, users.clinician);
    spec.given(pair).when(release).then([
      event('MessagePosted', { messageId: 'held-1', authorId: 'alice', text: 'held words', contentWarning: null, replyTo: null, postedAt: T0 }),
    ]);
  });
});

describe('what follows the pairing, not the people in the room', () => {
  const refused: Array<[string, (by: Actor) => RoomCommand]> = [
    ['InviteToRoom', (by) => command('InviteToRoom', { userId: 'carol' }, by)],
    ['JoinRoom', (by) => command('JoinRoom', {}, by)],
    ['LeaveRoom', (by) => command('LeaveRoom', {}, by)],
    ['RenameRoom', (by) => command('RenameRoom', { name: 'Ours' }, by)],
    ['ChangeTopic', (by) => command('ChangeTopic', { topic: 'weekly' }, by)],
    ['ChangeJoinRule', (by) => command('ChangeJoinRule', { joinRule: 'open' }, by)],
    ['ArchiveRoom', (by) => command('ArchiveRoom', {}, by)],
    ['AppointFacilitator', (by) => command('AppointFacilitator', { userId: 'mentor-1' }, by)],
    ['RemoveFacilitator', (by) => command('RemoveFacilitator', { userId: 'mentor-1' }, by)],
    ['RemoveMember', (by) => command('RemoveMember', { userId: 'mentor-1', reason: 'rematch' }, by)],
    ['BanMember', (by) => command('BanMember', { userId: 'mentor-1', reason: 'rematch' }, by)],
    ['UnbanMember', (by) => command('UnbanMember', { userId: 'mentor-1' }, by)],
    ['SetSlowMode', (by) => command('SetSlowMode', { intervalSeconds: 30 }, by)],
    ['LockRoom', (by) => command('LockRoom', { reason: null }, by)],
    ['UnlockRoom', (by) => command('UnlockRoom', { reason: null }, by)],
  ];

  it.each(refused)('refuses %s with ROOM.PAIR_ROOM, to the pair and to staff alike', (_type, toCommand) => {
    for (const who of [users.alice, users.mentor, users.carol, users.clinician, users.admin]) {
      spec.given(pair).when(toCommand(who)).thenThrows('ROOM.PAIR_ROOM');
    }
  });

  it('lets no third person join', () => {
    spec.given(pair).when(command('JoinRoom', {}, users.carol)).thenThrows('ROOM.PAIR_ROOM');
    expect(Object.keys(fold(pair).members)).toEqual(['alice', 'mentor-1']);
  });
});

describe('ClosePairRoom', () => {
  it('archives the room for the system, after which it refuses every command', () => {
    spec.given(pair).when(close()).then([closed]);
    spec.given([...pair, closed]).when(command('PostMessage', { messageId: 'm1', text: 'still there?' }, users.alice, at(3601))).thenThrows('ROOM.ARCHIVED');
    spec.given([...pair, posted('m1', users.mentor), closed]).when(command('ReportMessage', { reportId: 'r1', messageId: 'm1', reason: 'x' }, users.alice)).thenThrows('ROOM.ARCHIVED');
  });

  it('does nothing when the room is already closed', () => {
    spec.given([...pair, closed]).when(close()).thenNothing();
  });

  it('is for the system only, and for pair rooms only', () => {
    for (const who of [users.alice, users.mentor, users.clinician, users.admin]) spec.given(pair).when(close(who)).thenThrows('AUTH.FORBIDDEN');
    spec.given([]).when(close()).thenThrows('ROOM.NOT_FOUND', { roomId: ROOM_ID });
    spec.given([roomCreated()]).when(close()).thenThrows('ROOM.FORBIDDEN', { roomId: ROOM_ID });
  });
});

describe('pairRoomIdOf', () => {
  it("gives every asker the same UUID-shaped id for a pairing's room, and other pairings other ids", () => {
    const id = pairRoomIdOf('pairing-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(pairRoomIdOf('pairing-1')).toBe(id);
    expect(pairRoomIdOf('pairing-2')).not.toBe(id);
  });

  it("is the command handler's derived id for the system and the pairing", () => {
    for (const pairingId of ['pairing-1', 'a7d0c2f4-9b1e-4c55-8e0a-3f2d6b7c8e91']) {
      expect(pairRoomIdOf(pairingId)).toBe(derivedId(SYSTEM_ACTOR, pairingId, 'pair-room'));
    }
  });
});
