import type { Actor, Role } from '@haven/domain';
import { audienceOf, mentoringEventForm } from './mentoring.audience';
import type { MentoringEvent } from './mentoring.events';

const T0 = '2030-01-06T10:00:00.000Z';
const who = (userId: string, role: Role): Actor => ({ userId, role });
const alice = who('alice', 'participant');
const bob = who('bob', 'participant');
const mona = who('mona', 'mentor');
const max = who('max', 'mentor');
const clinician = who('clin-1', 'clinician');
const admin = who('ada', 'admin'); // follows requests and pairings as clinicians do: admins may cancel, end and rematch them
const facilitator = who('fac-1', 'facilitator');
const aliceFamily = who('alice', 'family');

const requested: MentoringEvent = {
  type: 'MentorRequested',
  data: { requestId: 'r1', participantId: 'alice', topics: ['sleep'], language: 'en', availability: 'evenings', note: 'shy', excludedMentors: ['max'], requestedAt: T0 },
};
const started: MentoringEvent = {
  type: 'PairingStarted',
  data: { pairingId: 'p1', requestId: 'r1', participantId: 'alice', mentorId: 'mona', roomId: 'room-1', startedAt: T0 },
};
const ended: MentoringEvent = {
  type: 'PairingEnded',
  data: { pairingId: 'p1', participantId: 'alice', mentorId: 'mona', roomId: 'room-1', endedBy: 'alice', reason: 'not a fit', rematch: false, endedAt: T0 },
};
const declined: MentoringEvent = { type: 'MentorRequestDeclined', data: { requestId: 'r1', participantId: 'alice', mentorId: 'mona', declinedAt: T0 } };

const formFor = (viewer: Actor, event: MentoringEvent) => {
  const part = audienceOf(viewer, event);
  return part ? mentoringEventForm(event, part.form) : null;
};

describe('who sees what of mentoring', () => {
  it('mentors see a request without who asks; excluded mentors, other participants, facilitators and family not at all', () => {
    expect(formFor(mona, requested)).toEqual({
      type: 'MentorRequested',
      data: { requestId: 'r1', topics: ['sleep'], language: 'en', availability: 'evenings', note: 'shy', requestedAt: T0 },
    });
    expect(formFor(alice, requested)?.data).toEqual(requested.data);
    for (const staff of [clinician, admin]) expect(formFor(staff, requested)?.data).toEqual(requested.data);
    for (const viewer of [max, bob, facilitator, aliceFamily]) expect(formFor(viewer, requested)).toBeNull();
  });

  it('an expiry reaches the participant and clinicians in full, and every mentor without who asked, so their lists drop it', () => {
    const expired: MentoringEvent = { type: 'MentorRequestExpired', data: { requestId: 'r1', participantId: 'alice', expiredAt: T0 } };
    expect(formFor(alice, expired)).toEqual({ type: 'MentorRequestExpired', data: expired.data });
    for (const staff of [clinician, admin]) expect(formFor(staff, expired)).toEqual({ type: 'MentorRequestExpired', data: expired.data });
    for (const mentor of [mona, max]) expect(formFor(mentor, expired)).toEqual({ type: 'MentorRequestExpired', data: { requestId: 'r1', expiredAt: T0 } });
    for (const other of [bob, facilitator, aliceFamily]) expect(formFor(other, expired)).toBeNull();
  });

  it('a decline reaches only the mentor who declined, without the participant', () => {
    expect(formFor(mona, declined)).toEqual({ type: 'MentorRequestDeclined', data: { requestId: 'r1', mentorId: 'mona', declinedAt: T0 } });
    for (const viewer of [alice, max, clinician, admin]) expect(formFor(viewer, declined)).toBeNull();
  });

  it('a pairing is the pair\'s and clinicians\'; other mentors learn only that the request was taken', () => {
    for (const viewer of [alice, mona, clinician, admin]) expect(formFor(viewer, started)?.data).toEqual(started.data);
    expect(formFor(max, started)).toEqual({ type: 'MentorRequestTaken', data: { requestId: 'r1', takenAt: T0 } });
    for (const viewer of [bob, facilitator, aliceFamily]) expect(formFor(viewer, started)).toBeNull();
  });

  it('the reason for ending is for whoever ended it and clinicians, not the other person', () => {
    expect(formFor(alice, ended)?.data).toEqual(ended.data);
    for (const staff of [clinician, admin]) expect(formFor(staff, ended)?.data).toEqual(ended.data);
    const { reason: _r, ...withoutReason } = ended.data as Record<string, unknown>;
    expect(formFor(mona, ended)).toEqual({ type: 'PairingEnded', data: withoutReason });
    for (const viewer of [max, bob, aliceFamily]) expect(formFor(viewer, ended)).toBeNull();
  });

  it('feedback on a pairing is for the participant and clinicians and admins, never the mentor', () => {
    const feedback: MentoringEvent = { type: 'PairingFeedbackGiven', data: { pairingId: 'p1', participantId: 'alice', mentorId: 'mona', rating: 2, note: 'felt rushed', givenAt: T0 } };
    for (const viewer of [alice, clinician, admin]) expect(formFor(viewer, feedback)?.data).toEqual(feedback.data);
    for (const viewer of [mona, max, bob, facilitator, aliceFamily]) expect(formFor(viewer, feedback)).toBeNull();
  });
});
