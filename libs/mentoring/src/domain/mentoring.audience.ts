import { OVERSEER_ROLES, type Actor, type Role } from '@haven/domain';
import type { MentoringEvent } from './mentoring.events';

/**
 * The form of a mentoring event an audience gets:
 * - full: as stored;
 * - anonymous: without the participant's id (nor the mentors a rematch excludes): mentors choose a request by what it
 *   asks for, not by who asks, and learn who it is only when they accept;
 * - taken: to the mentors who did not accept, only that the request is no longer open (MentorRequestTaken);
 * - withoutReason: the other party of an ended pairing learns it ended, not the reason given.
 */
export type MentoringForm = 'full' | 'anonymous' | 'taken' | 'withoutReason';

/** One part of an event's audience: these users and every user of these roles, minus `exceptUsers`. */
export interface MentoringAudience {
  users: string[];
  roles: readonly Role[];
  exceptUsers: string[];
  form: MentoringForm;
}

/*
 * Choices:
 * - "Clinicians" below means OVERSEER_ROLES, clinicians and admins: they may cancel, end and rematch any request or
 *   pairing and read every one (GET /mentoring/requests, /pairings), so they follow them live too.
 * - A request nobody took for long: the participant and clinicians, never mentors.
 * - Requests: the participant and clinicians in full; every mentor anonymously (but mentors a rematch excludes, and
 *   `mentorsElsewhere`, who mentor in other languages than the request's or are away); so are their cancellation and
 *   expiry, so that mentors' lists drop them.
 * - A decline: only the mentor who declined (the participant is not told "no" by name).
 * - A pairing's start: the pair and clinicians in full; the other mentors the request went to learn only that it was
 *   taken.
 * - A pairing's end: whoever ended it and clinicians in full; the other party without the reason.
 * - Feedback on a pairing: the participant who gave it and clinicians; never the mentor.
 * The parts of one event never overlap (each names who the others leave out), so live delivery and catch-up, which
 * both read this function, give everyone exactly one form. Family guests see nothing of mentoring.
 */
export function mentoringAudience(event: MentoringEvent, mentorsElsewhere: readonly string[] = []): MentoringAudience[] {
  const part = (users: string[], roles: readonly Role[], exceptUsers: string[], form: MentoringForm): MentoringAudience => ({ users, roles, exceptUsers, form });
  switch (event.type) {
    case 'MentorRequested': {
      const { participantId, excludedMentors } = event.data;
      return [part([participantId], OVERSEER_ROLES, [], 'full'), part([], ['mentor'], [participantId, ...excludedMentors, ...mentorsElsewhere], 'anonymous')];
    }
    case 'MentorRequestCancelled':
    case 'MentorRequestExpired': {
      const { participantId } = event.data;
      return [part([participantId], OVERSEER_ROLES, [], 'full'), part([], ['mentor'], [participantId, ...mentorsElsewhere], 'anonymous')];
    }
    case 'MentorRequestDeclined':
      return [part([event.data.mentorId], [], [], 'anonymous')];
    case 'MentorRequestUnanswered':
      // the participant and their care team; not mentors, who see the request itself and need no nudge naming no one
      return [part([event.data.participantId], OVERSEER_ROLES, [], 'full')];
    case 'PairingStarted': {
      const { participantId, mentorId } = event.data;
      return [part([participantId, mentorId], OVERSEER_ROLES, [], 'full'), part([], ['mentor'], [participantId, mentorId, ...mentorsElsewhere], 'taken')];
    }
    case 'PairingFeedbackGiven':
      // for the participant and the clinicians who supervise mentors; never the mentor, so that it can be candid
      return [part([event.data.participantId], OVERSEER_ROLES, [], 'full')];
    case 'PairingEnded': {
      const { participantId, mentorId, endedBy } = event.data;
      return [part([endedBy], OVERSEER_ROLES, [], 'full'), part([participantId, mentorId], [], [endedBy], 'withoutReason')];
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** The one part of the audience this viewer belongs to, or null: what catch-up gives them, as live delivery did. */
export function audienceOf(viewer: Actor, event: MentoringEvent, mentorsElsewhere: readonly string[] = []): MentoringAudience | null {
  if (viewer.role === 'family') return null;
  return (
    mentoringAudience(event, mentorsElsewhere).find(
      (part) => !part.exceptUsers.includes(viewer.userId) && (part.users.includes(viewer.userId) || part.roles.includes(viewer.role)),
    ) ?? null
  );
}

/** The event's data in the given form, with its type (a taken request becomes MentorRequestTaken). */
export function mentoringEventForm(event: MentoringEvent, form: MentoringForm): { type: string; data: Record<string, unknown> } {
  const data = event.data as Record<string, unknown>;
  switch (form) {
    case 'full':
      return { type: event.type, data };
    case 'anonymous': {
      const { participantId: _p, excludedMentors: _e, ...rest } = data;
      return { type: event.type, data: rest };
    }
    case 'taken':
      return { type: 'MentorRequestTaken', data: { requestId: data.requestId, takenAt: data.startedAt } };
    case 'withoutReason': {
      const { reason: _r, ...rest } = data;
      return { type: event.type, data: rest };
    }
  }
}
