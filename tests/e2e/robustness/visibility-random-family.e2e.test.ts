import { describeRandomStories, type CommandStep, type Random, type Step, type World } from '../../support/random-stories';
import type { Cast } from '../../support/visibility-oracle';

/*
 * Who sees what of family sessions, over random stories (the harness: tests/support/random-stories.ts). Clinicians
 * schedule sessions for participants and move them; the host, clinicians and the participant invite family and revoke
 * invites; family members redeem codes over HTTP and join the story as guests with their own tokens (some codes twice,
 * some revoked); staff admit guests, turn them away, tell the lobby a word and end sessions; the participant, the host
 * and admitted guests talk in the session's room (now and then in crisis words, held for the host and the clinicians
 * on call, or every clinician while none is), react, report, and the host moderates and acts on alerts; clinicians go on
 * and off call; the clock moves so that
 * invites are reminded of before a session, and a host who is away is told that family waits (the push gateway's
 * notices, against the rules). Compared as the harness does (live, coming back, catch-up, sync, no INTERNAL, read
 * models, notices). Late in a story the clock also moves on by hours, now and then by three days: sessions nobody
 * ended end an hour past their end, invites nobody redeemed expire with their session or after their 72 hours (a
 * session scheduled days ahead), and a code redeemed after that is refused. (Only late: hours make what waits stale,
 * and the first part of a story is where people away are told of it.) Guests stay connected past their session's end:
 * a guest token runs out on the real clock, not the test clock the story moves (identity tests cover its end).
 */

const CAST: Cast = {
  alice: 'participant',
  bob: 'participant',
  'dr-kim': 'clinician', // schedules, so hosts
  'dr-lee': 'clinician',
  ada: 'admin',
  fran: 'facilitator', // staff, but nothing of family sessions is theirs
  mia: 'mentor',
  gran: 'family', // a family login of a session that does not exist: receives nothing
};
const USERS = Object.keys(CAST);
const PARTICIPANTS = USERS.filter((u) => CAST[u] === 'participant');
const CLINICIANS = USERS.filter((u) => CAST[u] === 'clinician');
const OVERSEERS = USERS.filter((u) => CAST[u] === 'clinician' || CAST[u] === 'admin');
const NO_ID = '00000000-0000-4000-8000-000000000000';
const LABELS = ['Mom', 'Dad', 'Sister', 'Grandpa'];
const WORDS = ['glad you came', 'it has been a hard month', 'we are proud of you', 'can we talk about weekends', 'thank you'];
const CRISIS = ['I want to kill myself tonight', 'I took all my pills'];

interface FamilyWorld extends World {
  sessions: { sessionId: string; participantId: string; hostId: string; roomId: string; ended: boolean }[];
  invites: { sessionId: string; inviteId: string; code: string; expiresAt: string; redeemed: boolean }[];
  guests: { sessionId: string; guestId: string; admitted: boolean; removed: boolean }[];
  messages: Map<string, { messageId: string; authorId: string }[]>;
  reports: Map<string, string[]>;
  alerts: { alertId: string; sessionId: string }[];
  /** steps drawn so far: past LATE_FROM, hours and days pass */
  turns: number;
}

const LATE_FROM = 170;

function nextStep(r: Random, w: FamilyWorld): Step {
  const late = ++w.turns > LATE_FROM;
  const going = w.sessions.filter((s) => !s.ended);
  const session = () =>
    going.length && r.chance(0.85)
      ? r.one(going)
      : w.sessions.length && r.chance(0.8)
        ? r.one(w.sessions)
        : { sessionId: NO_ID, participantId: r.one(PARTICIPANTS), hostId: 'dr-kim', roomId: NO_ID, ended: false };
  const everyone = () => [...USERS, ...w.guests.map((g) => g.guestId)];
  const staffOf = (s: { hostId: string }) => (r.chance(0.6) ? s.hostId : r.chance(0.8) ? r.one(OVERSEERS) : r.one(everyone()));
  const times = (fromNowHours: number) => {
    const startsAt = Date.now() + w.clockMs + fromNowHours * 3600_000;
    return { startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + 3600_000).toISOString() };
  };
  const membersOf = (s: { sessionId: string; participantId: string; hostId: string }) => [
    s.participantId,
    s.hostId,
    ...w.guests.filter((g) => g.sessionId === s.sessionId && g.admitted && !g.removed).map((g) => g.guestId),
  ];
  const choices: [number, () => Step][] = [
    [1, () => ({ clock: r.one([600_000, 1_200_000, 1_800_000]) })],
    // late: hours, so that sessions run out, and now and then three days, past an invite's 72 hours
    [late ? 2 : 0, () => ({ clock: r.chance(0.25) ? 73 * 3600_000 : r.one([2, 3]) * 3600_000 })],
    [3, () => ({
      actor: r.chance(0.85) ? r.one(OVERSEERS) : r.one(USERS),
      message: 'family.schedule',
      payload: { participantId: r.one(PARTICIPANTS), title: 'Family session', ...times(late && r.chance(0.3) ? 80 : r.one([2.5, 3, 4])) },
    })],
    [1, () => {
      const s = session();
      return { actor: staffOf(s), message: 'family.reschedule', payload: { sessionId: s.sessionId, ...times(r.one([2.5, 3.5])) } };
    }],
    [5, () => {
      const s = session();
      return { actor: r.chance(0.4) ? s.participantId : staffOf(s), message: 'family.invite', payload: { sessionId: s.sessionId, inviteeLabel: r.one(LABELS) } };
    }],
    [1, () => {
      const invite = w.invites.length ? r.one(w.invites) : { sessionId: NO_ID, inviteId: NO_ID };
      const s = w.sessions.find((x) => x.sessionId === invite.sessionId) ?? session();
      return { actor: staffOf(s), message: 'family.revokeInvite', payload: { sessionId: invite.sessionId, inviteId: invite.inviteId } };
    }],
    [5, () => {
      const unused = w.invites.filter((i) => !i.redeemed);
      // late, now and then a code whose time is up (the app must refuse it and store nothing)
      const expired = late ? unused.filter((i) => Date.parse(i.expiresAt) <= Date.now() + w.clockMs) : [];
      if (expired.length && r.chance(0.5)) return { redeem: r.one(expired).code };
      const invite = unused.length && r.chance(0.85) ? r.one(unused) : w.invites.length ? r.one(w.invites) : undefined;
      return invite ? { redeem: invite.code } : { redeem: 'not-a-code' };
    }],
    [4, () => {
      const waiting = w.guests.filter((g) => !g.admitted && !g.removed);
      const guest = waiting.length && r.chance(0.85) ? r.one(waiting) : w.guests.length ? r.one(w.guests) : { sessionId: NO_ID, guestId: 'family-nobody' };
      const s = w.sessions.find((x) => x.sessionId === guest.sessionId) ?? session();
      return { actor: staffOf(s), message: 'family.admit', payload: { sessionId: guest.sessionId, guestId: guest.guestId } };
    }],
    [1, () => {
      const guest = w.guests.length ? r.one(w.guests) : { sessionId: NO_ID, guestId: 'family-nobody' };
      const s = w.sessions.find((x) => x.sessionId === guest.sessionId) ?? session();
      return { actor: staffOf(s), message: 'family.removeGuest', payload: { sessionId: guest.sessionId, guestId: guest.guestId } };
    }],
    [2, () => {
      const s = session();
      return { actor: staffOf(s), message: 'family.tellLobby', payload: { sessionId: s.sessionId, text: 'running ten minutes late' } };
    }],
    [1, () => {
      const s = session();
      return { actor: staffOf(s), message: 'family.end', payload: { sessionId: s.sessionId } };
    }],
    [7, () => {
      const s = session();
      const members = membersOf(s);
      return { actor: r.chance(0.9) ? r.one(members) : r.one(everyone()), message: 'rooms.post', payload: { roomId: s.roomId, text: r.chance(0.05) ? r.one(CRISIS) : `${r.one(WORDS)} (${w.head})` } };
    }],
    [2, () => {
      const s = session();
      const messages = w.messages.get(s.roomId) ?? [];
      return { actor: r.one(membersOf(s)), message: 'rooms.react', payload: { roomId: s.roomId, messageId: messages.length ? r.one(messages).messageId : NO_ID, emoji: '💙' } };
    }],
    [1, () => {
      const s = session();
      const messages = w.messages.get(s.roomId) ?? [];
      const message = messages.length ? r.one(messages) : { messageId: NO_ID, authorId: s.hostId };
      const others = membersOf(s).filter((u) => u !== message.authorId);
      return { actor: others.length ? r.one(others) : s.participantId, message: 'rooms.report', payload: { roomId: s.roomId, messageId: message.messageId, reason: 'that was unkind' } };
    }],
    [1, () => {
      const s = session();
      const reports = w.reports.get(s.roomId) ?? [];
      return { actor: staffOf(s), message: 'rooms.resolveReport', payload: { roomId: s.roomId, reportId: reports.length ? r.one(reports) : NO_ID, outcome: 'no_action', note: 'talked after the session' } };
    }],
    [1, () => {
      const s = session();
      const userId = r.one(membersOf(s).filter((u) => u !== s.hostId));
      return r.chance(0.7)
        ? { actor: staffOf(s), message: 'rooms.mute', payload: { roomId: s.roomId, userId, durationSeconds: 600, reason: 'a moment to cool down' } }
        : { actor: staffOf(s), message: 'rooms.unmute', payload: { roomId: s.roomId, userId } };
    }],
    [1, () => {
      const s = session();
      const messages = w.messages.get(s.roomId) ?? [];
      return { actor: staffOf(s), message: 'rooms.redact', payload: { roomId: s.roomId, messageId: messages.length ? r.one(messages).messageId : NO_ID, reason: 'named a third person' } };
    }],
    [1, () => {
      const alert = w.alerts.length ? r.one(w.alerts) : { alertId: NO_ID, sessionId: NO_ID };
      const s = w.sessions.find((x) => x.sessionId === alert.sessionId) ?? session();
      return { actor: staffOf(s), message: 'safety.acknowledge', payload: { alertId: alert.alertId } };
    }],
    [1, () => {
      // a clinician goes on or off call (or an admin takes one off): then only those on call, and the host, are alerted
      const clinician = r.one(CLINICIANS);
      return r.chance(0.8) ? { actor: clinician, message: 'safety.setOnCall', payload: { onCall: r.chance(0.5) } } : { actor: 'ada', message: 'safety.setOnCall', payload: { onCall: false, userId: clinician } };
    }],
    [1, () => {
      const alert = w.alerts.length ? r.one(w.alerts) : { alertId: NO_ID, sessionId: NO_ID };
      const s = w.sessions.find((x) => x.sessionId === alert.sessionId) ?? session();
      const outcome = r.one(['released', 'kept_held', 'followed_up_privately']);
      return { actor: staffOf(s), message: 'safety.resolve', payload: { alertId: alert.alertId, outcome, note: 'spoke with the family after' } };
    }],
  ];
  return r.weighted(choices);
}

function learn(w: FamilyWorld, step: CommandStep, data: any): void {
  const p = step.payload as Record<string, string>;
  if (step.message === 'family.schedule' && data?.sessionId) w.sessions.push({ sessionId: data.sessionId, participantId: p.participantId, hostId: step.actor, roomId: data.roomId, ended: false });
  const session = w.sessions.find((s) => s.sessionId === p.sessionId);
  if (step.message === 'family.end' && session) session.ended = true;
  if (step.message === 'family.invite' && data?.code) w.invites.push({ sessionId: p.sessionId, inviteId: data.inviteId, code: data.code, expiresAt: data.expiresAt, redeemed: false });
  if (step.message === 'family.redeem') {
    const invite = w.invites.find((i) => i.code === p.code)!;
    invite.redeemed = true;
    w.guests.push({ sessionId: data.sessionId, guestId: data.guestId, admitted: false, removed: false });
  }
  const guest = w.guests.find((g) => g.guestId === p.guestId);
  if (step.message === 'family.admit' && guest) guest.admitted = true;
  if (step.message === 'family.removeGuest' && guest) guest.removed = true;
  if (step.message === 'rooms.post' && data?.messageId && !data.held) w.messages.set(p.roomId, [...(w.messages.get(p.roomId) ?? []), { messageId: data.messageId, authorId: step.actor }]);
  const inSession = w.sessions.find((s) => s.roomId === p.roomId);
  if (data?.alertId && inSession) w.alerts.push({ alertId: data.alertId, sessionId: inSession.sessionId });
  if (step.message === 'rooms.report' && data?.reportId) w.reports.set(p.roomId, [...(w.reports.get(p.roomId) ?? []), data.reportId]);
}

describeRandomStories<FamilyWorld>({
  title: 'who sees what of family sessions over random stories',
  cast: CAST,
  // nobody on call by configuration: a session's alerts go to its host and every clinician until one goes on call
  onCall: [],
  // family members redeem from devices of their own, told apart by X-Forwarded-For (at most 10 a minute per address)
  env: { TRUST_PROXY: '1' },
  streams: /^(?:(room|safety|session|person|notice-preferences)-|on-call$)/,
  notices: { afterSeconds: 60 },
  people: { admin: 'ada', subjects: USERS.filter((u) => u !== 'ada' && CAST[u] !== 'family') },
  seeds: [7, 1, 11],
  steps: 250,
  maxClockMs: 100 * 3600_000,
  mustProduce: [
    'FamilySessionScheduled', 'FamilySessionRescheduled', 'FamilyInviteIssued', 'FamilyInviteRevoked', 'FamilyInviteUnusedBeforeSession', 'FamilyInviteExpired',
    'FamilyInviteRedeemed', 'FamilyGuestAdmitted', 'FamilyGuestRemoved', 'FamilyLobbyNoticeSent', 'FamilySessionEnded', 'FamilySessionEnded (system)',
    'FamilySessionRoomOpened', 'MemberJoined', 'MemberRemoved', 'RoomArchived', 'MessagePosted', 'ReactionAdded', 'MessageReported',
    'ReportResolved', 'MemberMuted', 'MessageRedacted', 'SafetyAlertRaised', 'SafetyAlertAcknowledged', 'SafetyAlertResolved',
    'PersonalDataErased', 'AccessSuspended', 'AccessReinstated',
    'NoticePreferencesSet', 'OfflineNoticeAttempted', 'OfflineNoticeSent', 'OfflineNoticeFailed', 'OnCallStarted', 'OnCallEnded',
  ],
  setup: async (_live, _r, head) => ({ head, sessions: [], invites: [], guests: [], messages: new Map(), reports: new Map(), alerts: [], turns: 0 }),
  next: nextStep,
  learn,
});
