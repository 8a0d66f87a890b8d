import { T0, at, command, event, joined, muted, posted, roomCreated, roomWithAliceAndBob, spec, users } from './testing/room.fixtures';

const post = (by = users.alice, data: { messageId?: string; text?: string; contentWarning?: string | null; replyTo?: string | null } = {}, now = T0) =>
  command('PostMessage', { messageId: 'm1', text: 'hello', ...data }, by, now);
const postedFull = (data: { text?: string; contentWarning?: string | null; replyTo?: string | null; messageId?: string }, author = users.alice, postedAt = T0) =>
  event('MessagePosted', { messageId: 'm1', authorId: author.userId, text: 'hello', contentWarning: null, replyTo: null, postedAt, ...data });
const deleted = (messageId: string, author = users.alice) => event('MessageDeleted', { messageId, authorId: author.userId, deletedAt: T0 });
const redacted = (messageId: string, author = users.alice) =>
  event('MessageRedacted', { messageId, authorId: author.userId, reason: 'graphic detail', by: 'fac-1', redactedAt: T0 });

describe('PostMessage', () => {
  it('posts trimmed text with a content warning and a reply, stamped with the time', () => {
    spec
      .given([...roomWithAliceAndBob(), posted('m0', users.bob)])
      .when(post(users.alice, { text: '  rough day  ', contentWarning: ' relapse ', replyTo: 'm0' }, at(30)))
      .then([postedFull({ text: 'rough day', contentWarning: 'relapse', replyTo: 'm0' }, users.alice, at(30))]);
  });

  it('treats a blank content warning as none', () => {
    spec.given(roomWithAliceAndBob()).when(post(users.alice, { contentWarning: '  ' })).then([postedFull({})]);
  });

  it('refuses non-members, a family guest included', () => {
    spec.given(roomWithAliceAndBob()).when(post(users.carol)).thenThrows('ROOM.NOT_A_MEMBER');
    spec.given(roomWithAliceAndBob()).when(post(users.family)).thenThrows('ROOM.NOT_A_MEMBER');
  });

  it('needs 1..4000 characters after trimming, counting an emoji as one', () => {
    spec.given(roomWithAliceAndBob()).when(post(users.alice, { text: ' \n\t ' })).thenThrows('ROOM.MESSAGE_EMPTY');
    spec.given(roomWithAliceAndBob()).when(post(users.alice, { text: 'x'.repeat(4001) })).thenThrows('ROOM.MESSAGE_TOO_LONG', { max: 4000, length: 4001 });
    spec.given(roomWithAliceAndBob()).when(post(users.alice, { text: 'x'.repeat(4000) })).then([postedFull({ text: 'x'.repeat(4000) })]);
    spec.given(roomWithAliceAndBob()).when(post(users.alice, { text: '💙'.repeat(4000) })).then([postedFull({ text: '💙'.repeat(4000) })]);
  });

  it('refuses a content warning over 60 characters', () => {
    spec.given(roomWithAliceAndBob()).when(post(users.alice, { contentWarning: 'x'.repeat(61) })).thenThrows('ROOM.CONTENT_WARNING_TOO_LONG', { max: 60 });
  });

  it('refuses a reply to a message that is unknown, deleted or redacted', () => {
    const base = [...roomWithAliceAndBob(), posted('m0', users.bob)];
    spec.given(base).when(post(users.alice, { replyTo: 'nope' })).thenThrows('ROOM.MESSAGE_NOT_FOUND', { messageId: 'nope' });
    spec.given([...base, deleted('m0', users.bob)]).when(post(users.alice, { replyTo: 'm0' })).thenThrows('ROOM.MESSAGE_NOT_FOUND');
    spec.given([...base, redacted('m0', users.bob)]).when(post(users.alice, { replyTo: 'm0' })).thenThrows('ROOM.MESSAGE_NOT_FOUND');
  });

  it('refuses a message id that is already used', () => {
    spec.given([...roomWithAliceAndBob(), posted('m1', users.bob)]).when(post()).thenThrows('ROOM.DUPLICATE_MESSAGE_ID', { messageId: 'm1' });
  });
});

describe('EditMessage and DeleteMessage', () => {
  const withM1 = [...roomWithAliceAndBob(), posted('m1', users.alice)];
  const edit = (by = users.alice, now = T0) => command('EditMessage', { messageId: 'm1', text: ' better words ', contentWarning: 'grief' }, by, now);

  it('lets the author edit and delete their own message', () => {
    spec.given(withM1).when(edit(users.alice, at(60))).then([event('MessageEdited', { messageId: 'm1', authorId: 'alice', text: 'better words', contentWarning: 'grief', editedAt: at(60) })]);
    spec.given(withM1).when(command('DeleteMessage', { messageId: 'm1' }, users.alice)).then([deleted('m1')]);
  });

  it('refuses anyone else, moderators included', () => {
    spec.given(withM1).when(edit(users.bob)).thenThrows('ROOM.NOT_AUTHOR', { messageId: 'm1' });
    spec.given(withM1).when(command('DeleteMessage', { messageId: 'm1' }, users.facilitator)).thenThrows('ROOM.NOT_AUTHOR');
  });

  it('refuses deleted and redacted messages, and bad text', () => {
    spec.given([...withM1, deleted('m1')]).when(edit()).thenThrows('ROOM.MESSAGE_NOT_FOUND');
    spec.given([...withM1, deleted('m1')]).when(command('DeleteMessage', { messageId: 'm1' }, users.alice)).thenThrows('ROOM.MESSAGE_NOT_FOUND');
    spec.given([...withM1, redacted('m1')]).when(edit()).thenThrows('ROOM.MESSAGE_REDACTED');
    spec.given([...withM1, redacted('m1')]).when(command('DeleteMessage', { messageId: 'm1' }, users.alice)).thenThrows('ROOM.MESSAGE_REDACTED');
    spec.given(withM1).when(command('EditMessage', { messageId: 'm1', text: '' }, users.alice)).thenThrows('ROOM.MESSAGE_EMPTY');
    spec.given(withM1).when(command('EditMessage', { messageId: 'nope', text: 'x' }, users.alice)).thenThrows('ROOM.MESSAGE_NOT_FOUND');
  });
});

describe('reactions', () => {
  const withM1 = [...roomWithAliceAndBob(), posted('m1', users.alice)];
  const added = event('ReactionAdded', { messageId: 'm1', userId: 'bob', emoji: '💙', reactedAt: T0 });

  it('adds and removes a reaction; repeats are no-ops', () => {
    spec.given(withM1).when(command('AddReaction', { messageId: 'm1', emoji: '💙' }, users.bob)).then([added]);
    spec.given([...withM1, added]).when(command('AddReaction', { messageId: 'm1', emoji: '💙' }, users.bob)).thenNothing();
    spec.given([...withM1, added]).when(command('RemoveReaction', { messageId: 'm1', emoji: '💙' }, users.bob)).then([event('ReactionRemoved', { messageId: 'm1', userId: 'bob', emoji: '💙', removedAt: T0 })]);
    spec.given(withM1).when(command('RemoveReaction', { messageId: 'm1', emoji: '💙' }, users.bob)).thenNothing();
  });

  it('refuses a blank or long reaction and a hidden message', () => {
    spec.given(withM1).when(command('AddReaction', { messageId: 'm1', emoji: ' ' }, users.bob)).thenThrows('ROOM.INVALID_REACTION');
    spec.given(withM1).when(command('AddReaction', { messageId: 'm1', emoji: 'x'.repeat(17) }, users.bob)).thenThrows('ROOM.INVALID_REACTION');
    spec.given([...withM1, deleted('m1')]).when(command('AddReaction', { messageId: 'm1', emoji: '💙' }, users.bob)).thenThrows('ROOM.MESSAGE_NOT_FOUND');
    spec.given([...withM1, redacted('m1')]).when(command('AddReaction', { messageId: 'm1', emoji: '💙' }, users.bob)).thenThrows('ROOM.MESSAGE_REDACTED');
  });
});

describe('a muted member', () => {
  const mutedAlice = [...roomWithAliceAndBob(), posted('m0', users.alice), muted(users.alice, at(600), 'cooling off')];

  it('cannot post, edit or react, and learns until when and why', () => {
    const details = { mutedUntil: at(600), reason: 'cooling off' };
    spec.given(mutedAlice).when(post(users.alice, {}, at(10))).thenThrows('ROOM.MUTED', details);
    spec.given(mutedAlice).when(command('EditMessage', { messageId: 'm0', text: 'x' }, users.alice, at(10))).thenThrows('ROOM.MUTED', details);
    spec.given(mutedAlice).when(command('AddReaction', { messageId: 'm0', emoji: '👍' }, users.alice, at(10))).thenThrows('ROOM.MUTED', details);
  });

  it('can still delete their own message', () => {
    spec.given(mutedAlice).when(command('DeleteMessage', { messageId: 'm0' }, users.alice, at(10))).then([event('MessageDeleted', { messageId: 'm0', authorId: 'alice', deletedAt: at(10) })]);
  });

  it('posts again once mutedUntil has passed, before any ExpireMute is appended', () => {
    spec.given(mutedAlice).when(post(users.alice, {}, at(600))).then([postedFull({}, users.alice, at(600))]);
  });

  it('is not affected by someone else being muted', () => {
    spec.given(mutedAlice).when(post(users.bob, {}, at(10))).then([postedFull({}, users.bob, at(10))]);
  });
});

describe('a locked room', () => {
  const locked = event('RoomLocked', { reason: null, by: 'fac-1', lockedAt: T0 });
  const lockedRoom = [...roomWithAliceAndBob(), joined(users.clinician), joined(users.facilitator2), posted('m0', users.alice), locked];

  it('refuses members posting, editing or reacting', () => {
    spec.given(lockedRoom).when(post()).thenThrows('ROOM.LOCKED');
    spec.given(lockedRoom).when(command('EditMessage', { messageId: 'm0', text: 'x' }, users.alice)).thenThrows('ROOM.LOCKED');
    spec.given(lockedRoom).when(command('AddReaction', { messageId: 'm0', emoji: '👍' }, users.bob)).thenThrows('ROOM.LOCKED');
  });

  it.each([users.facilitator, users.clinician, users.facilitator2])('lets $userId ($role) post', (by) => {
    spec.given(lockedRoom).when(post(by)).then([postedFull({}, by)]);
  });

  it('lets members post again once unlocked', () => {
    spec.given([...lockedRoom, event('RoomUnlocked', { reason: null, by: 'fac-1', unlockedAt: T0 })]).when(post()).then([postedFull({})]);
  });
});

describe('slow mode', () => {
  const slow = event('SlowModeSet', { intervalSeconds: 30, by: 'fac-1', setAt: T0 });
  const slowRoom = [...roomWithAliceAndBob(), joined(users.clinician), slow];

  it('lets a member post once per interval and says when to retry', () => {
    const afterFirst = [...slowRoom, posted('m0', users.alice, at(0))];
    spec.given(afterFirst).when(post(users.alice, {}, at(10))).thenThrows('ROOM.SLOW_MODE', { retryAfterMs: 20_000, intervalSeconds: 30 });
    spec.given(afterFirst).when(post(users.alice, {}, at(30))).then([postedFull({}, users.alice, at(30))]);
    spec.given(afterFirst).when(post(users.bob, {}, at(1))).then([postedFull({}, users.bob, at(1))]);
  });

  it.each([users.facilitator, users.clinician])('exempts $role', (by) => {
    spec.given([...slowRoom, posted('m0', by, at(0))]).when(post(by, {}, at(1))).then([postedFull({}, by, at(1))]);
  });

  it('is off at 0', () => {
    const off = event('SlowModeSet', { intervalSeconds: 0, by: 'fac-1', setAt: T0 });
    spec.given([...slowRoom, off, posted('m0', users.alice, at(0))]).when(post(users.alice, {}, at(1))).then([postedFull({}, users.alice, at(1))]);
  });

  it('does not slow down edits', () => {
    spec.given([...slowRoom, posted('m1', users.alice, at(0))]).when(command('EditMessage', { messageId: 'm1', text: 'fix' }, users.alice, at(1))).then([event('MessageEdited', { messageId: 'm1', authorId: 'alice', text: 'fix', contentWarning: null, editedAt: at(1) })]);
  });

  it('applies to the room as created with no slow mode', () => {
    spec.given([roomCreated(), joined(users.alice), posted('m0', users.alice)]).when(post(users.alice, {}, T0)).then([postedFull({})]);
  });
});
