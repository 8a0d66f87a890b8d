/** Characters as people count them: code points, so an emoji is one, not two UTF-16 units. */
export const charCount = (text: string): number => [...text].length;

/** A UTF-16 half of a pair without its other half: not text (PostgreSQL's JSONB refuses it, as it refuses NUL). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text every store keeps as it is: no NUL character, no lone surrogate. */
export const isStorableText = (text: string): boolean => !text.includes('\u0000') && !LONE_SURROGATE.test(text);

/**
 * A required piece of free text as the rules keep it: trimmed, not empty, at most `max` characters, storable. Refused
 * with the context's own error (`invalid(field, message)`), never cut, so nobody's words are lost silently.
 */
export function requiredText(field: string, value: unknown, max: number, invalid: (field: string, message: string) => Error): string {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  if (trimmed.length === 0) throw invalid(field, `${field} must not be empty`);
  if (charCount(trimmed) > max) throw invalid(field, `${field} is longer than ${max} characters`);
  if (!isStorableText(trimmed)) throw invalid(field, `${field} holds characters that are not text`);
  return trimmed;
}
