import type { Actor } from '@haven/domain';
import { mentorProfileDecider, sharedTopics, speaks, type MentorProfileCommand, type MentorProfileEvent, type MentorProfileState, type SetMentorLanguages } from './mentor-profile';
import { audienceOf, mentoringAudience } from './mentoring.audience';
import type { MentoringEvent } from './mentoring.events';

const maria: Actor = { userId: 'maria', role: 'mentor' };
const set = (actor: Actor, languages: unknown, mentorId = actor.userId): SetMentorLanguages => ({
  type: 'SetMentorLanguages',
  data: { mentorId, languages: languages as string[] },
  context: { actor, commandId: 'c1', now: '2026-12-02T10:00:00.000Z' },
});
const decide = (command: MentorProfileCommand, languages: string[] | null = null, away: MentorProfileState['away'] = null, capacity: number | null = null) =>
  mentorProfileDecider.decide(command, { languages, away, capacity, known: languages !== null || away !== null || capacity !== null });
const setTopics = (actor: Actor, topics: unknown, mentorId = actor.userId): MentorProfileCommand => ({
  type: 'SetMentorTopics',
  data: { mentorId, topics: topics as string[] },
  context: { actor, commandId: 'c2', now: '2026-12-02T10:00:00.000Z' },
});

describe('a mentor Haven learns of at their first connection', () => {
  const seen = (actor: Actor, mentorId = actor.userId): MentorProfileCommand => ({
    type: 'NoteMentorSeen',
    data: { mentorId },
    context: { actor, commandId: 'c0', now: '2026-12-02T10:00:00.000Z' },
  });
  const fold = (events: MentorProfileEvent[]) => events.reduce(mentorProfileDecider.evolve, mentorProfileDecider.initialState());

  it('is noted once, while their profile holds nothing; never for someone else or by another role', () => {
    const first = mentorProfileDecider.decide(seen(maria), mentorProfileDecider.initialState());
    expect(first).toEqual([{ type: 'MentorSeen', data: { mentorId: 'maria', seenAt: '2026-12-02T10:00:00.000Z' } }]);
    expect(mentorProfileDecider.decide(seen(maria), fold(first))).toEqual([]);
    // a mentor who set anything is known already
    const languages: MentorProfileEvent = { type: 'MentorLanguagesSet', data: { mentorId: 'maria', languages: ['es'], setAt: 'T' } };
    expect(mentorProfileDecider.decide(seen(maria), fold([languages]))).toEqual([]);
    expect(() => mentorProfileDecider.decide(seen(maria, 'milo'), mentorProfileDecider.initialState())).toThrow(/each their own/);
    expect(() => mentorProfileDecider.decide(seen({ userId: 'maria', role: 'participant' }), mentorProfileDecider.initialState())).toThrow(/only mentors/);
  });
});

describe('mentor languages', () => {
  it('match by primary subtag, and a mentor who named none mentors in every language', () => {
    expect(speaks(['es'], 'es-MX')).toBe(true);
    expect(speaks(['ES-mx'], 'es')).toBe(true);
    expect(speaks(['en', 'fr'], 'es')).toBe(false);
    expect(speaks(null, 'tl')).toBe(true);
    expect(speaks([], 'tl')).toBe(true);
  });

  it('a mentor sets their own, trimmed and one per language; setting them again appends nothing', () => {
    expect(decide(set(maria, [' es-MX ', 'en', 'es']))).toEqual([
      { type: 'MentorLanguagesSet', data: { mentorId: 'maria', languages: ['es-MX', 'en'], setAt: '2026-12-02T10:00:00.000Z' } },
    ]);
    expect(decide(set(maria, ['EN', 'es-MX']), ['es-MX', 'en'])).toEqual([]);
    expect(decide(set(maria, []), ['es-MX'])).toHaveLength(1);
  });

  it('refuses anyone else, and what is not a list of language tags', () => {
    expect(() => decide(set({ userId: 'pat', role: 'participant' }, ['en']))).toThrow(expect.objectContaining({ code: 'MENTORING.FORBIDDEN' }));
    expect(() => decide(set(maria, ['en'], 'tom'))).toThrow(expect.objectContaining({ code: 'MENTORING.FORBIDDEN' }));
    for (const bad of ['en', ['english!'], [''], [42], Array.from({ length: 11 }, (_, i) => `l${String.fromCharCode(97 + i)}`)]) {
      expect(() => decide(set(maria, bad))).toThrow(expect.objectContaining({ code: 'MENTORING.INVALID_REQUEST', details: { field: 'languages' } }));
    }
  });

  it("keep a request, and what becomes of it, from the mentors of other languages; the participant and clinicians still get it", () => {
    const requested: MentoringEvent = {
      type: 'MentorRequested',
      data: { requestId: 'r1', participantId: 'pat', topics: ['sleep'], language: 'es', availability: 'evenings', note: null, excludedMentors: [], requestedAt: 'T' },
    };
    const taken: MentoringEvent = { type: 'PairingStarted', data: { pairingId: 'p1', requestId: 'r1', participantId: 'pat', mentorId: 'maria', roomId: 'x', startedAt: 'T' } };
    const tom: Actor = { userId: 'tom', role: 'mentor' };
    for (const event of [requested, taken]) {
      expect(audienceOf(tom, event, ['tom'])).toBeNull();
      expect(audienceOf(tom, event, [])).not.toBeNull();
      expect(audienceOf({ userId: 'pat', role: 'participant' }, event, ['tom'])?.form).toBe('full');
      expect(audienceOf({ userId: 'dr-kim', role: 'clinician' }, event, ['dr-kim'])?.form).toBe('full');
    }
    expect(mentoringAudience(requested, ['tom'])[1].exceptUsers).toEqual(['pat', 'tom']);
  });
});

describe('mentor topics', () => {
  it('a mentor sets their own, trimmed and once each whatever the case; an empty list clears them', () => {
    expect(decide(setTopics(maria, [' Grief ', 'sleep', 'GRIEF']))).toEqual([
      { type: 'MentorTopicsSet', data: { mentorId: 'maria', topics: ['Grief', 'sleep'], setAt: '2026-12-02T10:00:00.000Z' } },
    ]);
    expect(decide(setTopics(maria, []))).toEqual([{ type: 'MentorTopicsSet', data: { mentorId: 'maria', topics: [], setAt: '2026-12-02T10:00:00.000Z' } }]);
  });

  it('refuses anyone else, and topics that are not a list of short texts', () => {
    expect(() => decide(setTopics({ userId: 'pat', role: 'participant' }, ['sleep']))).toThrow(expect.objectContaining({ code: 'MENTORING.FORBIDDEN' }));
    expect(() => decide(setTopics(maria, ['sleep'], 'tom'))).toThrow(expect.objectContaining({ code: 'MENTORING.FORBIDDEN' }));
    for (const bad of ['sleep', [''], [42], ['x'.repeat(41)], Array.from({ length: 21 }, (_, i) => `topic ${i}`)]) {
      expect(() => decide(setTopics(maria, bad))).toThrow(expect.objectContaining({ code: 'MENTORING.INVALID_REQUEST', details: { field: 'topics' } }));
    }
  });

  it('are shared with a request case-insensitively, as the request names them; erased ones (null) share nothing', () => {
    expect(sharedTopics(['Grief', 'sleep'], ['SLEEP', 'anxiety', 'grief'])).toEqual(['SLEEP', 'grief']);
    expect(sharedTopics([null, 'sleep'], [null, 'sleep'])).toEqual(['sleep']);
    expect(sharedTopics([], ['sleep'])).toEqual([]);
  });

  it('leave the languages as they are', () => {
    const events: MentorProfileEvent[] = [
      { type: 'MentorLanguagesSet', data: { mentorId: 'maria', languages: ['es'], setAt: 'T' } },
      { type: 'MentorTopicsSet', data: { mentorId: 'maria', topics: ['sleep'], setAt: 'T' } },
    ];
    expect(events.reduce(mentorProfileDecider.evolve, mentorProfileDecider.initialState())).toEqual({ languages: ['es'], away: null, capacity: null, known: true });
  });
});

describe('a mentor away', () => {
  const now = '2026-12-02T10:00:00.000Z';
  const setAway = (actor: Actor, away: unknown, until?: unknown): MentorProfileCommand => ({
    type: 'SetMentorAway',
    data: { mentorId: actor.userId, away: away as boolean, until: until as string | null },
    context: { actor, commandId: 'c3', now },
  });
  const endAway = (until: string, at: string, actor: Actor = { userId: 'system', role: 'admin' }): MentorProfileCommand => ({
    type: 'EndMentorAway',
    data: { mentorId: 'maria', until },
    context: { actor, commandId: 'c4', now: at },
  });
  const awaySet = (away: boolean, until: string | null, setAt = now): MentorProfileEvent => ({ type: 'MentorAwaySet', data: { mentorId: 'maria', away, until, setAt } });

  it('steps back until they come back, or until a time they give (as an ISO instant); the same again appends nothing', () => {
    expect(decide(setAway(maria, true))).toEqual([awaySet(true, null)]);
    expect(decide(setAway(maria, true, '2026-12-09T09:00:00+01:00'))).toEqual([awaySet(true, '2026-12-09T08:00:00.000Z')]);
    expect(decide(setAway(maria, true), null, { until: null })).toEqual([]);
    expect(decide(setAway(maria, true, '2026-12-09T08:00:00Z'), null, { until: '2026-12-09T08:00:00.000Z' })).toEqual([]);
    expect(decide(setAway(maria, true, '2026-12-10T08:00:00Z'), null, { until: '2026-12-09T08:00:00.000Z' })).toEqual([awaySet(true, '2026-12-10T08:00:00.000Z')]);
    expect(decide(setAway(maria, false), null, { until: null })).toEqual([awaySet(false, null)]);
    expect(decide(setAway(maria, false))).toEqual([]);
  });

  it('refuses anyone else, a time past, too far or not a time, a time with away: false, and an away that is not a boolean', () => {
    expect(() => decide(setAway({ userId: 'pat', role: 'participant' }, true))).toThrow(expect.objectContaining({ code: 'MENTORING.FORBIDDEN' }));
    for (const until of ['2026-12-02T09:59:59Z', now, '2027-12-03T10:00:00Z', 'next week', 42]) {
      expect(() => decide(setAway(maria, true, until))).toThrow(expect.objectContaining({ code: 'MENTORING.INVALID_REQUEST', details: { field: 'until' } }));
    }
    expect(() => decide(setAway(maria, false, '2026-12-09T08:00:00Z'))).toThrow(expect.objectContaining({ details: { field: 'until' } }));
    expect(() => decide(setAway(maria, 'yes'))).toThrow(expect.objectContaining({ code: 'MENTORING.INVALID_REQUEST', details: { field: 'away' } }));
  });

  it('the system brings them back at the time they gave, not before, and not when they changed it since', () => {
    const until = '2026-12-09T08:00:00.000Z';
    expect(decide(endAway(until, until), null, { until })).toEqual([awaySet(false, null, until)]);
    expect(decide(endAway(until, '2026-12-09T07:59:59.000Z'), null, { until })).toEqual([]);
    expect(decide(endAway(until, until), null, { until: null })).toEqual([]);
    expect(decide(endAway(until, until), null, { until: '2026-12-10T08:00:00.000Z' })).toEqual([]);
    expect(decide(endAway(until, until), null, null)).toEqual([]);
    expect(() => decide(endAway(until, until, maria), null, { until })).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
  });

  it('is held in the state until they come back', () => {
    const fold = (events: MentorProfileEvent[]) => events.reduce(mentorProfileDecider.evolve, mentorProfileDecider.initialState());
    expect(fold([awaySet(true, '2026-12-09T08:00:00.000Z')]).away).toEqual({ until: '2026-12-09T08:00:00.000Z' });
    expect(fold([awaySet(true, null), awaySet(false, null)]).away).toBeNull();
  });
});

describe("a mentor's capacity", () => {
  const setCapacity = (actor: Actor, pairs: unknown): MentorProfileCommand => ({
    type: 'SetMentorCapacity',
    data: { mentorId: actor.userId, pairs: pairs as number | null },
    context: { actor, commandId: 'c3', now: '2026-12-02T10:00:00.000Z' },
  });
  const capacitySet = (pairs: number | null) => ({ type: 'MentorCapacitySet', data: { mentorId: 'maria', pairs, setAt: '2026-12-02T10:00:00.000Z' } });

  it('a mentor names how many they mentor at once, or null for as many as the clinic allows; the same again appends nothing', () => {
    expect(decide(setCapacity(maria, 1))).toEqual([capacitySet(1)]);
    expect(decide(setCapacity(maria, null), null, null, 1)).toEqual([capacitySet(null)]);
    expect(decide(setCapacity(maria, 2), null, null, 2)).toEqual([]);
    expect(decide(setCapacity(maria, null))).toEqual([]);
    expect(mentorProfileDecider.evolve({ languages: null, away: null, capacity: null, known: false }, capacitySet(2) as MentorProfileEvent).capacity).toBe(2);
  });

  it('refuses anyone but the mentor, and what is not a whole number from 1 to 20', () => {
    expect(() => decide(setCapacity({ userId: 'pat', role: 'participant' }, 1))).toThrow(expect.objectContaining({ code: 'MENTORING.FORBIDDEN' }));
    for (const bad of [0, 21, 1.5, -1, '2']) expect(() => decide(setCapacity(maria, bad))).toThrow(expect.objectContaining({ code: 'MENTORING.INVALID_REQUEST', details: expect.objectContaining({ field: 'pairs' }) }));
  });
});
