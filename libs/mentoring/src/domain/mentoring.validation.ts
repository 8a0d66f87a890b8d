import { requiredText } from '@haven/domain';
import type { MentorPreferences } from './mentoring.commands';
import { MentoringErrors } from './mentoring.errors';

export const MAX_TOPICS = 5;
export const MAX_TOPIC_LENGTH = 40;
export const MAX_AVAILABILITY_LENGTH = 200;
export const MAX_NOTE_LENGTH = 500;
export const MAX_REASON_LENGTH = 500;
export const MAX_FEEDBACK_NOTE_LENGTH = 500;
/** BCP 47 as clients send it: a language, then optional script/region/variant subtags */
export const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;

const text = (field: string, value: unknown, max: number): string => requiredText(field, value, max, MentoringErrors.invalid);

/** Optional free text: empty or absent is null. */
export function optionalText(field: string, value: unknown, max: number): string | null {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '') ? null : text(field, value, max);
}

/** Trimmed, deduplicated (case-insensitively) and bounded; refused rather than cut, so nobody's words are lost silently. */
export function validPreferences(input: MentorPreferences): MentorPreferences {
  if (!Array.isArray(input.topics) || input.topics.length === 0) throw MentoringErrors.invalid('topics', 'name at least one topic');
  const topics: string[] = [];
  for (const topic of input.topics.map((t) => text('topics', t, MAX_TOPIC_LENGTH))) {
    if (!topics.some((t) => t.toLowerCase() === topic.toLowerCase())) topics.push(topic);
  }
  if (topics.length > MAX_TOPICS) throw MentoringErrors.invalid('topics', `at most ${MAX_TOPICS} topics`);
  const language = typeof input.language === 'string' ? input.language.trim() : '';
  if (!LANGUAGE_TAG.test(language)) throw MentoringErrors.invalid('language', 'language must be a language tag such as "en" or "es-MX"');
  return {
    topics,
    language,
    availability: text('availability', input.availability, MAX_AVAILABILITY_LENGTH),
    note: optionalText('note', input.note, MAX_NOTE_LENGTH),
  };
}
