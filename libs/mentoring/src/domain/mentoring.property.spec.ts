import fc from 'fast-check';
import { DomainError, SYSTEM_ACTOR, type Actor, type Role } from '@haven/domain';
import type { MentoringCommand } from './mentoring.commands';
import { mentoringDecider } from './mentoring.decider';
import type { MentoringEvent } from './mentoring.events';
import type { MenteeState } from './mentoring.state';

// Random sequences of every mentoring command about one participant, from a mixed cast and the system, with the clock
// moving on; refusals are skipped, as the handler would. Whatever happens: one open request and one active pairing at
// a time, a request is taken at most once and only while open, never by a mentor a rematch moved away from, and only
// the system expires one, only after it was open its time, and tells of one nobody took only once, in its time, while open.

const T0 = Date.parse('2030-01-06T10:00:00.000Z');
const OPEN_FOR_SECONDS = 7 * 24 * 3600;
const UNANSWERED_AFTER_SECONDS = 24 * 3600;
const iso = (ms: number) => new Date(ms).toISOString();
const who = (userId: string, role: Role): Actor => ({ userId, role });
const alice = who('alice', 'participant');
const mentors = [who('mona', 'mentor'), who('max', 'mentor'), who('mia', 'mentor')];
const cast: Actor[] = [alice, ...mentors, who('bob', 'participant'), who('clin-1', 'clinician'), who('fac-1', 'facilitator'), { userId: 'alice', role: 'family', familySessionId: 's1' } as Actor, SYSTEM_ACTOR];
const REQUESTS = ['r1', 'r2', 'r3', 'r4', 'r5'];
const pairingOf = (requestId: string) => `p-${requestId}`;

type Kind = 'request' | 'cancel' | 'accept' | 'decline' | 'expire' | 'notice' | 'end' | 'rematch';
const WEIGHTS: Record<Kind, number> = { request: 6, cancel: 2, accept: 8, decline: 3, expire: 3, notice: 3, end: 3, rematch: 4 };
type Step = { kind: Kind; actor: number; pick: number; wait: number };
const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.oneof(...Object.entries(WEIGHTS).map(([kind, weight]) => ({ arbitrary: fc.constant(kind as Kind), weight }))),
  actor: fc.nat(99),
  pick: fc.nat(99),
  wait: fc.constantFrom(0, 0, 3600, 24 * 3600, 3 * 24 * 3600),
});

function commandOf(s: Step, now: number, n: number): MentoringCommand {
  const anyone = cast[s.actor % cast.length];
  const mentor = s.actor % 3 ? mentors[s.actor % mentors.length] : anyone;
  const owner = s.actor % 3 ? alice : anyone;
  const requestId = REQUESTS[s.pick % REQUESTS.length];
  const pairingId = pairingOf(REQUESTS[(s.pick >> 1) % REQUESTS.length]);
  const context = (by: Actor) => ({ actor: by, commandId: `c${n}`, now: iso(now) });
  const participantId = 'alice';
  const reason = s.pick % 2 ? 'not a fit' : null;
  switch (s.kind) {
    case 'request':
      return { type: 'RequestMentor', data: { participantId, requestId, topics: ['sleep'], language: 'en', availability: 'evenings', note: null, hiddenMentors: [] }, context: context(owner) };
    case 'cancel':
      return { type: 'CancelMentorRequest', data: { participantId, requestId }, context: context(owner) };
    case 'accept':
      return { type: 'AcceptMentorRequest', data: { participantId, requestId, pairingId: pairingOf(requestId), roomId: `room-${requestId}` }, context: context(mentor) };
    case 'decline':
      return { type: 'DeclineMentorRequest', data: { participantId, requestId }, context: context(mentor) };
    case 'expire':
      return { type: 'ExpireMentorRequest', data: { participantId, requestId, openForSeconds: OPEN_FOR_SECONDS }, context: context(s.actor % 4 ? SYSTEM_ACTOR : anyone) };
    case 'notice':
      return { type: 'NoticeUnansweredRequest', data: { participantId, requestId, unansweredAfterSeconds: UNANSWERED_AFTER_SECONDS }, context: context(s.actor % 4 ? SYSTEM_ACTOR : anyone) };
    case 'end':
      return { type: 'EndPairing', data: { participantId, pairingId, reason }, context: context(s.actor % 2 ? mentor : owner) };
    case 'rematch':
      return { type: 'RequestRematch', data: { participantId, pairingId, requestId, reason, hiddenMentors: [] }, context: context(owner) };
  }
}

describe('mentoring invariants under random command sequences', () => {
  it('one open request and one active pairing at a time; a request taken once, while open, never by an excluded mentor; expiry is the system\'s, in time', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60, size: 'max' }), (steps) => {
        let state: MenteeState = mentoringDecider.initialState();
        let now = T0;
        const requests = new Map<string, { status: string; requestedAt: number; excluded: string[]; noticed?: boolean }>();
        const pairings = new Map<string, { active: boolean; mentorId: string }>();
        const open = () => [...requests.values()].filter((r) => r.status === 'open').length;
        const active = () => [...pairings.values()].filter((p) => p.active).length;
        steps.forEach((step, n) => {
          now += step.wait * 1000;
          const cmd = commandOf(step, now, n);
          const before = JSON.stringify(state);
          let events: MentoringEvent[] = [];
          try {
            events = mentoringDecider.decide(cmd, state);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            if (!/^(MENTORING|AUTH)\./.test(error.code)) throw new Error(`refused ${cmd.type} with ${error.code}`);
          }
          if (JSON.stringify(state) !== before) throw new Error(`decide changed the state on ${cmd.type}`);
          const by = cmd.context.actor;
          for (const event of events) {
            seen.set(event.type, (seen.get(event.type) ?? 0) + 1);
            switch (event.type) {
              case 'MentorRequested':
                if (requests.has(event.data.requestId)) throw new Error(`${event.data.requestId} requested twice`);
                requests.set(event.data.requestId, { status: 'open', requestedAt: now, excluded: event.data.excludedMentors });
                break;
              case 'MentorRequestCancelled':
              case 'MentorRequestExpired': {
                const request = requests.get(event.data.requestId);
                if (request?.status !== 'open') throw new Error(`${event.type} of a request that was not open`);
                if (event.type === 'MentorRequestExpired' && (by.userId !== SYSTEM_ACTOR.userId || now < request.requestedAt + OPEN_FOR_SECONDS * 1000)) {
                  throw new Error(`${event.data.requestId} expired early or by ${by.userId}`);
                }
                request.status = event.type === 'MentorRequestCancelled' ? 'cancelled' : 'expired';
                break;
              }
              case 'PairingStarted': {
                const request = requests.get(event.data.requestId);
                if (request?.status !== 'open') throw new Error(`${event.data.requestId} taken while ${request?.status ?? 'unknown'}`);
                if (by.role !== 'mentor' || by.userId !== event.data.mentorId || by.userId === 'alice') throw new Error(`${by.userId} took a request`);
                if (request.excluded.includes(event.data.mentorId)) throw new Error(`${event.data.mentorId} took a request that excludes them`);
                request.status = 'matched';
                pairings.set(event.data.pairingId, { active: true, mentorId: event.data.mentorId });
                break;
              }
              case 'PairingEnded': {
                const pairing = pairings.get(event.data.pairingId);
                if (!pairing?.active) throw new Error(`${event.data.pairingId} ended while not active`);
                pairing.active = false;
                break;
              }
              case 'MentorRequestUnanswered': {
                const request = requests.get(event.data.requestId);
                if (request?.status !== 'open') throw new Error(`${event.data.requestId} told unanswered while ${request?.status ?? 'unknown'}`);
                if (by.userId !== SYSTEM_ACTOR.userId || now < request.requestedAt + UNANSWERED_AFTER_SECONDS * 1000) throw new Error(`${event.data.requestId} told early or by ${by.userId}`);
                if (request.noticed) throw new Error(`${event.data.requestId} told unanswered twice`);
                request.noticed = true;
                break;
              }
              case 'MentorRequestDeclined':
                break;
            }
            state = mentoringDecider.evolve(state, event);
          }
          // a rematch asks again without the mentor it ended with
          const rematched = events.find((e) => e.type === 'PairingEnded' && e.data.rematch);
          const asked = events.find((e) => e.type === 'MentorRequested');
          if (rematched?.type === 'PairingEnded' && (asked?.type !== 'MentorRequested' || !asked.data.excludedMentors.includes(rematched.data.mentorId))) {
            throw new Error('a rematch did not exclude the mentor it moved away from');
          }
          if (open() > 1 || active() > 1) throw new Error(`${open()} open requests, ${active()} active pairings`);
        });
      }),
      { numRuns: 300, seed: 20301201 },
    );
    // the property says little if the sessions never got that far
    for (const type of ['MentorRequested', 'MentorRequestCancelled', 'MentorRequestExpired', 'MentorRequestUnanswered', 'MentorRequestDeclined', 'PairingStarted', 'PairingEnded']) {
      expect({ type, many: (seen.get(type) ?? 0) >= 20 }).toEqual({ type, many: true });
    }
  });
});
