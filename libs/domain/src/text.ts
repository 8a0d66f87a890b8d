/** Characters as people count them: code points, so an emoji is one, not two UTF-16 units. */
export const charCount = (text: string): number => [...text].length;

/** A UTF-16 half of a pair without its other half: not text (PostgreSQL's JSONB refuses it, as it refuses NUL). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text every store keeps as it is: no NUL character, no lone surrogate. */
export const isStorableText = (text: string): boolean => !text.includes('\u0000') && !LONE_SURROGATE.test(text);
