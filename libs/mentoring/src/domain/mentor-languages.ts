import type { CommandContext, Decider, DomainEvent } from '@haven/domain';
import { MentoringErrors } from './mentoring.errors';
import { LANGUAGE_TAG } from './mentoring.validation';

/**
 * The languages a mentor mentors in. A request goes to the mentors who speak its language and to those who named
 * none (every language); the others never see it. Languages match by their primary subtag: a mentor of "es" sees a
 * request in "es-MX". Kept in a stream of the mentor's own, `mentor-profile-<mentorId>`.
 */
export const MAX_MENTOR_LANGUAGES = 10;

export type MentorLanguagesSet = DomainEvent<'MentorLanguagesSet', { mentorId: string; languages: string[]; setAt: string }>;
export type SetMentorLanguages = { type: 'SetMentorLanguages'; data: { mentorId: string; languages: string[] }; context: CommandContext };

export interface MentorProfileState {
  /** null: never set (every language) */
  languages: string[] | null;
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

const sameLanguages = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((language) => b.some((other) => other.toLowerCase() === language.toLowerCase()));

/** A mentor sets their own languages; setting what is already set appends nothing. */
export const mentorProfileDecider: Decider<SetMentorLanguages, MentorLanguagesSet, MentorProfileState> = {
  initialState: () => ({ languages: null }),
  decide(command, state) {
    const { actor, now } = command.context;
    if (actor.role !== 'mentor' || actor.userId !== command.data.mentorId) throw MentoringErrors.forbidden('only mentors set the languages they mentor in, each their own');
    const languages = validLanguages(command.data.languages);
    if (state.languages !== null && sameLanguages(state.languages, languages)) return [];
    return [{ type: 'MentorLanguagesSet', data: { mentorId: actor.userId, languages, setAt: now } }];
  },
  evolve: (_state, event) => ({ languages: event.data.languages }),
};
