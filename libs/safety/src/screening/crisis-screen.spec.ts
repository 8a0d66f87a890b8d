import { createCrisisScreen, validateCrisisList } from './crisis-screen';
import { DEFAULT_CRISIS_LIST } from './default-crisis-phrases';

describe('the crisis screen with the default list', () => {
  const screen = createCrisisScreen(DEFAULT_CRISIS_LIST);

  it.each([
    ['I want to kill myself', 'suicide'],
    ['i WANT to KILL MYSELF', 'suicide'],
    ['k i l l   m y s e l f tonight', 'suicide'],
    ['kill.my-self', 'suicide'],
    ["honestly everyone would be better off dead without me", 'suicide'],
    ['I keep cutting myself again', 'self_harm'],
    ['thinking about taking all of my pills', 'overdose'],
    ['I took a bunch of my meds', 'overdose'],
    ['maybe an OVERDOSE would fix it', 'overdose'],
    // written to slip past a filter: invisible characters inside words, marks, blank fillers, look-alikes, digits
    ['plan\u200Bning to end it', 'suicide'],
    ['cut\u00ADting my wrists', 'self_harm'],
    ['I to\u200Cok all of my pills', 'overdose'],
    ['go\u0300ing to end it', 'suicide'],
    ['kill\u3164myself', 'suicide'],
    ['kill\uFFA0myself', 'suicide'],
    ['k\u0456ll mys\u0435lf', 'suicide'],
    ['ᴋɪʟʟ ᴍʏꜱᴇʟꜰ', 'suicide'],
    ['k1ll mys3lf', 'suicide'],
    ['ｋｉｌｌ ｍｙｓｅｌｆ', 'suicide'],
  ])('flags %j as %s', (text, category) => {
    expect(screen(text)).toEqual({ flagged: true, categories: expect.arrayContaining([category]) });
  });

  it.each(['I had a good day at group', 'my therapist said the skills are working', 'I finished my medication course', 'see you on Tuesday'])(
    'lets %j through',
    (text) => expect(screen(text)).toEqual({ flagged: false, categories: [] }),
  );
});

describe('a clinic list', () => {
  it('replaces the default phrases and patterns', () => {
    const screen = createCrisisScreen(validateCrisisList({ phrases: { suicide: ['red flag phrase'] }, patterns: { overdose: ['\\bten pills\\b'] } }));
    expect(screen('this is a RED  flag   phrase').flagged).toBe(true);
    expect(screen('I took ten pills').categories).toEqual(['overdose']);
    expect(screen('I want to kill myself').flagged).toBe(false);
  });

  it('refuses a malformed list or an invalid pattern at start-up', () => {
    expect(() => validateCrisisList({ words: [] })).toThrow(/phrases/);
    expect(() => validateCrisisList({ phrases: { suicide: [1] } })).toThrow(/list of strings/);
    expect(() => validateCrisisList({ phrases: {}, patterns: { suicide: ['(unclosed'] } })).toThrow();
  });
});
