import type { CrisisCategory, CrisisList } from './default-crisis-phrases';

export interface ScreenResult {
  flagged: boolean;
  /** the categories that matched (never the matched words: they are not needed to route help) */
  categories: CrisisCategory[];
}

/**
 * Letters that look like Latin ones, as people use them to slip words past a filter: Cyrillic and Greek look-alikes,
 * small capitals, dotless i. Compared after lower-casing.
 */
const LOOK_ALIKES: Record<string, string> = Object.fromEntries(
  [
    ['аеорсухіјѕԁһӏкмнтв', 'aeopcyxijsdhlkmhtb'], // Cyrillic
    ['αβεικνορτυχω', 'abeikvoptuxw'], // Greek
    ['ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢıȷ', 'abcdefghijklmnoprstuvwyzij'], // small capitals, dotless i and j
  ].flatMap(([from, to]) => [...from].map((letter, i) => [letter, to[i]])),
);
/** digits and signs read as letters ("k1ll mys3lf"): screened as a second reading, beside the text as written */
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's', '!': 'i' };
/** invisible characters that show as a blank (Hangul fillers): read as a space */
const BLANK_FILLERS = /[\u115F\u1160\u3164\uFFA0]/gu;
/** marks and invisible characters (zero-width, soft hyphen, joiners, bidi controls): dropped, so words stay whole */
const MARKS_AND_INVISIBLES = /[\p{M}\p{Default_Ignorable_Code_Point}]/gu;

/** The text as read: compatibility forms (full-width, bold, circled) folded, lower case, marks and invisibles gone. */
function readings(text: string): string[] {
  const plain = [...text.normalize('NFKD').toLowerCase().replace(BLANK_FILLERS, ' ').replace(MARKS_AND_INVISIBLES, '')]
    .map((c) => LOOK_ALIKES[c] ?? c)
    .join('');
  const leet = [...plain].map((c) => LEET[c] ?? c).join('');
  return leet === plain ? [plain] : [plain, leet];
}

/** letters and digits only: "k.i l l  my-self" -> "killmyself" */
const compact = (reading: string) => reading.replace(/[^\p{L}\p{N}]+/gu, '');
/** punctuation to spaces, spaces collapsed: for the word-boundary patterns */
const spaced = (reading: string) => reading.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/**
 * The screening step every conversation runs on every message before delivery. Pure and synchronous, so it can
 * never be the reason a message is lost. Phrases match ignoring case, punctuation and spacing (also across
 * word boundaries, on purpose: a held false alarm is reviewed by staff in a minute).
 */
export function createCrisisScreen(list: CrisisList): (text: string) => ScreenResult {
  const categories = [...new Set([...Object.keys(list.phrases), ...Object.keys(list.patterns ?? {})])] as CrisisCategory[];
  const phrases = categories.map((c) => ({ category: c, needles: (list.phrases[c] ?? []).map((p) => compact(readings(p)[0])).filter((p) => p.length > 0) }));
  const patterns = categories.map((c) => ({ category: c, regexes: (list.patterns?.[c] ?? []).map((p) => new RegExp(p, 'iu')) }));
  return (text) => {
    const matched = new Set<CrisisCategory>();
    for (const reading of readings(text)) {
      const flat = compact(reading);
      const words = spaced(reading);
      for (const { category, needles } of phrases) if (needles.some((n) => flat.includes(n))) matched.add(category);
      for (const { category, regexes } of patterns) if (regexes.some((r) => r.test(words))) matched.add(category);
    }
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
