import type { DomainEvent, PersonalFieldMap } from '@haven/domain';
import type { MentorPreferences } from './mentoring.commands';

// Events carry user ids only. The note and reasons are personal data in plainly named fields (crypto-shredding).

export type MentorRequested = DomainEvent<
  'MentorRequested',
  MentorPreferences & {
    requestId: string;
    participantId: string;
    /** mentors this request is never offered to: earlier mentors of a rematch */
    excludedMentors: string[];
    requestedAt: string;
  }
>;
export type MentorRequestCancelled = DomainEvent<'MentorRequestCancelled', { requestId: string; participantId: string; cancelledAt: string }>;
/** Nobody took the request while it was open (MENTOR_REQUEST_OPEN_HOURS): the system closes it, and the participant may ask again. */
export type MentorRequestExpired = DomainEvent<'MentorRequestExpired', { requestId: string; participantId: string; expiredAt: string }>;
/**
 * No mentor has taken the request in the hours the clinic set (MENTOR_REQUEST_UNANSWERED_HOURS): the system tells the
 * participant's care team, once, so that a person left waiting is not left alone; the request stays open.
 */
export type MentorRequestUnanswered = DomainEvent<'MentorRequestUnanswered', { requestId: string; participantId: string; requestedAt: string; noticedAt: string }>;
/** One mentor said "not me"; the request stays open for the others. */
export type MentorRequestDeclined = DomainEvent<
  'MentorRequestDeclined',
  { requestId: string; participantId: string; mentorId: string; declinedAt: string }
>;
export type PairingStarted = DomainEvent<
  'PairingStarted',
  { pairingId: string; requestId: string; participantId: string; mentorId: string; roomId: string; startedAt: string }
>;
/** `reason` is shown to the one who ended it and to clinicians, not to the other person. */
export type PairingEnded = DomainEvent<
  'PairingEnded',
  {
    pairingId: string;
    participantId: string;
    mentorId: string;
    roomId: string;
    endedBy: string;
    reason: string | null;
    /** the participant asked for another mentor (a MentorRequested follows) */
    rematch: boolean;
    endedAt: string;
  }
>;

/** `rating` 1 (not helpful) to 5 (very helpful); `note` the participant's words or null. Never sent to the mentor. */
export type PairingFeedbackGiven = DomainEvent<
  'PairingFeedbackGiven',
  { pairingId: string; participantId: string; mentorId: string; rating: number; note: string | null; givenAt: string }
>;

export type MentoringEvent =
  | MentorRequested
  | MentorRequestCancelled
  | MentorRequestExpired
  | MentorRequestUnanswered
  | MentorRequestDeclined
  | PairingStarted
  | PairingEnded
  | PairingFeedbackGiven;
export type MentoringEventType = MentoringEvent['type'];
export const MENTORING_EVENT_TYPES: readonly MentoringEventType[] = [
  'MentorRequested',
  'MentorRequestCancelled',
  'MentorRequestExpired',
  'MentorRequestUnanswered',
  'MentorRequestDeclined',
  'PairingStarted',
  'PairingEnded',
  'PairingFeedbackGiven',
];

const STREAM_PREFIX = 'mentee-';
/** The stream of one participant's requests and pairings: "one open request or pairing at a time" is its rule. */
export const menteeStreamName = (participantId: string): string => `${STREAM_PREFIX}${participantId}`;
export const isMentoringStream = (streamId: string): boolean => streamId.startsWith(STREAM_PREFIX);

/**
 * Personal data in mentoring events: a request's topics ("grief", "opioids" say what someone lives with), availability
 * and note are the participant's; an end's reason its writer's. The language is not sealed: requests are matched by it.
 */
export const MENTORING_PERSONAL_FIELDS: PersonalFieldMap = {
  MentorRequested: { subject: 'participantId', fields: ['topics', 'availability', 'note'] },
  PairingEnded: { subject: 'endedBy', fields: ['reason'] },
  PairingFeedbackGiven: { subject: 'participantId', fields: ['note'] },
};
