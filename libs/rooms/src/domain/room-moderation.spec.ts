import { T0, at, command, event, joined, muted, posted, roomCreated, roomWithAliceAndBob, spec, users } from './testing/room.fixtures';

const room = [...roomWithAliceAndBob(), joined(users.clinician), joined(users.facilitator2)];
const mute = (target: string, by = users.facilitator, data: { durationSeconds?: number; reason?: string } = {}, now = T0) =>
  command('MuteMember', { userId: target, durationSeconds: 600, reason: ' shouting ', ...data }, by, now);
const appointed = (who: string) => event('FacilitatorAppointed', { userId: who, by: 'fac-1', appointedAt: T0 });

describe('MuteMember', () => {
  it('mutes a member until now + duration, with the reason and the moderator', () => {
    spec.given(room).when(mute('alice', users.facilitator, {}, at(5))).then([
      event('MemberMuted', { userId: 'alice', reason: 'shouting', mutedUntil: at(605), by: 'fac-1', mutedAt: at(5) }),
    ]);
  });

  it('replaces a current mute with a new one', () => {
    spec.given([...room, muted(users.alice, at(600))]).when(mute('alice', users.facilitator, { durationSeconds: 3600 })).then([
      event('MemberMuted', { userId: 'alice', reason: 'shouting', mutedUntil: at(3600), by: 'fac-1', mutedAt: T0 }),
    ]);
  });

  it('refuses members who are not moderators, and non-members', () => {
    spec.given(room).when(mute('bob', users.alice)).thenThrows('ROOM.FORBIDDEN');
    spec.given(room).when(mute('bob', users.carol)).thenThrows('ROOM.NOT_A_MEMBER');
    // a global facilitator who does not facilitate this room
    spec.given(room).when(mute('bob', users.facilitator2)).thenThrows('ROOM.FORBIDDEN');
  });

  it('keeps a facilitator from moderating other facilitators or staff; clinicians and admins may', () => {
    spec.given([...room, appointed('alice')]).when(mute('alice')).thenThrows('ROOM.FORBIDDEN', { userId: 'alice' });
    spec.given(room).when(mute('clin-1')).thenThrows('ROOM.FORBIDDEN', { userId: 'clin-1' });
    spec.given(room).when(mute('fac-2')).thenThrows('ROOM.FORBIDDEN');
    spec.given(room).when(mute('fac-1', users.clinician)).then([event('MemberMuted', { userId: 'fac-1', reason: 'shouting', mutedUntil: at(600), by: 'clin-1', mutedAt: T0 })]);
    spec.given(room).when(mute('alice', users.admin)).then([event('MemberMuted', { userId: 'alice', reason: 'shouting', mutedUntil: at(600), by: 'admin-1', mutedAt: T0 })]);
  });

  it('refuses self-moderation and targets outside the room', () => {
    spec.given(room).when(mute('clin-1', users.clinician)).thenThrows('ROOM.FORBIDDEN');
    spec.given(room).when(mute('carol')).thenThrows('ROOM.TARGET_NOT_A_MEMBER', { userId: 'carol' });
  });

  it('takes 60 seconds to 7 days and a reason of up to 500 characters', () => {
    for (const durationSeconds of [59, 604_801, 90.5]) {
      spec.given(room).when(mute('alice', users.facilitator, { durationSeconds })).thenThrows('ROOM.INVALID_MUTE_DURATION', { minSeconds: 60, maxSeconds: 604_800 });
    }
    spec.given(room).when(mute('alice', users.facilitator, { durationSeconds: 60 })).then([event('MemberMuted', { userId: 'alice', reason: 'shouting', mutedUntil: at(60), by: 'fac-1', mutedAt: T0 })]);
    spec.given(room).when(mute('alice', users.facilitator, { durationSeconds: 604_800 })).then([event('MemberMuted', { userId: 'alice', reason: 'shouting', mutedUntil: at(604_800), by: 'fac-1', mutedAt: T0 })]);
    spec.given(room).when(mute('alice', users.facilitator, { reason: '  ' })).thenThrows('ROOM.REASON_REQUIRED');
    spec.given(room).when(mute('alice', users.facilitator, { reason: 'x'.repeat(501) })).thenThrows('ROOM.REASON_TOO_LONG', { max: 500 });
  });
});

describe('UnmuteMember and ExpireMute', () => {
  const mutedAlice = [...room, muted(users.alice, at(600))];
  const expire = (mutedUntil = at(600), now = at(600), by = users.system) => command('ExpireMute', { userId: 'alice', mutedUntil }, by, now);
  const expired = (now = at(600)) => event('MemberUnmuted', { userId: 'alice', by: 'system', reason: 'expired', unmutedAt: now });

  it('lifts a current mute', () => {
    spec.given(mutedAlice).when(command('UnmuteMember', { userId: 'alice' }, users.facilitator, at(5))).then([
      event('MemberUnmuted', { userId: 'alice', by: 'fac-1', reason: 'lifted', unmutedAt: at(5) }),
    ]);
  });

  it('refuses to lift a mute that is not there or has run out', () => {
    spec.given(room).when(command('UnmuteMember', { userId: 'alice' }, users.facilitator)).thenThrows('ROOM.NOT_MUTED', { userId: 'alice' });
    spec.given(mutedAlice).when(command('UnmuteMember', { userId: 'alice' }, users.facilitator, at(600))).thenThrows('ROOM.NOT_MUTED');
  });

  it('expires the current mute when its time has come', () => {
    spec.given(mutedAlice).when(expire()).then([expired()]);
    spec.given(mutedAlice).when(expire(at(600), at(900))).then([expired(at(900))]);
  });

  it('yields nothing when early, after an unmute, after a re-mute, or when repeated', () => {
    const lifted = event('MemberUnmuted', { userId: 'alice', by: 'fac-1', reason: 'lifted', unmutedAt: at(5) });
    spec.given(mutedAlice).when(expire(at(600), at(599))).thenNothing();
    spec.given([...mutedAlice, lifted]).when(expire()).thenNothing();
    spec.given([...mutedAlice, muted(users.alice, at(3600))]).when(expire()).thenNothing();
    spec.given([...mutedAlice, expired()]).when(expire(at(600), at(601))).thenNothing();
  });

  it('yields nothing in an archived room; refuses anyone but the system', () => {
    spec.given([...mutedAlice, event('RoomArchived', { by: 'fac-1', archivedAt: T0 })]).when(expire()).thenNothing();
    spec.given(mutedAlice).when(expire(at(600), at(600), users.admin)).thenThrows('AUTH.FORBIDDEN');
    spec.given([]).when(expire()).thenThrows('ROOM.NOT_FOUND');
  });
});

describe('RemoveMember, BanMember, UnbanMember', () => {
  it('removes a member with a private reason', () => {
    spec.given(room).when(command('RemoveMember', { userId: 'alice', reason: 'off topic' }, users.facilitator)).then([
      event('MemberRemoved', { userId: 'alice', reason: 'off topic', by: 'fac-1', removedAt: T0 }),
    ]);
  });

  it('refuses removing non-members, staff by a facilitator, and the last facilitator', () => {
    spec.given(room).when(command('RemoveMember', { userId: 'carol', reason: 'x' }, users.facilitator)).thenThrows('ROOM.TARGET_NOT_A_MEMBER');
    spec.given(room).when(command('RemoveMember', { userId: 'clin-1', reason: 'x' }, users.facilitator)).thenThrows('ROOM.FORBIDDEN');
    spec.given(room).when(command('RemoveMember', { userId: 'fac-1', reason: 'x' }, users.admin)).thenThrows('ROOM.LAST_FACILITATOR');
    spec.given(room).when(command('RemoveMember', { userId: 'alice', reason: '' }, users.facilitator)).thenThrows('ROOM.REASON_REQUIRED');
  });

  it('bans a member, and a former member who left first', () => {
    spec.given(room).when(command('BanMember', { userId: 'alice', reason: 'threats' }, users.facilitator)).then([
      event('MemberBanned', { userId: 'alice', reason: 'threats', by: 'fac-1', bannedAt: T0, wasMember: true }),
    ]);
    spec.given([...room, event('MemberLeft', { userId: 'alice', leftAt: T0 })]).when(command('BanMember', { userId: 'alice', reason: 'threats' }, users.facilitator)).then([
      event('MemberBanned', { userId: 'alice', reason: 'threats', by: 'fac-1', bannedAt: T0, wasMember: false }),
    ]);
  });

  it('refuses banning strangers, repeat bans, and staff by a facilitator', () => {
    const banned = event('MemberBanned', { userId: 'alice', reason: 'threats', by: 'fac-1', bannedAt: T0, wasMember: true });
    spec.given(room).when(command('BanMember', { userId: 'carol', reason: 'x' }, users.facilitator)).thenThrows('ROOM.TARGET_NOT_A_MEMBER');
    spec.given([...room, banned]).when(command('BanMember', { userId: 'alice', reason: 'x' }, users.facilitator)).thenThrows('ROOM.ALREADY_BANNED');
    spec.given(room).when(command('BanMember', { userId: 'fac-2', reason: 'x' }, users.facilitator)).thenThrows('ROOM.FORBIDDEN');
  });

  it('takes a banned member out of the room at once', () => {
    const banned = event('MemberBanned', { userId: 'alice', reason: 'threats', by: 'fac-1', bannedAt: T0, wasMember: true });
    spec.given([...room, banned]).when(command('PostMessage', { messageId: 'm1', text: 'hi' }, users.alice)).thenThrows('ROOM.NOT_A_MEMBER');
  });

  it('unbans a banned user; refuses one who is not banned', () => {
    const banned = event('MemberBanned', { userId: 'alice', reason: 'threats', by: 'fac-1', bannedAt: T0, wasMember: true });
    spec.given([...room, banned]).when(command('UnbanMember', { userId: 'alice' }, users.facilitator)).then([event('MemberUnbanned', { userId: 'alice', by: 'fac-1', unbannedAt: T0 })]);
    spec.given(room).when(command('UnbanMember', { userId: 'alice' }, users.facilitator)).thenThrows('ROOM.NOT_BANNED');
  });
});

describe('RedactMessage', () => {
  const withMessages = [...room, posted('m1', users.alice), posted('m2', users.clinician)];
  const redact = (messageId: string, by = users.facilitator) => command('RedactMessage', { messageId, reason: 'graphic detail' }, by);

  it('redacts without repeating the text', () => {
    spec.given(withMessages).when(redact('m1')).then([
      event('MessageRedacted', { messageId: 'm1', authorId: 'alice', reason: 'graphic detail', by: 'fac-1', redactedAt: T0 }),
    ]);
  });

  it('refuses twice, deleted or unknown messages, staff messages for a facilitator, and members', () => {
    const redacted = event('MessageRedacted', { messageId: 'm1', authorId: 'alice', reason: 'x', by: 'fac-1', redactedAt: T0 });
    spec.given([...withMessages, redacted]).when(redact('m1')).thenThrows('ROOM.MESSAGE_REDACTED');
    spec.given([...withMessages, event('MessageDeleted', { messageId: 'm1', authorId: 'alice', deletedAt: T0 })]).when(redact('m1')).thenThrows('ROOM.MESSAGE_NOT_FOUND');
    spec.given(withMessages).when(redact('nope')).thenThrows('ROOM.MESSAGE_NOT_FOUND');
    spec.given(withMessages).when(redact('m2')).thenThrows('ROOM.FORBIDDEN');
    spec.given(withMessages).when(redact('m2', users.admin)).then([event('MessageRedacted', { messageId: 'm2', authorId: 'clin-1', reason: 'graphic detail', by: 'admin-1', redactedAt: T0 })]);
    spec.given(withMessages).when(redact('m1', users.bob)).thenThrows('ROOM.FORBIDDEN');
  });
});

describe('SetSlowMode, LockRoom, UnlockRoom', () => {
  it('sets slow mode from 0 to 3600 whole seconds; same value is a no-op', () => {
    spec.given(room).when(command('SetSlowMode', { intervalSeconds: 3600 }, users.facilitator)).then([event('SlowModeSet', { intervalSeconds: 3600, by: 'fac-1', setAt: T0 })]);
    spec.given(room).when(command('SetSlowMode', { intervalSeconds: 0 }, users.facilitator)).thenNothing();
    for (const intervalSeconds of [-1, 3601, 2.5]) {
      spec.given(room).when(command('SetSlowMode', { intervalSeconds }, users.facilitator)).thenThrows('ROOM.INVALID_SLOW_MODE', { maxSeconds: 3600 });
    }
    spec.given(room).when(command('SetSlowMode', { intervalSeconds: 10 }, users.alice)).thenThrows('ROOM.FORBIDDEN');
  });

  it('locks and unlocks with an optional reason; repeats are no-ops', () => {
    const locked = event('RoomLocked', { reason: 'taking a breath', by: 'fac-1', lockedAt: T0 });
    spec.given(room).when(command('LockRoom', { reason: ' taking a breath ' }, users.facilitator)).then([locked]);
    spec.given([...room, locked]).when(command('LockRoom', {}, users.facilitator)).thenNothing();
    spec.given([...room, locked]).when(command('UnlockRoom', {}, users.clinician)).then([event('RoomUnlocked', { reason: null, by: 'clin-1', unlockedAt: T0 })]);
    spec.given(room).when(command('UnlockRoom', {}, users.facilitator)).thenNothing();
    spec.given(room).when(command('LockRoom', { reason: 'x'.repeat(501) }, users.facilitator)).thenThrows('ROOM.REASON_TOO_LONG');
    spec.given(room).when(command('LockRoom', {}, users.alice)).thenThrows('ROOM.FORBIDDEN');
  });
});

describe('an archived room', () => {
  it('refuses moderation too', () => {
    spec.given([roomCreated(), event('RoomArchived', { by: 'fac-1', archivedAt: T0 })]).when(command('LockRoom', {}, users.admin)).thenThrows('ROOM.ARCHIVED');
  });
});

describe('WarnMember', () => {
  const warn = (target: string, by = users.facilitator, data: { reason?: string; messageId?: string | null } = {}) =>
    command('WarnMember', { userId: target, reason: ' please keep methods out of the group ', ...data }, by);
  const warned = (userId: string, by: string, messageId: string | null = null) =>
    event('MemberWarned', { userId, reason: 'please keep methods out of the group', messageId, by, warnedAt: T0 });
  const withPost = [...room, posted('m1', users.alice)];

  it('warns a member with the reason and, when given, the message that prompted it; nothing else changes', () => {
    spec.given(withPost).when(warn('alice')).then([warned('alice', 'fac-1')]);
    spec.given(withPost).when(warn('alice', users.facilitator, { messageId: 'm1' })).then([warned('alice', 'fac-1', 'm1')]);
    // a warned member still posts
    spec.given([...withPost, warned('alice', 'fac-1')]).when(command('PostMessage', { messageId: 'm2', text: 'sorry' }, users.alice)).then([
      event('MessagePosted', { messageId: 'm2', authorId: 'alice', text: 'sorry', contentWarning: null, replyTo: null, postedAt: T0 }),
    ]);
  });

  it('holds warnings to the rules of moderation: moderators only, never oneself, facilitators not staff, members only', () => {
    spec.given(withPost).when(warn('bob', users.alice)).thenThrows('ROOM.FORBIDDEN');
    spec.given(withPost).when(warn('fac-1')).thenThrows('ROOM.FORBIDDEN', { userId: 'fac-1' });
    spec.given(withPost).when(warn('clin-1')).thenThrows('ROOM.FORBIDDEN', { userId: 'clin-1' });
    spec.given(withPost).when(warn('fac-1', users.clinician)).then([warned('fac-1', 'clin-1')]);
    spec.given(withPost).when(warn('carol')).thenThrows('ROOM.TARGET_NOT_A_MEMBER', { userId: 'carol' });
  });

  it('needs a reason, and a message of this room when it names one', () => {
    spec.given(withPost).when(warn('alice', users.facilitator, { reason: ' ' })).thenThrows('ROOM.REASON_REQUIRED');
    spec.given(withPost).when(warn('alice', users.facilitator, { reason: 'x'.repeat(501) })).thenThrows('ROOM.REASON_TOO_LONG', { max: 500 });
    spec.given(withPost).when(warn('alice', users.facilitator, { messageId: 'm-elsewhere' })).thenThrows('ROOM.MESSAGE_NOT_FOUND', { messageId: 'm-elsewhere' });
  });
});
