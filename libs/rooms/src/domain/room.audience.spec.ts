import { redactRoomEvent, roomEventAudience } from './room.audience';
import type { RoomEvent } from './room.events';
import { ROOM_ID, T0, event, joined, pairRoomOpened, posted, roomCreated, users } from './testing/room.fixtures';

const members = { roomId: ROOM_ID, to: 'members' };
const moderatorsAnd = (...alsoUsers: string[]) => ({ roomId: ROOM_ID, to: 'moderators', alsoUsers });
const onlyUser = (userId: string) => ({ roomId: ROOM_ID, to: 'nobody', alsoUsers: [userId] });

const removed = event('MemberRemoved', { userId: 'alice', reason: 'off topic', by: 'fac-1', removedAt: T0 });
const bannedMember = event('MemberBanned', { userId: 'alice', reason: 'threats', by: 'fac-1', bannedAt: T0, wasMember: true });
const bannedFormer = event('MemberBanned', { userId: 'alice', reason: 'threats', by: 'fac-1', bannedAt: T0, wasMember: false });
const redaction = event('MessageRedacted', { messageId: 'm1', authorId: 'alice', reason: 'graphic', by: 'fac-1', redactedAt: T0 });
const unpinnedBy = (cause: 'unpinned' | 'deleted' | 'redacted') => event('MessageUnpinned', { messageId: 'm1', cause, by: 'fac-1', unpinnedAt: T0 });

const cases: Array<[string, RoomEvent, object]> = [
  ['RoomCreated', roomCreated(), { ...members, alsoUsers: ['fac-1'] }],
  ['PairRoomOpened', pairRoomOpened(), { ...members, alsoUsers: ['alice', 'mentor-1'] }],
  ['RoomArchived (a pairing ended)', event('RoomArchived', { by: 'system', archivedAt: T0 }), members],
  ['MessagePosted', posted('m1', users.alice), members],
  ['MessageEdited', event('MessageEdited', { messageId: 'm1', authorId: 'alice', text: 'x', contentWarning: null, editedAt: T0 }), members],
  ['MessageDeleted', event('MessageDeleted', { messageId: 'm1', authorId: 'alice', deletedAt: T0 }), members],
  ['ReactionAdded', event('ReactionAdded', { messageId: 'm1', userId: 'bob', emoji: '💙', reactedAt: T0 }), members],
  ['RoomLocked', event('RoomLocked', { reason: null, by: 'fac-1', lockedAt: T0 }), members],
  ['SlowModeSet', event('SlowModeSet', { intervalSeconds: 5, by: 'fac-1', setAt: T0 }), members],
  ['MessagePinned', event('MessagePinned', { messageId: 'm1', authorId: 'fac-1', by: 'fac-1', pinnedAt: T0 }), members],
  ['MessageUnpinned (by a moderator)', unpinnedBy('unpinned'), members],
  ['MessageUnpinned (its author deleted it)', unpinnedBy('deleted'), members],
  ['MessageUnpinned (redacted)', unpinnedBy('redacted'), { ...members, redactFor: 'non-moderators' }],
  ['FacilitatorAppointed', event('FacilitatorAppointed', { userId: 'bob', by: 'fac-1', appointedAt: T0 }), members],
  ['MemberJoined', joined(users.alice), { ...members, alsoUsers: ['alice'] }],
  ['MemberLeft', event('MemberLeft', { userId: 'alice', leftAt: T0 }), { ...members, alsoUsers: ['alice'] }],
  ['MessageRedacted', redaction, { ...members, alsoUsers: ['alice'], redactFor: 'non-moderators' }],
  ['MemberRemoved', removed, { ...members, alsoUsers: ['alice'], redactFor: 'non-moderators' }],
  ['MemberBanned (member)', bannedMember, { ...members, alsoUsers: ['alice'], redactFor: 'non-moderators' }],
  ['MemberBanned (former member)', bannedFormer, moderatorsAnd('alice')],
  ['MemberMuted', event('MemberMuted', { userId: 'alice', reason: 'x', mutedUntil: T0, by: 'fac-1', mutedAt: T0 }), moderatorsAnd('alice')],
  ['MemberUnmuted', event('MemberUnmuted', { userId: 'alice', by: 'system', reason: 'expired', unmutedAt: T0 }), moderatorsAnd('alice')],
  ['MemberWarned', event('MemberWarned', { userId: 'alice', reason: 'x', messageId: 'm1', by: 'fac-1', warnedAt: T0 }), moderatorsAnd('alice')],
  ['MemberUnbanned', event('MemberUnbanned', { userId: 'alice', by: 'fac-1', unbannedAt: T0 }), moderatorsAnd('alice')],
  ['MemberInvited', event('MemberInvited', { userId: 'carol', by: 'fac-1', invitedAt: T0 }), moderatorsAnd('carol')],
  ['MessageReported', event('MessageReported', { reportId: 'r1', messageId: 'm1', authorId: 'bob', reporterId: 'alice', reason: 'x', reportedAt: T0 }), { ...moderatorsAnd('alice'), exceptUsers: ['bob'] }],
  ['ReportResolved', event('ReportResolved', { reportId: 'r1', messageId: 'm1', authorId: 'bob', reporterId: 'alice', outcome: 'no_action', note: null, by: 'fac-1', resolvedAt: T0 }), { ...moderatorsAnd('alice'), exceptUsers: ['bob'] }],
  ['ReportResolved (stored before it named the author)', event('ReportResolved', { reportId: 'r1', messageId: 'm1', reporterId: 'alice', outcome: 'no_action', note: null, by: 'fac-1', resolvedAt: T0 }), moderatorsAnd('alice')],
  ['ReadMarked (public)', event('ReadMarked', { userId: 'alice', position: 3, private: false }), members],
  ['ReadMarked (private)', event('ReadMarked', { userId: 'alice', position: 3, private: true }), onlyUser('alice')],
  ['ReadReceiptPrivacySet', event('ReadReceiptPrivacySet', { userId: 'alice', private: true }), onlyUser('alice')],
];

describe('roomEventAudience', () => {
  it.each(cases)('%s', (_name, roomEvent, expected) => {
    expect(roomEventAudience(roomEvent, ROOM_ID)).toEqual(expected);
  });

  it('never sends the reported author a report or its resolution, not even as a moderator of the room', () => {
    for (const name of ['MessageReported', 'ReportResolved']) {
      const audience = roomEventAudience(cases.find(([caseName]) => caseName === name)![1], ROOM_ID);
      expect(audience.alsoUsers).not.toContain('bob');
      expect(audience.exceptUsers).toEqual(['bob']);
    }
  });

});

describe('redactRoomEvent', () => {
  it('shows members a removal or a ban as a plain leave', () => {
    expect(redactRoomEvent(removed)).toEqual({ type: 'MemberLeft', data: { userId: 'alice', leftAt: T0 } });
    expect(redactRoomEvent(bannedMember)).toEqual({ type: 'MemberLeft', data: { userId: 'alice', leftAt: T0 } });
  });

  it('shows a redaction placeholder without reason or moderator', () => {
    expect(redactRoomEvent(redaction)).toEqual({ type: 'MessageRedacted', data: { messageId: 'm1', redactedAt: T0 } });
  });

  it('shows an unpinning by a redaction without its moderator', () => {
    expect(redactRoomEvent(unpinnedBy('redacted'))).toEqual({ type: 'MessageUnpinned', data: { messageId: 'm1', cause: 'redacted', unpinnedAt: T0 } });
  });

  it('leaves other events as they are', () => {
    const post = posted('m1', users.alice);
    expect(redactRoomEvent(post)).toBe(post);
  });
});
