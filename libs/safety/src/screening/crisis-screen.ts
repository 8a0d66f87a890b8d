import type { CrisisCategory, CrisisList } from './default-crisis-phrases';

export interface ScreenResult {
  flagged: boolean;
  /** the categories that matched (never the matched words: they are not needed to route help) */
  categories: CrisisCategory[];
}

/** letters and digits only, lower case: "K.i l l  my-self" -> "killmyself" */
const compact = (text: string) => text.toLowerCase().normalize('NFKD').replace(/[^\p{L}\p{N}]+/gu, '');
/** punctuation to spaces, spaces collapsed: for the word-boundary patterns */
const spaced = (text: string) => text.toLowerCase().normalize('NFKD').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/**
 * The screening step every conversation runs on every message before delivery. Pure and synchronous, so it can
 * never be the reason a message is lost. Phrases match ignoring case, punctuation and spacing (also across
 * word boundaries, on purpose: a held false alarm is reviewed by staff in a minute).
 */
export function createCrisisScreen(list: CrisisList): (text: string) => ScreenResult {
  const categories = [...new Set([...Object.keys(list.phrases), ...Object.keys(list.patterns ?? {})])] as CrisisCategory[];
  const phrases = categories.map((c) => ({ category: c, needles: (list.phrases[c] ?? []).map(compact).filter((p) => p.length > 0) }));
  const patterns = categories.map((c) => ({ category: c, regexes: (list.patterns?.[c] ?? []).map((p) => new RegExp(p, 'iu')) }));
  return (text) => {
    const flat = compact(text);
    const words = spaced(text);
    const matched = new Set<CrisisCategory>();
    for (const { category, needles } of phrases) if (needles.some((n) => flat.includes(n))) matched.add(category);
    for (const { category, regexes } of patterns) if (regexes.some((r) => r.test(words))) matched.add(category);
    return { flagged: matched.size > 0, categories: [...matched] };
  };
}

/** Checks a clinic's list at start-up, so a bad regex fails loudly there and not on a message. */
export function validateCrisisList(list: unknown): CrisisList {
  const candidate = list as CrisisList;
  if (!candidate || typeof candidate !== 'object' || !candidate.phrases || typeof candidate.phrases !== 'object') {
    throw new Error('crisis list must be { "phrases": { "<category>": [..] }, "patterns": { "<category>": [..] } }');
  }
  for (const [category, values] of Object.entries({ ...candidate.phrases, ...(candidate.patterns ?? {}) })) {
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) throw new Error(`crisis list: ${category} must be a list of strings`);
  }
  for (const values of Object.values(candidate.patterns ?? {})) for (const p of values) new RegExp(p, 'iu');
  return { phrases: candidate.phrases, patterns: candidate.patterns ?? ({} as CrisisList['patterns']) };
}
