import { T0, at, command, event, muted, posted, roomWithAliceAndBob, spec, users } from './testing/room.fixtures';

const release = (by = users.facilitator, data: Partial<{ messageId: string; text: string; edit: boolean; replyTo: string | null }> = {}, now = at(60)) =>
  command('ReleaseHeldMessage', { messageId: 'held-1', authorId: users.alice.userId, text: 'held words', contentWarning: null, replyTo: null, edit: false, ...data }, by, now);
const locked = event('RoomLocked', { reason: null, by: users.facilitator.userId, lockedAt: T0 });

describe('ReleaseHeldMessage (staff release a message the crisis screening held)', () => {
  it("posts it as the author's, even while the author is muted in a locked room", () => {
    spec
      .given([...roomWithAliceAndBob(), muted(users.alice, at(3600)), locked])
      .when(release())
      .then([event('MessagePosted', { messageId: 'held-1', authorId: users.alice.userId, text: 'held words', contentWarning: null, replyTo: null, postedAt: at(60) })]);
  });

  it('applies a held edit to the existing message', () => {
    spec
      .given([...roomWithAliceAndBob(), posted('m1', users.alice)])
      .when(release(users.facilitator, { messageId: 'm1', edit: true, text: 'edited words' }))
      .then([event('MessageEdited', { messageId: 'm1', authorId: users.alice.userId, text: 'edited words', contentWarning: null, editedAt: at(60) })]);
  });

  it("never applies a held edit to someone else's message", () => {
    spec.given([...roomWithAliceAndBob(), posted('m1', users.bob)]).when(release(users.facilitator, { messageId: 'm1', edit: true })).thenThrows('ROOM.NOT_AUTHOR');
  });

  it('is for moderators only, and releases a message once', () => {
    spec.given(roomWithAliceAndBob()).when(release(users.bob)).thenThrows('ROOM.FORBIDDEN');
    spec.given([...roomWithAliceAndBob(), posted('held-1', users.alice)]).when(release()).thenThrows('ROOM.DUPLICATE_MESSAGE_ID');
  });
});
