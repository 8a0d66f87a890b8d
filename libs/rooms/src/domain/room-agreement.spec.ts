import { T0, command, event, joined, muted, pairRoomOpened, posted, roomWithAliceAndBob, spec, users, at } from './testing/room.fixtures';

const AGREEMENT = 'What is said here stays here. We listen before we advise.';
const agreementSet = (version: number, text: string | null = AGREEMENT, by = users.facilitator) => event('AgreementSet', { text, version, by: by.userId, setAt: T0 });
const accepted = (who: { userId: string }, version: number) => event('AgreementAccepted', { userId: who.userId, version, acceptedAt: T0 });
const post = (messageId: string, by = users.alice) => command('PostMessage', { messageId, text: 'hello' }, by);

describe("a group's agreement", () => {
  it("the room's moderators set it, change it and remove it; each change is a new version", () => {
    spec.given(roomWithAliceAndBob()).when(command('SetAgreement', { text: `  ${AGREEMENT}  ` }, users.facilitator)).then([agreementSet(1)]);
    spec.given([...roomWithAliceAndBob(), agreementSet(1)]).when(command('SetAgreement', { text: 'New words' }, users.clinician)).then([agreementSet(2, 'New words', users.clinician)]);
    spec.given([...roomWithAliceAndBob(), agreementSet(1)]).when(command('SetAgreement', { text: null }, users.facilitator)).then([agreementSet(2, null)]);
    // set again after a removal: the count goes on, so an acceptance of the first never counts for the third
    spec.given([...roomWithAliceAndBob(), agreementSet(1), agreementSet(2, null)]).when(command('SetAgreement', { text: AGREEMENT }, users.facilitator)).then([agreementSet(3)]);
    spec.given([...roomWithAliceAndBob(), agreementSet(1)]).when(command('SetAgreement', { text: AGREEMENT }, users.facilitator)).thenNothing();
    spec.given(roomWithAliceAndBob()).when(command('SetAgreement', { text: null }, users.facilitator)).thenNothing();
  });

  it('only moderators, of a group room, with words of 1 to 2000 characters', () => {
    spec.given(roomWithAliceAndBob()).when(command('SetAgreement', { text: AGREEMENT }, users.alice)).thenThrows('ROOM.FORBIDDEN');
    spec.given(roomWithAliceAndBob()).when(command('SetAgreement', { text: '   ' }, users.facilitator)).thenThrows('ROOM.INVALID_AGREEMENT', { max: 2000 });
    spec.given(roomWithAliceAndBob()).when(command('SetAgreement', { text: 'x'.repeat(2001) }, users.facilitator)).thenThrows('ROOM.INVALID_AGREEMENT', { max: 2000 });
    spec.given([pairRoomOpened()]).when(command('SetAgreement', { text: AGREEMENT }, users.clinician)).thenThrows('ROOM.PAIR_ROOM');
  });

  it('a member accepts the version they read, once; a version no longer current is refused', () => {
    spec.given([...roomWithAliceAndBob(), agreementSet(1)]).when(command('AcceptAgreement', { version: 1 }, users.alice)).then([accepted(users.alice, 1)]);
    spec.given([...roomWithAliceAndBob(), agreementSet(1), accepted(users.alice, 1)]).when(command('AcceptAgreement', { version: 1 }, users.alice)).thenNothing();
    spec.given([...roomWithAliceAndBob(), agreementSet(1), agreementSet(2, 'New words')]).when(command('AcceptAgreement', { version: 1 }, users.alice)).thenThrows('ROOM.AGREEMENT_CHANGED', { version: 2 });
    spec.given(roomWithAliceAndBob()).when(command('AcceptAgreement', { version: 1 }, users.alice)).thenThrows('ROOM.NO_AGREEMENT');
    spec.given([...roomWithAliceAndBob(), agreementSet(1)]).when(command('AcceptAgreement', { version: 1 }, users.carol)).thenThrows('ROOM.NOT_A_MEMBER');
  });

  it('until a member accepts the current version they cannot post, edit or react; then they can', () => {
    const room = [...roomWithAliceAndBob(), posted('m1', users.bob), agreementSet(1)];
    spec.given(room).when(post('m2')).thenThrows('ROOM.AGREEMENT_NOT_ACCEPTED', { version: 1 });
    spec.given(room).when(command('AddReaction', { messageId: 'm1', emoji: '👍' }, users.alice)).thenThrows('ROOM.AGREEMENT_NOT_ACCEPTED', { version: 1 });
    spec.given(room).when(command('EditMessage', { messageId: 'm1', text: 'edited' }, users.bob)).thenThrows('ROOM.AGREEMENT_NOT_ACCEPTED', { version: 1 });
    spec.given([...room, accepted(users.alice, 1)]).when(post('m2')).then([event('MessagePosted', { messageId: 'm2', authorId: 'alice', text: 'hello', contentWarning: null, replyTo: null, postedAt: T0 })]);
    // a new version asks again; removing it frees everyone
    spec.given([...room, accepted(users.alice, 1), agreementSet(2, 'New words')]).when(post('m2')).thenThrows('ROOM.AGREEMENT_NOT_ACCEPTED', { version: 2 });
    spec.given([...room, agreementSet(2, null)]).when(post('m2')).then([event('MessagePosted', { messageId: 'm2', authorId: 'alice', text: 'hello', contentWarning: null, replyTo: null, postedAt: T0 })]);
  });

  it("its facilitators and staff take part without accepting; deleting one's own words and reporting stay open to all", () => {
    const room = [...roomWithAliceAndBob(), posted('m1', users.alice), joined(users.clinician), agreementSet(1)];
    spec.given(room).when(post('m2', users.facilitator)).then([event('MessagePosted', { messageId: 'm2', authorId: users.facilitator.userId, text: 'hello', contentWarning: null, replyTo: null, postedAt: T0 })]);
    spec.given(room).when(post('m2', users.clinician)).then([event('MessagePosted', { messageId: 'm2', authorId: users.clinician.userId, text: 'hello', contentWarning: null, replyTo: null, postedAt: T0 })]);
    spec.given(room).when(command('DeleteMessage', { messageId: 'm1' }, users.alice)).then([event('MessageDeleted', { messageId: 'm1', authorId: 'alice', deletedAt: T0 })]);
    spec.given(room).when(command('ReportMessage', { reportId: 'r1', messageId: 'm1', reason: 'unkind' }, users.bob)).then([
      event('MessageReported', { reportId: 'r1', messageId: 'm1', authorId: 'alice', reporterId: 'bob', reason: 'unkind', reportedAt: T0 }),
    ]);
  });

  it('a mute still comes first: a muted member who has not accepted hears of the mute', () => {
    const room = [...roomWithAliceAndBob(), muted(users.alice, at(600)), agreementSet(1)];
    spec.given(room).when(post('m2')).thenThrows('ROOM.MUTED');
  });
});
