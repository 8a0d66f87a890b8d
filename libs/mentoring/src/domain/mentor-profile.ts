import { DomainError, requiredText, type CommandContext, type Decider, type DomainEvent, type PersonalFieldMap } from '@haven/domain';
import { MentoringErrors } from './mentoring.errors';
import { LANGUAGE_TAG, MAX_TOPIC_LENGTH } from './mentoring.validation';

/**
 * A mentor's profile, in a stream of their own, `mentor-profile-<mentorId>`:
 * - the languages they mentor in. A request goes to the mentors who speak its language and to those who named none
 *   (every language); the others never see it. Languages match by their primary subtag: a mentor of "es" sees a
 *   request in "es-MX".
 * - the topics they are glad to mentor on. These choose nothing: a mentor still sees every request in their languages,
 *   with the topics it shares with theirs (`GET /mentoring/requests`, best matches first). A mentor's topics may tell
 *   of their own history, so they are personal data, sealed under the mentor's key and shown to the mentor alone.
 * - whether they are away: mentors are volunteers, in recovery themselves, and need to step back without leaving. An
 *   away mentor is offered no request (as if they mentored in no language) until they come back, or until the time
 *   they gave, when the system brings them back.
 * - how many people they mentor at once, at most: fewer than the clinic allows (MENTOR_MAX_ACTIVE_PAIRINGS) if that is
 *   what they can carry now. The lower of the two holds; null: the clinic's.
 * - that Haven knows them as a mentor: the identity provider holds a clinic's mentors, and Haven learns of one when they
 *   first connect (MentorSeen, once per mentor, when their profile has nothing yet), so that a mentor who has not set
 *   anything is told of requests while away like the others.
 */
export const MAX_MENTOR_LANGUAGES = 10;
export const MAX_MENTOR_TOPICS = 20;
/** how far ahead a mentor may say they are away until; further than that, they say "until I come back" */
export const MAX_AWAY_DAYS = 365;
/** the most pairs a mentor may name for themselves; the clinic's own limit still applies when it is lower */
export const MAX_MENTOR_CAPACITY = 20;

export type MentorLanguagesSet = DomainEvent<'MentorLanguagesSet', { mentorId: string; languages: string[]; setAt: string }>;
export type MentorTopicsSet = DomainEvent<'MentorTopicsSet', { mentorId: string; topics: string[]; setAt: string }>;
/** `until`: when the system brings them back (null: when they say so); a mentor back has `away: false, until: null` */
export type MentorAwaySet = DomainEvent<'MentorAwaySet', { mentorId: string; away: boolean; until: string | null; setAt: string }>;
/** `pairs`: the most people the mentor mentors at once, by their own choice (null: as many as the clinic allows) */
export type MentorCapacitySet = DomainEvent<'MentorCapacitySet', { mentorId: string; pairs: number | null; setAt: string }>;
/** the mentor connected for the first time (nothing else in their profile yet); goes to nobody */
export type MentorSeen = DomainEvent<'MentorSeen', { mentorId: string; seenAt: string }>;
export type MentorProfileEvent = MentorLanguagesSet | MentorTopicsSet | MentorAwaySet | MentorCapacitySet | MentorSeen;
export type SetMentorLanguages = { type: 'SetMentorLanguages'; data: { mentorId: string; languages: string[] }; context: CommandContext };
export type SetMentorTopics = { type: 'SetMentorTopics'; data: { mentorId: string; topics: string[] }; context: CommandContext };
export type SetMentorAway = { type: 'SetMentorAway'; data: { mentorId: string; away: boolean; until: string | null }; context: CommandContext };
export type SetMentorCapacity = { type: 'SetMentorCapacity'; data: { mentorId: string; pairs: number | null }; context: CommandContext };
/** the system's, once the `until` a mentor gave has come; names it, so that a newer setting is left as it is */
export type EndMentorAway = { type: 'EndMentorAway'; data: { mentorId: string; until: string }; context: CommandContext };
/** at a mentor's connection, as the mentor: appends MentorSeen only to a profile that holds nothing yet */
export type NoteMentorSeen = { type: 'NoteMentorSeen'; data: { mentorId: string }; context: CommandContext };
export type MentorProfileCommand = SetMentorLanguages | SetMentorTopics | SetMentorAway | SetMentorCapacity | EndMentorAway | NoteMentorSeen;

export const MENTOR_PROFILE_PERSONAL_FIELDS: PersonalFieldMap = {
  MentorTopicsSet: { subject: 'mentorId', fields: ['topics'] },
};

export interface MentorProfileState {
  /** null: never set (every language) */
  languages: string[] | null;
  /** null: not away */
  away: { until: string | null } | null;
  /** null: as many as the clinic allows */
  capacity: number | null;
  /** the profile holds an event: Haven knows the mentor */
  known: boolean;
}

const PROFILE_PREFIX = 'mentor-profile-';
export const mentorProfileStreamName = (mentorId: string): string => `${PROFILE_PREFIX}${mentorId}`;
export const isMentorProfileStream = (streamId: string): boolean => streamId.startsWith(PROFILE_PREFIX);

const primary = (tag: string): string => tag.split('-')[0].toLowerCase();

/** Whether a mentor with these languages (null or none: every language) is offered a request in `requested`. */
export function speaks(languages: readonly string[] | null | undefined, requested: string): boolean {
  if (!languages || languages.length === 0) return true;
  return languages.some((language) => primary(language) === primary(requested));
}

/** Trimmed and deduplicated by primary subtag ("es" and "es-MX" are one language here); an empty list is every language. */
function validLanguages(input: unknown): string[] {
  if (!Array.isArray(input)) throw MentoringErrors.invalid('languages', 'languages must be a list of language tags');
  const languages: string[] = [];
  for (const raw of input) {
    const tag = typeof raw === 'string' ? raw.trim() : '';
    if (!LANGUAGE_TAG.test(tag)) throw MentoringErrors.invalid('languages', 'each language must be a tag such as "en" or "es-MX"');
    if (!languages.some((l) => primary(l) === primary(tag))) languages.push(tag);
  }
  if (languages.length > MAX_MENTOR_LANGUAGES) throw MentoringErrors.invalid('languages', `at most ${MAX_MENTOR_LANGUAGES} languages`);
  return languages;
}

/** Trimmed, deduplicated case-insensitively, as a request's topics are; an empty list clears them. */
function validTopics(input: unknown): string[] {
  if (!Array.isArray(input)) throw MentoringErrors.invalid('topics', 'topics must be a list');
  const topics: string[] = [];
  for (const raw of input) {
    const topic = requiredText('topics', raw, MAX_TOPIC_LENGTH, MentoringErrors.invalid);
    if (!topics.some((t) => t.toLowerCase() === topic.toLowerCase())) topics.push(topic);
  }
  if (topics.length > MAX_MENTOR_TOPICS) throw MentoringErrors.invalid('topics', `at most ${MAX_MENTOR_TOPICS} topics`);
  return topics;
}

/** The topics of `requested` that a mentor of `offered` shares, as the request names them (case-insensitive). */
export function sharedTopics(offered: readonly (string | null)[], requested: readonly (string | null)[]): string[] {
  const mine = new Set(offered.filter((t): t is string => typeof t === 'string').map((t) => t.toLowerCase()));
  return requested.filter((t): t is string => typeof t === 'string' && mine.has(t.toLowerCase()));
}

/** A time ahead of `now`, within MAX_AWAY_DAYS, as the ISO string of that instant; null stays null (no end given). */
function validUntil(input: unknown, now: string): string | null {
  if (input === null || input === undefined) return null;
  const at = typeof input === 'string' ? Date.parse(input) : NaN;
  if (Number.isNaN(at)) throw MentoringErrors.invalid('until', 'until must be a date and time such as 2027-01-15T09:00:00Z');
  if (at <= Date.parse(now)) throw MentoringErrors.invalid('until', 'until must be in the future');
  if (at > Date.parse(now) + MAX_AWAY_DAYS * 86_400_000) throw MentoringErrors.invalid('until', `until must be within ${MAX_AWAY_DAYS} days`);
  return new Date(at).toISOString();
}

const sameLanguages = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((language) => b.some((other) => other.toLowerCase() === language.toLowerCase()));

/**
 * A mentor sets their own languages, topics, whether they are away and how many they mentor at once. Setting the languages already set, or the away
 * already set, appends nothing; topics are appended each time (the state holds them sealed, so they cannot be
 * compared here; a retried command id still appends nothing). The system ends an away at its `until`, unless the
 * mentor changed it since.
 */
export const mentorProfileDecider: Decider<MentorProfileCommand, MentorProfileEvent, MentorProfileState> = {
  initialState: () => ({ languages: null, away: null, capacity: null, known: false }),
  decide(command, state) {
    const { actor, now } = command.context;
    if (command.type === 'EndMentorAway') {
      if (actor.userId !== 'system') throw new DomainError('AUTH.FORBIDDEN', 'the system ends an away at the time the mentor gave');
      const { mentorId, until } = command.data;
      if (state.away?.until !== until || Date.parse(now) < Date.parse(until)) return [];
      return [{ type: 'MentorAwaySet', data: { mentorId, away: false, until: null, setAt: now } }];
    }
    if (actor.role !== 'mentor' || actor.userId !== command.data.mentorId) throw MentoringErrors.forbidden('only mentors set their mentoring profile, each their own');
    switch (command.type) {
      case 'NoteMentorSeen':
        return state.known ? [] : [{ type: 'MentorSeen', data: { mentorId: actor.userId, seenAt: now } }];
      case 'SetMentorTopics':
        return [{ type: 'MentorTopicsSet', data: { mentorId: actor.userId, topics: validTopics(command.data.topics), setAt: now } }];
      case 'SetMentorAway': {
        if (typeof command.data.away !== 'boolean') throw MentoringErrors.invalid('away', 'away must be true or false');
        if (!command.data.away && command.data.until != null) throw MentoringErrors.invalid('until', 'until goes with away: true');
        const until = command.data.away ? validUntil(command.data.until, now) : null;
        const unchanged = command.data.away ? state.away !== null && state.away.until === until : state.away === null;
        if (unchanged) return [];
        return [{ type: 'MentorAwaySet', data: { mentorId: actor.userId, away: command.data.away, until, setAt: now } }];
      }
      case 'SetMentorCapacity': {
        const { pairs } = command.data;
        if (pairs !== null && !(Number.isInteger(pairs) && pairs >= 1 && pairs <= MAX_MENTOR_CAPACITY)) {
          throw MentoringErrors.invalid('pairs', `pairs is a whole number from 1 to ${MAX_MENTOR_CAPACITY}, or null for as many as the clinic allows`);
        }
        if (pairs === state.capacity) return [];
        return [{ type: 'MentorCapacitySet', data: { mentorId: actor.userId, pairs, setAt: now } }];
      }
      case 'SetMentorLanguages': {
        const languages = validLanguages(command.data.languages);
        if (state.languages !== null && sameLanguages(state.languages, languages)) return [];
        return [{ type: 'MentorLanguagesSet', data: { mentorId: actor.userId, languages, setAt: now } }];
      }
    }
  },
  evolve(before, event) {
    const state = before.known ? before : { ...before, known: true };
    switch (event.type) {
      case 'MentorLanguagesSet':
        return { ...state, languages: event.data.languages };
      case 'MentorAwaySet':
        return { ...state, away: event.data.away ? { until: event.data.until } : null };
      case 'MentorCapacitySet':
        return { ...state, capacity: event.data.pairs };
      default:
        return state;
    }
  },
};
