import type { TestClient } from '../../support/sockets';
import { describeRandomStories, type CommandStep, type Random, type Step, type World } from '../../support/random-stories';
import { hiddenNowIn, mentorOffersNowIn, type Cast } from '../../support/visibility-oracle';
import type { LoggedEvent } from '../../support/event-log';
import { command, createRoom, httpGet } from '../rooms/rooms-helpers';

/*
 * Who sees what of mentor pairing, over random stories (the harness: tests/support/random-stories.ts). Participants
 * ask for mentors in several languages, cancel, are rematched, give feedback; mentors take up languages, step away and
 * come back (by hand or when their `until` comes), cap their pairs, accept and decline; either side hides the other;
 * pairs talk in their rooms (now and then in crisis words, held for the clinicians on call), report each other, and
 * clinicians moderate them and act on alerts; the clock moves so that requests go
 * unanswered and expire. The mentors are noted at their first connection (MentorSeen, to nobody) and set their
 * languages from the start, and people are away more often than in the other audits, so that the push gateway is told of requests a
 * mentor away may take, pair rooms opened and messages waiting. Besides the harness's comparisons (live, catch-up,
 * sync, no INTERNAL, read models, notices), every user's `GET /mentoring/requests`.
 */

const CAST: Cast = {
  alice: 'participant',
  bob: 'participant',
  cy: 'participant',
  dee: 'participant',
  mia: 'mentor',
  milo: 'mentor',
  max: 'mentor',
  'dr-kim': 'clinician', // on call (SAFETY_ON_CALL): a held message in a pair room goes to them
  ada: 'admin',
  fran: 'facilitator', // staff, but nothing of mentoring is theirs
  gran: 'family', // a family login: receives nothing of mentoring
};
const USERS = Object.keys(CAST);
const PEOPLE = USERS.filter((u) => CAST[u] !== 'family');
const PARTICIPANTS = USERS.filter((u) => CAST[u] === 'participant');
const MENTORS = USERS.filter((u) => CAST[u] === 'mentor');
const OVERSEERS = USERS.filter((u) => CAST[u] === 'clinician' || CAST[u] === 'admin');
const NO_ID = '00000000-0000-4000-8000-000000000000';

const LANGUAGES = ['en', 'es', 'es-MX', 'fr'];
const MENTOR_LANGUAGES: string[][] = [[], ['es'], ['en'], ['en', 'fr'], ['es-MX']];
const TOPICS = ['sleep', 'cravings', 'family', 'work'];
const WORDS = ['how was today', 'the meeting helped', 'call tomorrow?', 'proud of you', 'rough night'];
const CRISIS = ['I want to kill myself tonight', 'I took all my pills'];

/** What the driver knows of its story, to pick plausible arguments (the app decides what is accepted). */
interface MentoringWorld extends World {
  requests: { requestId: string; participantId: string }[];
  pairings: { pairingId: string; participantId: string; mentorId: string; roomId: string; ended: boolean }[];
  messages: Map<string, { messageId: string; authorId: string }[]>;
  reports: Map<string, string[]>;
  hidden: { userId: string; hiddenUserId: string }[];
  alerts: string[];
}

function nextStep(r: Random, w: MentoringWorld): Step {
  const request = () => (w.requests.length && r.chance(0.85) ? r.one(w.requests) : { requestId: NO_ID, participantId: r.one(PARTICIPANTS) });
  const active = w.pairings.filter((p) => !p.ended);
  const pairing = () =>
    active.length && r.chance(0.8)
      ? r.one(active)
      : w.pairings.length && r.chance(0.8)
        ? r.one(w.pairings)
        : { pairingId: NO_ID, participantId: r.one(PARTICIPANTS), mentorId: r.one(MENTORS), roomId: NO_ID, ended: false };
  const participant = () => (r.chance(0.9) ? r.one(PARTICIPANTS) : r.one(PEOPLE));
  const mentor = () => (r.chance(0.9) ? r.one(MENTORS) : r.one(PEOPLE));
  const overseer = () => (r.chance(0.85) ? r.one(OVERSEERS) : r.one(PEOPLE));
  const pairRoom = () => {
    const p = pairing();
    return { ...p, messages: w.messages.get(p.roomId) ?? [] };
  };
  const choices: [number, () => Step][] = [
    [2, () => ({ clock: r.one([600_000, 1_200_000, 1_800_000]) })],
    [6, () => {
      const topics = [r.one(TOPICS), ...(r.chance(0.4) ? [r.one(TOPICS)] : [])];
      return { actor: participant(), message: 'mentoring.request', payload: { topics, language: r.one(LANGUAGES), availability: 'evenings', ...(r.chance(0.5) ? { note: 'new to the program' } : {}) } };
    }],
    [2, () => {
      const { requestId, participantId } = request();
      return { actor: r.chance(0.8) ? participantId : overseer(), message: 'mentoring.cancel', payload: { requestId } };
    }],
    [6, () => ({ actor: mentor(), message: 'mentoring.accept', payload: { requestId: request().requestId } })],
    [3, () => ({ actor: mentor(), message: 'mentoring.decline', payload: { requestId: request().requestId } })],
    [2, () => {
      const p = pairing();
      return { actor: r.one([p.participantId, p.mentorId, overseer()]), message: 'mentoring.end', payload: { pairingId: p.pairingId, ...(r.chance(0.5) ? { reason: 'we did what we set out to' } : {}) } };
    }],
    [2, () => {
      const p = pairing();
      return { actor: r.chance(0.7) ? p.participantId : overseer(), message: 'mentoring.rematch', payload: { pairingId: p.pairingId, ...(r.chance(0.5) ? { reason: 'not the right fit' } : {}) } };
    }],
    [1, () => {
      const p = pairing();
      return { actor: r.chance(0.8) ? p.participantId : r.one(PEOPLE), message: 'mentoring.feedback', payload: { pairingId: p.pairingId, rating: 1 + Math.floor(r.next() * 5), ...(r.chance(0.5) ? { note: 'listens well' } : {}) } };
    }],
    [2, () => ({ actor: mentor(), message: 'mentoring.setLanguages', payload: { languages: r.one(MENTOR_LANGUAGES) } })],
    [1, () => ({ actor: mentor(), message: 'mentoring.setTopics', payload: { topics: [r.one(TOPICS)] } })],
    [2, () => {
      // away until a time the story's clock may pass (the system then brings them back), or until they come back
      const until = r.chance(0.4) ? { until: new Date(Date.now() + w.clockMs + r.one([0.5, 1, 6]) * 3600_000).toISOString() } : {};
      return { actor: mentor(), message: 'mentoring.setAway', payload: r.chance(0.6) ? { away: true, ...until } : { away: false } };
    }],
    [1, () => ({ actor: mentor(), message: 'mentoring.setCapacity', payload: { pairs: r.one([1, 2, null]) } })],
    [2, () => {
      // participants hide mentors and mentors participants: both change who is offered what
      const [who, whom] = r.chance(0.5) ? [r.one(PARTICIPANTS), r.one(MENTORS)] : [r.one(MENTORS), r.one(PARTICIPANTS)];
      return { actor: who, message: 'rooms.hidePerson', payload: { userId: whom } };
    }],
    [1, () => {
      const pair = w.hidden.length ? r.one(w.hidden) : { userId: r.one(PARTICIPANTS), hiddenUserId: r.one(MENTORS) };
      return { actor: pair.userId, message: 'rooms.unhidePerson', payload: { userId: pair.hiddenUserId } };
    }],
    [6, () => {
      const p = pairRoom();
      return { actor: r.chance(0.9) ? r.one([p.participantId, p.mentorId]) : r.one(PEOPLE), message: 'rooms.post', payload: { roomId: p.roomId, text: r.chance(0.05) ? r.one(CRISIS) : `${r.one(WORDS)} (${w.head})` } };
    }],
    [2, () => {
      const p = pairRoom();
      const message = p.messages.length ? r.one(p.messages) : { messageId: NO_ID, authorId: p.participantId };
      const reporter = message.authorId === p.participantId ? p.mentorId : p.participantId;
      return { actor: reporter, message: 'rooms.report', payload: { roomId: p.roomId, messageId: message.messageId, reason: 'made me uneasy' } };
    }],
    [2, () => {
      // mostly a report that was made, in its pair's room
      const reported = [...w.reports].filter(([, ids]) => ids.length > 0);
      const p = reported.length && r.chance(0.9) ? { roomId: r.one(reported)[0] } : pairRoom();
      const reports = w.reports.get(p.roomId) ?? [];
      return { actor: overseer(), message: 'rooms.resolveReport', payload: { roomId: p.roomId, reportId: reports.length ? r.one(reports) : NO_ID, outcome: 'no_action', note: 'talked with both' } };
    }],
    [1, () => {
      const p = pairRoom();
      const userId = r.one([p.participantId, p.mentorId]);
      return r.chance(0.7)
        ? { actor: overseer(), message: 'rooms.mute', payload: { roomId: p.roomId, userId, durationSeconds: 600, reason: 'a pause for both of you' } }
        : { actor: overseer(), message: 'rooms.unmute', payload: { roomId: p.roomId, userId } };
    }],
    [1, () => {
      const p = pairRoom();
      return { actor: overseer(), message: 'rooms.redact', payload: { roomId: p.roomId, messageId: p.messages.length ? r.one(p.messages).messageId : NO_ID, reason: 'shared an address' } };
    }],
    [1, () => ({ actor: overseer(), message: 'safety.acknowledge', payload: { alertId: w.alerts.length ? r.one(w.alerts) : NO_ID } })],
    [1, () => ({
      actor: overseer(),
      message: 'safety.resolve',
      payload: { alertId: w.alerts.length ? r.one(w.alerts) : NO_ID, outcome: r.one(['released', 'kept_held', 'followed_up_privately']), note: 'called them' },
    })],
  ];
  return r.weighted(choices);
}

function learn(w: MentoringWorld, step: CommandStep, data: any): void {
  const p = step.payload as Record<string, string>;
  if ((step.message === 'mentoring.request' || step.message === 'mentoring.rematch') && data?.requestId) {
    const participantId = step.message === 'mentoring.request' ? step.actor : w.pairings.find((x) => x.pairingId === p.pairingId)!.participantId;
    w.requests.push({ requestId: data.requestId, participantId });
  }
  if (step.message === 'mentoring.accept' && data?.pairingId) {
    w.pairings.push({ pairingId: data.pairingId, participantId: data.participantId, mentorId: step.actor, roomId: data.roomId, ended: false });
    w.messages.set(data.roomId, []);
  }
  if (step.message === 'rooms.post' && data?.messageId && !data.held) w.messages.get(p.roomId)?.push({ messageId: data.messageId, authorId: step.actor });
  if (step.message === 'rooms.report' && data?.reportId) w.reports.set(p.roomId, [...(w.reports.get(p.roomId) ?? []), data.reportId]);
  if (step.message === 'rooms.hidePerson') w.hidden.push({ userId: step.actor, hiddenUserId: p.userId });
  if (data?.alertId) w.alerts.push(data.alertId);
  const ended = w.pairings.find((x) => x.pairingId === p.pairingId);
  if ((step.message === 'mentoring.end' || step.message === 'mentoring.rematch') && ended) ended.ended = true;
}

/** Each request now, from the log: who asked, in what language, whom it excludes, whether it is open, who declined it. */
function requestsNow(log: LoggedEvent[]) {
  const requests = new Map<string, { participantId: string; language: string; excludedMentors: string[]; open: boolean; declinedBy: Set<string> }>();
  for (const event of log) {
    const d = event.data;
    if (event.type === 'MentorRequested') requests.set(d.requestId, { participantId: d.participantId, language: d.language, excludedMentors: d.excludedMentors, open: true, declinedBy: new Set() });
    if (['MentorRequestCancelled', 'MentorRequestExpired', 'PairingStarted'].includes(event.type)) requests.get(d.requestId)!.open = false;
    if (event.type === 'MentorRequestDeclined') requests.get(d.requestId)!.declinedBy.add(d.mentorId);
  }
  return requests;
}

describeRandomStories<MentoringWorld>({
  title: 'who sees what of mentor pairing over random stories',
  cast: CAST,
  onCall: ['dr-kim'],
  env: { MENTOR_REQUEST_UNANSWERED_HOURS: '1', MENTOR_REQUEST_OPEN_HOURS: '2', MENTOR_MAX_ACTIVE_PAIRINGS: '2' },
  streams: /^(room|safety|hidden-people|mentee|mentor-profile|person|notice-preferences)-/,
  // a pair's two people are seldom away at the moment a wait ends: the clock moves past it more often than elsewhere
  notices: { afterSeconds: 60, tickChance: 0.08, awayChance: 0.06 },
  people: { admin: 'ada', subjects: PEOPLE.filter((u) => u !== 'ada') },
  seeds: [15, 5],
  steps: 250,
  maxClockMs: 5 * 3600_000,
  mustProduce: [
    'MentorRequested', 'MentorRequestCancelled', 'MentorRequestExpired', 'MentorRequestUnanswered', 'MentorRequestDeclined',
    'PairingStarted', 'PairingEnded', 'PairingFeedbackGiven', 'MentorLanguagesSet', 'MentorTopicsSet', 'MentorAwaySet', 'MentorCapacitySet',
    'MentorSeen', 'PairRoomOpened', 'RoomArchived', 'MessagePosted', 'MessageReported', 'ReportResolved', 'MemberMuted', 'MemberUnmuted', 'MessageRedacted',
    'PersonHidden', 'PersonUnhidden', 'SafetyAlertRaised', 'SafetyAlertAcknowledged', 'SafetyAlertResolved',
    'PersonalDataErased', 'AccessSuspended', 'AccessReinstated',
    'NoticePreferencesSet', 'OfflineNoticeAttempted', 'OfflineNoticeSent', 'OfflineNoticeFailed',
  ],
  setup: async (live: Record<string, TestClient>, _r: Random, head: number) => {
    // a group everyone is in: who may hide whom is decided among people met in a group (ROOM.PERSON_NOT_FOUND)
    const roomId = await createRoom(live.fran, { name: 'Tuesday peers', capacity: 30 });
    let last = head;
    for (const user of PEOPLE.filter((u) => u !== 'fran')) {
      const ack = await command(live[user], 'rooms.join', { roomId });
      if (ack.ok) last = Math.max(last, ack.data.position);
    }
    // languages of their own, so that requests go to some mentors and not others
    for (const [mentor, languages] of [['mia', ['en']], ['milo', ['es']], ['max', ['en', 'fr']]] as const) {
      const ack = await command(live[mentor], 'mentoring.setLanguages', { languages });
      if (ack.ok) last = Math.max(last, ack.data.position);
    }
    return { head: last, requests: [], pairings: [], messages: new Map(), reports: new Map(), hidden: [], alerts: [] };
  },
  next: nextStep,
  learn,
  checks(story) {
    it('GET /mentoring/requests: mentors the open requests offered to them now, participants their own, staff every open one', async () => {
      const played = story();
      const requests = requestsNow(played.log);
      const offers = mentorOffersNowIn(played.log);
      const hides = hiddenNowIn(played.log);
      const problems: Record<string, unknown> = {};
      for (const user of USERS) {
        const { status, body } = await httpGet(played.nodeOf(user), played.live[user], '/mentoring/requests');
        const shown = status === 200 ? (body.data as { requestId: string }[]).map((x) => x.requestId).sort() : status;
        const expected = [...requests]
          .filter(([, x]) =>
            CAST[user] === 'mentor'
              ? x.open && offers(user, x.language) && !x.excludedMentors.includes(user) && !x.declinedBy.has(user) && !hides(user, x.participantId)
              : CAST[user] === 'participant'
                ? x.participantId === user
                : OVERSEERS.includes(user) && x.open,
          )
          .map(([requestId]) => requestId)
          .sort();
        if (JSON.stringify(shown) !== JSON.stringify(expected)) problems[user] = { shown, expected };
      }
      played.failWithStory(problems);
    });
  },
});
