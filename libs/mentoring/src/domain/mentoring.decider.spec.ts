import type { Actor, Role } from '@haven/domain';
import { deciderSpec } from '@haven/domain/testing/given-when-then';
import type { MentoringCommand, MentoringCommandType } from './mentoring.commands';
import { mentoringDecider } from './mentoring.decider';
import type { MentoringEvent, MentoringEventType } from './mentoring.events';

const T0 = '2030-01-06T10:00:00.000Z';
const actor = (userId: string, role: Role): Actor => ({ userId, role });
const alice = actor('alice', 'participant');
const bob = actor('bob', 'participant');
const mona = actor('mona', 'mentor');
const max = actor('max', 'mentor');
const clinician = actor('clin-1', 'clinician');
const facilitator = actor('fac-1', 'facilitator');
const family = actor('alice', 'family');

const spec = deciderSpec(mentoringDecider);
type CommandOf<T extends MentoringCommandType> = Extract<MentoringCommand, { type: T }>;
type EventOf<T extends MentoringEventType> = Extract<MentoringEvent, { type: T }>;

let seq = 0;
/** A command about alice's stream (participantId 'alice' unless told). */
const command = <T extends MentoringCommandType>(type: T, data: Omit<CommandOf<T>['data'], 'participantId'>, by: Actor, participantId = 'alice') =>
  ({ type, data: { participantId, ...data }, context: { actor: by, commandId: `cmd-${++seq}`, now: T0 } }) as unknown as CommandOf<T>;
const event = <T extends MentoringEventType>(type: T, data: EventOf<T>['data']): MentoringEvent => ({ type, data }) as EventOf<T>;

const preferences = { topics: ['sleep', 'work'], language: 'en', availability: 'weekday evenings', note: null };
const requested = (requestId = 'req-1', excludedMentors: string[] = []) =>
  event('MentorRequested', { requestId, participantId: 'alice', ...preferences, excludedMentors, requestedAt: T0 });
const started = (mentor = mona, pairingId = 'pair-1', requestId = 'req-1') =>
  event('PairingStarted', { pairingId, requestId, participantId: 'alice', mentorId: mentor.userId, roomId: `room-of-${pairingId}`, startedAt: T0 });
const ended = (by: Actor, reason: string | null = null, rematch = false) =>
  event('PairingEnded', { pairingId: 'pair-1', participantId: 'alice', mentorId: 'mona', roomId: 'room-of-pair-1', endedBy: by.userId, reason, rematch, endedAt: T0 });
const ask = (requestId = 'req-1', prefs: Partial<typeof preferences> = {}, by = alice, hiddenMentors: string[] = []) =>
  command('RequestMentor', { requestId, hiddenMentors, ...preferences, ...prefs }, by);
const accept = (by: Actor, requestId = 'req-1', pairingId = 'pair-1') => command('AcceptMentorRequest', { requestId, pairingId, roomId: `room-of-${pairingId}` }, by);

describe('RequestMentor', () => {
  it('records what a participant asks for, trimmed and without repeated topics', () => {
    spec
      .given([])
      .when(ask('req-1', { topics: [' sleep ', 'Sleep', 'work'], availability: ' weekday evenings ', note: '  ' } as never))
      .then([requested()]);
  });

  it('is for participants, asking for themselves', () => {
    for (const who of [mona, clinician, facilitator, family]) spec.given([]).when(ask('req-1', {}, who)).thenThrows('MENTORING.FORBIDDEN');
    spec.given([]).when(command('RequestMentor', { requestId: 'r', hiddenMentors: [], ...preferences }, bob, 'alice')).thenThrows('MENTORING.FORBIDDEN');
  });

  it('is offered to no mentor the participant hides in group rooms (nor can such a mentor take it)', () => {
    spec.given([]).when(ask('req-1', {}, alice, ['max', 'mona', 'max'])).then([requested('req-1', ['max', 'mona'])]);
    spec.given([requested('req-1', ['mona'])]).when(accept(mona)).thenThrows('MENTORING.EXCLUDED');
  });

  it('allows one open request and no request while paired', () => {
    spec.given([requested()]).when(ask('req-2')).thenThrows('MENTORING.ALREADY_REQUESTED', { requestId: 'req-1' });
    spec.given([requested(), started()]).when(ask('req-2')).thenThrows('MENTORING.ALREADY_PAIRED', { pairingId: 'pair-1' });
    spec.given([requested(), started(), ended(alice)]).when(ask('req-2')).then([requested('req-2')]);
    spec.given([requested(), event('MentorRequestCancelled', { requestId: 'req-1', participantId: 'alice', cancelledAt: T0 })]).when(ask('req-1')).thenThrows('MENTORING.DUPLICATE_REQUEST_ID');
  });

  it.each([
    [{ topics: [] }, 'topics'],
    [{ topics: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'topics'],
    [{ topics: ['x'.repeat(41)] }, 'topics'],
    [{ topics: ['  '] }, 'topics'],
    [{ language: 'english please' }, 'language'],
    [{ language: '' }, 'language'],
    [{ availability: '' }, 'availability'],
    [{ availability: 'x'.repeat(201) }, 'availability'],
    [{ note: 'x'.repeat(501) }, 'note'],
    [{ note: 'bad \u0000 text' }, 'note'],
  ])('refuses %j naming the field', (prefs, field) => {
    spec.given([]).when(ask('req-1', prefs as never)).thenThrows('MENTORING.INVALID_REQUEST', { field });
  });
});

describe('accepting and declining', () => {
  it('pairs the first mentor who accepts; a second is told it was taken', () => {
    spec.given([requested()]).when(accept(mona)).then([started()]);
    spec.given([requested(), started()]).when(accept(max, 'req-1', 'pair-1')).thenThrows('MENTORING.REQUEST_TAKEN');
  });

  it('is for mentors only, never their own request', () => {
    for (const who of [alice, bob, clinician, facilitator, family]) spec.given([requested()]).when(accept(who)).thenThrows('MENTORING.FORBIDDEN');
    spec.given([requested()]).when(command('AcceptMentorRequest', { requestId: 'req-1', pairingId: 'p', roomId: 'r' }, actor('alice', 'mentor'))).thenThrows('MENTORING.FORBIDDEN');
  });

  it('refuses unknown and cancelled requests', () => {
    spec.given([]).when(accept(mona)).thenThrows('MENTORING.REQUEST_NOT_FOUND');
    const cancelled = event('MentorRequestCancelled', { requestId: 'req-1', participantId: 'alice', cancelledAt: T0 });
    spec.given([requested(), cancelled]).when(accept(mona)).thenThrows('MENTORING.REQUEST_NOT_OPEN', { status: 'cancelled' });
  });

  it('never offers a rematch to the mentors it moved away from', () => {
    spec.given([requested('req-2', ['mona'])]).when(accept(mona, 'req-2', 'pair-2')).thenThrows('MENTORING.EXCLUDED');
    spec.given([requested('req-2', ['mona'])]).when(command('DeclineMentorRequest', { requestId: 'req-2' }, mona)).thenThrows('MENTORING.EXCLUDED');
  });

  it('a decline is one mentor saying "not me": the request stays open, and they may still change their mind', () => {
    const declined = event('MentorRequestDeclined', { requestId: 'req-1', participantId: 'alice', mentorId: 'mona', declinedAt: T0 });
    spec.given([requested()]).when(command('DeclineMentorRequest', { requestId: 'req-1' }, mona)).then([declined]);
    spec.given([requested(), declined]).when(command('DeclineMentorRequest', { requestId: 'req-1' }, mona)).thenNothing();
    spec.given([requested(), declined]).when(accept(max)).then([started(max)]);
    spec.given([requested(), declined]).when(accept(mona)).then([started(mona)]);
    spec.given([requested()]).when(command('DeclineMentorRequest', { requestId: 'req-1' }, alice)).thenThrows('MENTORING.FORBIDDEN');
  });
});

describe('cancelling', () => {
  const cancel = (by: Actor) => command('CancelMentorRequest', { requestId: 'req-1' }, by);
  const cancelled = event('MentorRequestCancelled', { requestId: 'req-1', participantId: 'alice', cancelledAt: T0 });

  it('lets the participant (or a clinician) withdraw an open request, once', () => {
    spec.given([requested()]).when(cancel(alice)).then([cancelled]);
    spec.given([requested()]).when(cancel(clinician)).then([cancelled]);
    spec.given([requested(), cancelled]).when(cancel(alice)).thenNothing();
    spec.given([requested(), cancelled]).when(ask('req-2')).then([requested('req-2')]);
  });

  it('tells a mentor or another participant only that there is no such request', () => {
    spec.given([requested()]).when(cancel(mona)).thenThrows('MENTORING.REQUEST_NOT_FOUND');
    spec.given([requested()]).when(command('CancelMentorRequest', { requestId: 'req-1' }, bob)).thenThrows('MENTORING.REQUEST_NOT_FOUND');
  });

  it('cannot withdraw a request a mentor has taken (end the pairing instead)', () => {
    spec.given([requested(), started()]).when(cancel(alice)).thenThrows('MENTORING.REQUEST_TAKEN');
  });
});

describe('expiring', () => {
  const WEEK = 7 * 24 * 3600;
  const system = actor('system', 'admin');
  const expire = (now: string, by = system, requestId = 'req-1') =>
    ({ type: 'ExpireMentorRequest', data: { participantId: 'alice', requestId, openForSeconds: WEEK }, context: { actor: by, commandId: `cmd-${++seq}`, now } }) as CommandOf<'ExpireMentorRequest'>;
  const weekLater = new Date(Date.parse(T0) + WEEK * 1000).toISOString();
  const expired = event('MentorRequestExpired', { requestId: 'req-1', participantId: 'alice', expiredAt: weekLater });

  it('closes a request nobody took once it has been open that long, and the participant may ask again', () => {
    spec.given([requested()]).when(expire(weekLater)).then([expired]);
    spec.given([requested(), expired]).when(ask('req-2')).then([requested('req-2')]);
  });

  it('does nothing before its time, or to a request taken, cancelled or expired already', () => {
    spec.given([requested()]).when(expire(new Date(Date.parse(weekLater) - 1).toISOString())).thenNothing();
    spec.given([requested(), started()]).when(expire(weekLater)).thenNothing();
    spec.given([requested(), event('MentorRequestCancelled', { requestId: 'req-1', participantId: 'alice', cancelledAt: T0 })]).when(expire(weekLater)).thenNothing();
    spec.given([requested(), expired]).when(expire(weekLater)).thenNothing();
  });

  it('is the system\'s alone; an expired request can no longer be taken or declined', () => {
    spec.given([requested()]).when(expire(weekLater, clinician)).thenThrows('AUTH.FORBIDDEN');
    spec.given([requested(), expired]).when(accept(mona)).thenThrows('MENTORING.REQUEST_NOT_OPEN');
    spec.given([requested(), expired]).when(command('DeclineMentorRequest', { requestId: 'req-1' }, max)).thenThrows('MENTORING.REQUEST_NOT_OPEN');
    spec.given([requested(), expired]).when(command('CancelMentorRequest', { requestId: 'req-1' }, alice)).thenThrows('MENTORING.REQUEST_NOT_OPEN');
  });
});

describe('unanswered', () => {
  const DAY = 24 * 3600;
  const system = actor('system', 'admin');
  const notice = (now: string, by = system) =>
    ({ type: 'NoticeUnansweredRequest', data: { participantId: 'alice', requestId: 'req-1', unansweredAfterSeconds: DAY }, context: { actor: by, commandId: `cmd-${++seq}`, now } }) as CommandOf<'NoticeUnansweredRequest'>;
  const dayLater = new Date(Date.parse(T0) + DAY * 1000).toISOString();
  const noticed = event('MentorRequestUnanswered', { requestId: 'req-1', participantId: 'alice', requestedAt: T0, noticedAt: dayLater });

  it('tells, once, of a request nobody took in that long; it stays open to be taken', () => {
    spec.given([requested()]).when(notice(dayLater)).then([noticed]);
    spec.given([requested(), noticed]).when(notice(dayLater)).thenNothing();
    spec.given([requested(), noticed]).when(accept(mona)).then([started()]);
  });

  it('says nothing before its time, of a request taken, cancelled or expired, and is the system\'s alone', () => {
    spec.given([requested()]).when(notice(new Date(Date.parse(dayLater) - 1).toISOString())).thenNothing();
    spec.given([requested(), started()]).when(notice(dayLater)).thenNothing();
    spec.given([requested(), event('MentorRequestCancelled', { requestId: 'req-1', participantId: 'alice', cancelledAt: T0 })]).when(notice(dayLater)).thenNothing();
    spec.given([requested()]).when(notice(dayLater, clinician)).thenThrows('AUTH.FORBIDDEN');
  });
});

describe('ending and rematching', () => {
  const end = (by: Actor, reason: string | null = null) => command('EndPairing', { pairingId: 'pair-1', reason }, by);

  it('lets either of the pair, or a clinician, end it, with an optional reason; ending it again does nothing', () => {
    spec.given([requested(), started()]).when(end(alice, ' not a good fit ')).then([ended(alice, 'not a good fit')]);
    spec.given([requested(), started()]).when(end(mona)).then([ended(mona)]);
    spec.given([requested(), started()]).when(end(clinician, 'boundaries')).then([ended(clinician, 'boundaries')]);
    spec.given([requested(), started(), ended(alice)]).when(end(mona)).thenNothing();
  });

  it('tells anyone else there is no such pairing', () => {
    for (const who of [bob, max, facilitator, family]) spec.given([requested(), started()]).when(end(who)).thenThrows('MENTORING.PAIRING_NOT_FOUND');
    spec.given([]).when(end(alice)).thenThrows('MENTORING.PAIRING_NOT_FOUND');
  });

  it('a rematch ends the pairing and asks again with the same wishes, never for the same mentor', () => {
    const rematch = command('RequestRematch', { pairingId: 'pair-1', requestId: 'req-2', reason: null, hiddenMentors: [] }, alice);
    spec.given([requested(), started()]).when(rematch).then([ended(alice, null, true), requested('req-2', ['mona'])]);
    // a second rematch keeps every earlier mentor out
    const second = [requested(), started(), ended(alice, null, true), requested('req-2', ['mona']), started(max, 'pair-2', 'req-2')];
    spec
      .given(second)
      .when(command('RequestRematch', { pairingId: 'pair-2', requestId: 'req-3', reason: null, hiddenMentors: [] }, alice))
      .then([
        event('PairingEnded', { pairingId: 'pair-2', participantId: 'alice', mentorId: 'max', roomId: 'room-of-pair-2', endedBy: 'alice', reason: null, rematch: true, endedAt: T0 }),
        requested('req-3', ['mona', 'max']),
      ]);
  });

  it('a rematch also leaves out the mentors the participant hides now', () => {
    const rematch = command('RequestRematch', { pairingId: 'pair-1', requestId: 'req-2', reason: null, hiddenMentors: ['max', 'mona'] }, clinician);
    spec.given([requested(), started()]).when(rematch).then([ended(clinician, null, true), requested('req-2', ['mona', 'max'])]);
  });

  it('a rematch is the participant\'s (or a clinician\'s) to ask, of an active pairing', () => {
    const rematch = (by: Actor) => command('RequestRematch', { pairingId: 'pair-1', requestId: 'req-2', reason: null, hiddenMentors: [] }, by);
    spec.given([requested(), started()]).when(rematch(mona)).thenThrows('MENTORING.PAIRING_NOT_FOUND');
    spec.given([requested(), started(), ended(mona)]).when(rematch(alice)).thenThrows('MENTORING.PAIRING_ENDED');
    spec.given([requested(), started()]).when(rematch(clinician)).then([ended(clinician, null, true), requested('req-2', ['mona'])]);
  });
});

describe('feedback on a pairing', () => {
  const give = (by: Actor, rating: number, note: string | null = null, pairingId = 'pair-1') => command('GivePairingFeedback', { pairingId, rating, note }, by);
  const given = (rating: number, note: string | null = null) =>
    event('PairingFeedbackGiven', { pairingId: 'pair-1', participantId: 'alice', mentorId: 'mona', rating, note, givenAt: T0 });

  it('records the participant’s rating and note, while the pairing lasts or after it ended', () => {
    spec.given([requested(), started()]).when(give(alice, 5, ' they really listened ')).then([given(5, 'they really listened')]);
    spec.given([requested(), started(), ended(alice)]).when(give(alice, 2, '  ')).then([given(2)]);
  });

  it('is the participant’s alone: the mentor, staff and strangers cannot give it', () => {
    spec.given([requested(), started()]).when(give(mona, 5)).thenThrows('MENTORING.FORBIDDEN');
    spec.given([requested(), started()]).when(give(clinician, 1)).thenThrows('MENTORING.FORBIDDEN');
    for (const stranger of [max, bob, facilitator, family]) spec.given([requested(), started()]).when(give(stranger, 3)).thenThrows('MENTORING.PAIRING_NOT_FOUND');
    spec.given([requested()]).when(give(alice, 3)).thenThrows('MENTORING.PAIRING_NOT_FOUND', { pairingId: 'pair-1' });
  });

  it('takes a whole rating from 1 to 5 and a note of up to 500 characters, once per pairing', () => {
    for (const rating of [0, 6, 2.5]) spec.given([requested(), started()]).when(give(alice, rating)).thenThrows('MENTORING.INVALID_REQUEST', { field: 'rating' });
    spec.given([requested(), started()]).when(give(alice, 4, 'x'.repeat(501))).thenThrows('MENTORING.INVALID_REQUEST', { field: 'note' });
    spec.given([requested(), started(), given(4)]).when(give(alice, 1)).thenThrows('MENTORING.FEEDBACK_ALREADY_GIVEN', { pairingId: 'pair-1' });
  });
});
