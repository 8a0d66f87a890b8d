import type { TestClient } from '../../support/sockets';
import { describeRandomStories, type CommandStep, type Random, type Step, type World } from '../../support/random-stories';
import { canonical, hiddenNowIn, historyEntryFor, onCallNowIn, PERSON_EVENT_TYPES, pick, ROOM_EVENT_TYPES, roomNow, SAFETY_EVENT_TYPES, type Cast } from '../../support/visibility-oracle';
import { command, createRoom, httpGet } from '../rooms/rooms-helpers';

/*
 * Who sees what in group rooms, over random stories (the harness: tests/support/random-stories.ts). Where
 * visibility-audit.e2e.test.ts plays one script, this plays seeded random sequences of room, moderation, hiding and
 * safety commands from a cast of every role (most of them refused: a participant banning, a post to a room one has
 * left, a report on a deleted message; that is part of the story), with the clock moving so that mutes run out and
 * alerts escalate, clinicians going on and off call (who gets alerts), group agreements set, taken away and accepted,
 * open hours, the workshop archived late in the story, people choosing whether to be shown online, and people going
 * away and coming back. Besides the harness's comparisons (live, catch-up, sync, no INTERNAL, read models), every
 * member's history and roster of each room over HTTP.
 */

const CAST: Cast = {
  fran: 'facilitator', // creates the first room
  gina: 'facilitator', // creates the second room
  hal: 'facilitator', // creates nothing; may be appointed
  'dr-mae': 'clinician', // creates the third room
  'dr-kim': 'clinician',
  'dr-oncall': 'clinician', // on call (SAFETY_ON_CALL)
  ada: 'admin',
  mia: 'mentor',
  milo: 'mentor',
  alice: 'participant',
  bob: 'participant',
  cy: 'participant',
  dee: 'participant',
  eve: 'participant',
  gran: 'family', // a family login: receives nothing of any group room
};
const USERS = Object.keys(CAST);
const PEOPLE = USERS.filter((u) => CAST[u] !== 'family');
const STAFF = PEOPLE.filter((u) => ['facilitator', 'clinician', 'admin'].includes(CAST[u]));
const PEERS = PEOPLE.filter((u) => CAST[u] === 'participant' || CAST[u] === 'mentor');
const ON_CALL = ['dr-oncall'];
const CLINICIANS = PEOPLE.filter((u) => CAST[u] === 'clinician');
const ESCALATE_AFTER_SECONDS = 900;

const WORDS = ['rough morning', 'slept better', 'three weeks today', 'cravings after work', 'walked instead', 'my sister called', 'group helped'];
const CRISIS = ['I want to kill myself tonight', 'I took all my pills', 'i keep cutting myself'];
const EMOJI = ['👍', '🎉', '💙'];

/** What the driver knows of its story, to pick plausible arguments (the app decides what is accepted). */
interface RoomsWorld extends World {
  rooms: string[];
  messages: Map<string, { messageId: string; authorId: string }[]>;
  reports: Map<string, string[]>;
  alerts: string[];
  acknowledged: { alertId: string; by: string }[];
  reactions: { roomId: string; messageId: string; userId: string; emoji: string }[];
  banned: { roomId: string; userId: string }[];
  hidden: { userId: string; hiddenUserId: string }[];
  /** who the driver believes is in each room, and facilitates it (from the acks it got) */
  members: Map<string, Set<string>>;
  facilitators: Map<string, Set<string>>;
  /** each room's agreement as the driver set it: its version (every set is one), and whether it has words now */
  agreements: Map<string, { version: number; words: boolean }>;
  /** steps drawn so far: the workshop may be archived only late in the story, when little is left to end */
  turns: number;
}

/** past this step, the workshop may be archived (the story's last sixth then refuses everything in it) */
const ARCHIVE_FROM = 250;

/**
 * open hours the driver sets: every day, all day (a window ending 23:59 runs to midnight), in one zone or another; or
 * none. A story must not hang on the hour it is played at: a room closed for a while is the scripted tests' part
 */
const OPEN_HOURS = [
  null,
  ...['Europe/Berlin', 'America/Chicago'].map((timeZone) => ({
    timeZone,
    windows: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((day) => ({ day, from: '00:00', until: '23:59' })),
  })),
];

/** One random step: who does what, with arguments drawn from the world (or the clock moving on). */
function nextStep(r: Random, w: RoomsWorld): Step {
  const roomId = r.one(w.rooms);
  const messages = w.messages.get(roomId)!;
  const someMessage = () => (messages.length ? r.one(messages).messageId : '00000000-0000-4000-8000-000000000000');
  const anyone = () => r.one(PEOPLE);
  const inRoom = [...w.members.get(roomId)!];
  const moderators = inRoom.filter((u) => w.facilitators.get(roomId)!.has(u) || CAST[u] === 'clinician' || CAST[u] === 'admin');
  // mostly those the command is for (members, moderators), sometimes anyone: refusals are part of the story
  const member = () => (inRoom.length && r.chance(0.85) ? r.one(inRoom) : anyone());
  const moderator = () => (moderators.length && r.chance(0.7) ? r.one(moderators) : r.chance(0.6) ? r.one(STAFF) : anyone());
  const target = () => (inRoom.length && r.chance(0.8) ? r.one(inRoom) : anyone());
  const room = (extra: Record<string, unknown> = {}) => ({ roomId, ...extra });
  const roll = r.next();
  w.turns++;
  if (roll < 0.02) return { clock: r.one([120_000, 600_000, 1_200_000]) };
  const agreement = w.agreements.get(roomId)!;
  const choices: [number, () => Step][] = [
    [6, () => ({ actor: anyone(), message: 'rooms.join', payload: room() })],
    [2, () => ({ actor: member(), message: 'rooms.leave', payload: room() })],
    [14, () => ({ actor: member(), message: 'rooms.post', payload: room({ text: r.chance(0.06) ? r.one(CRISIS) : `${r.one(WORDS)} (${w.head})`, ...(r.chance(0.2) && messages.length ? { replyTo: someMessage() } : {}) }) })],
    [3, () => {
      const mine = messages.length && r.chance(0.8) ? r.one(messages) : undefined;
      return { actor: mine?.authorId ?? anyone(), message: 'rooms.edit', payload: room({ messageId: mine?.messageId ?? someMessage(), text: r.chance(0.05) ? r.one(CRISIS) : `edited: ${r.one(WORDS)}` }) };
    }],
    [2, () => {
      const mine = messages.length && r.chance(0.8) ? r.one(messages) : undefined;
      return { actor: mine?.authorId ?? anyone(), message: 'rooms.delete', payload: room({ messageId: mine?.messageId ?? someMessage() }) };
    }],
    [3, () => ({ actor: member(), message: 'rooms.react', payload: room({ messageId: someMessage(), emoji: r.one(EMOJI) }) })],
    [1, () => {
      const given = w.reactions.filter((x) => x.roomId === roomId);
      const reaction = given.length && r.chance(0.8) ? r.one(given) : { userId: member(), messageId: someMessage(), emoji: r.one(EMOJI) };
      return { actor: reaction.userId, message: 'rooms.unreact', payload: room({ messageId: reaction.messageId, emoji: reaction.emoji }) };
    }],
    [4, () => ({ actor: member(), message: 'rooms.markRead', payload: room({ position: Math.max(1, w.head - Math.floor(r.next() * 5)) }) })],
    [1, () => ({ actor: member(), message: 'rooms.setReadReceiptPrivacy', payload: room({ private: r.chance(0.5) }) })],
    [1, () => ({ actor: member(), message: 'rooms.setAwayNotices', payload: room({ on: r.chance(0.5) }) })],
    [1, () => ({ actor: r.chance(0.95) ? anyone() : 'gran', message: 'notices.setPreferences', payload: { paused: r.chance(0.4) } })],
    [1, () => ({ actor: r.chance(0.95) ? anyone() : 'gran', message: 'rooms.setPresenceVisible', payload: { visible: r.chance(0.5) } })],
    [3, () => ({ actor: moderator(), message: 'rooms.mute', payload: room({ userId: target(), durationSeconds: r.one([60, 600, 3600]), reason: 'cool down for a bit' }) })],
    [1, () => ({ actor: moderator(), message: 'rooms.unmute', payload: room({ userId: target() }) })],
    [2, () => ({ actor: moderator(), message: 'rooms.warn', payload: room({ userId: target(), reason: 'please keep it kind', ...(r.chance(0.5) && messages.length ? { messageId: someMessage() } : {}) }) })],
    [2, () => ({ actor: moderator(), message: 'rooms.remove', payload: room({ userId: target(), reason: 'shared a member story outside' }) })],
    [2, () => ({ actor: moderator(), message: 'rooms.ban', payload: room({ userId: target(), reason: 'offered pills to members' }) })],
    [2, () => {
      const banned = w.banned.filter((x) => x.roomId === roomId);
      return { actor: moderator(), message: 'rooms.unban', payload: room({ userId: banned.length && r.chance(0.8) ? r.one(banned).userId : target() }) };
    }],
    [3, () => ({ actor: moderator(), message: 'rooms.redact', payload: room({ messageId: someMessage(), reason: 'promotes using' }) })],
    [3, () => ({ actor: moderator(), message: r.chance(0.6) ? 'rooms.pin' : 'rooms.unpin', payload: room({ messageId: someMessage() }) })],
    [3, () => ({ actor: member(), message: 'rooms.report', payload: room({ messageId: someMessage(), reason: 'felt dismissed' }) })],
    [2, () => {
      const reports = w.reports.get(roomId)!;
      const reportId = reports.length ? r.one(reports) : '00000000-0000-4000-8000-000000000000';
      return { actor: moderator(), message: 'rooms.resolveReport', payload: room({ reportId, outcome: r.one(['no_action', 'message_redacted']), note: 'talked it over' }) };
    }],
    [2, () => ({ actor: moderator(), message: 'rooms.appointFacilitator', payload: room({ userId: target() }) })],
    [2, () => ({ actor: moderator(), message: 'rooms.removeFacilitator', payload: room({ userId: target() }) })],
    [1, () => {
      const outside = PEOPLE.filter((u) => !inRoom.includes(u));
      return { actor: moderator(), message: 'rooms.invite', payload: room({ userId: outside.length && r.chance(0.8) ? r.one(outside) : target() }) };
    }],
    [2, () => ({ actor: moderator(), message: 'rooms.changeJoinRule', payload: room({ joinRule: r.one(['open', 'open', 'invite_only']) }) })],
    [2, () => ({ actor: moderator(), message: r.chance(0.5) ? 'rooms.lock' : 'rooms.unlock', payload: room({ reason: 'a short break' }) })],
    [2, () => ({ actor: moderator(), message: 'rooms.setSlowMode', payload: room({ intervalSeconds: r.one([0, 0, 30]) }) })],
    // an agreement asks every member again, so it is set seldom, taken away as often, and accepted readily (now and
    // then at a version that is not the current one)
    [0.6, () => ({ actor: moderator(), message: 'rooms.setAgreement', payload: room(agreement.words && r.chance(0.5) ? { text: null } : { text: `what is said here stays here (${w.head})` }) })],
    [agreement.words ? 4 : 0.3, () => ({ actor: member(), message: 'rooms.acceptAgreement', payload: room({ version: Math.max(1, agreement.version - (r.chance(0.15) ? 1 : 0)) }) })],
    [0.5, () => ({ actor: moderator(), message: 'rooms.setOpenHours', payload: room({ openHours: r.one(OPEN_HOURS) }) })],
    [w.turns > ARCHIVE_FROM && roomId === w.rooms[2] ? 2 : 0, () => ({ actor: moderator(), message: 'rooms.archive', payload: room() })],
    [1, () => (r.chance(0.5) ? { actor: moderator(), message: 'rooms.rename', payload: room({ name: `Group ${w.head}` }) } : { actor: moderator(), message: 'rooms.changeTopic', payload: room({ topic: `topic ${w.head}` }) })],
    [2, () => ({ actor: r.one(PEERS), message: 'rooms.hidePerson', payload: { userId: r.chance(0.8) ? r.one(PEERS) : target() } })],
    [1, () => {
      const pair = w.hidden.length && r.chance(0.8) ? r.one(w.hidden) : { userId: r.one(PEERS), hiddenUserId: target() };
      return { actor: pair.userId, message: 'rooms.unhidePerson', payload: { userId: pair.hiddenUserId } };
    }],
    [1, () => ({ actor: anyone(), message: 'safety.helpNow', payload: { conversationKind: 'room', conversationId: roomId } })],
    [2, () => ({ actor: r.one(STAFF), message: 'safety.acknowledge', payload: { alertId: w.alerts.length ? r.one(w.alerts) : '00000000-0000-4000-8000-000000000000' } })],
    [3, () => {
      // mostly by whoever acknowledged it (an alert is resolved once acknowledged)
      const taken = w.acknowledged.length && r.chance(0.7) ? r.one(w.acknowledged) : { alertId: w.alerts.length ? r.one(w.alerts) : '00000000-0000-4000-8000-000000000000', by: r.one(STAFF) };
      const outcome = r.one(['released', 'kept_held', 'followed_up_privately']);
      return { actor: taken.by, message: 'safety.resolve', payload: { alertId: taken.alertId, outcome, note: 'called them' } };
    }],
    [2, () => {
      // shifts change: a clinician goes on or off call, or an admin takes one off (sometimes someone who may not)
      const clinician = r.one(CLINICIANS);
      const onCall = r.chance(0.55);
      return r.chance(0.75)
        ? { actor: clinician, message: 'safety.setOnCall', payload: { onCall } }
        : { actor: r.chance(0.6) ? 'ada' : anyone(), message: 'safety.setOnCall', payload: { onCall, userId: clinician } };
    }],
  ];
  return r.weighted(choices);
}

/** Learns what an accepted command made: messages, reports, alerts. */
function learn(w: RoomsWorld, step: CommandStep, data: any): void {
  const roomId = step.payload.roomId as string;
  if (step.message === 'rooms.post' && data?.messageId && !data.held) w.messages.get(roomId)!.push({ messageId: data.messageId, authorId: step.actor });
  if (step.message === 'rooms.report' && data?.reportId) w.reports.get(roomId)!.push(data.reportId);
  const p = step.payload as Record<string, string>;
  if (step.message === 'safety.acknowledge') w.acknowledged.push({ alertId: p.alertId, by: step.actor });
  if (step.message === 'rooms.react') w.reactions.push({ roomId, messageId: p.messageId, userId: step.actor, emoji: p.emoji });
  if (step.message === 'rooms.ban') w.banned.push({ roomId, userId: p.userId });
  if (step.message === 'rooms.hidePerson') w.hidden.push({ userId: step.actor, hiddenUserId: p.userId });
  if (step.message === 'rooms.join') w.members.get(roomId)!.add(step.actor);
  if (step.message === 'rooms.leave') w.members.get(roomId)!.delete(step.actor);
  if (step.message === 'rooms.remove' || step.message === 'rooms.ban') w.members.get(roomId)!.delete(step.payload.userId as string);
  if (step.message === 'rooms.appointFacilitator') w.facilitators.get(roomId)!.add(step.payload.userId as string);
  if (step.message === 'rooms.removeFacilitator') w.facilitators.get(roomId)!.delete(step.payload.userId as string);
  if (step.message === 'rooms.setAgreement') {
    const agreement = w.agreements.get(roomId)!;
    const words = step.payload.text !== null;
    // none appended when there was nothing to take away
    if (words || agreement.words) w.agreements.set(roomId, { version: agreement.version + 1, words });
  }
  if (data?.alertId) w.alerts.push(data.alertId);
}


/** Three group rooms, one of each kind, and most people in most of them: a story of refusals alone would show little. */
async function setup(live: Record<string, TestClient>, r: Random, head: number): Promise<RoomsWorld> {
  const rooms = [
    await createRoom(live.fran, { name: 'Tuesday peers', kind: 'peer_support', capacity: 30 }),
    await createRoom(live.gina, { name: 'Thursday IOP group', kind: 'group_therapy', capacity: 30 }),
    await createRoom(live['dr-mae'], { name: 'Coping skills workshop', kind: 'workshop', capacity: 30 }),
  ];
  const creators = ['fran', 'gina', 'dr-mae'];
  const w: RoomsWorld = {
    head,
    clockMs: 0,
    rooms,
    messages: new Map(rooms.map((id) => [id, []])),
    reports: new Map(rooms.map((id) => [id, []])),
    alerts: [],
    acknowledged: [],
    reactions: [],
    banned: [],
    hidden: [],
    members: new Map(rooms.map((id, i) => [id, new Set([creators[i]])])),
    facilitators: new Map(rooms.map((id, i) => [id, new Set([creators[i]])])),
    agreements: new Map(rooms.map((id) => [id, { version: 0, words: false }])),
    turns: 0,
  };
  for (const roomId of rooms)
    for (const user of PEOPLE)
      if (!w.members.get(roomId)!.has(user) && r.chance(0.6)) {
        const ack = await command(live[user], 'rooms.join', { roomId });
        if (ack.ok) learn(w, { actor: user, message: 'rooms.join', payload: { roomId } }, ack.data);
      }
  return w;
}

describeRandomStories<RoomsWorld>({
  title: 'who sees what in group rooms over random stories',
  cast: CAST,
  onCall: ON_CALL,
  env: { SAFETY_ESCALATE_AFTER_SECONDS: String(ESCALATE_AFTER_SECONDS) },
  streams: /^(?:(room|safety|hidden-people|person|notice-preferences|presence)-|on-call$)/,
  seeds: [3, 2, 10],
  steps: 300,
  maxClockMs: 3 * 3600_000,
  mustProduce: [...ROOM_EVENT_TYPES, ...SAFETY_EVENT_TYPES, ...PERSON_EVENT_TYPES, 'PersonHidden', 'PersonUnhidden', 'NoticePreferencesSet', 'PresenceVisibilitySet', 'OfflineNoticeAttempted', 'OfflineNoticeSent', 'OfflineNoticeFailed', 'OnCallStarted', 'OnCallEnded'].filter(
    (type) => !['PairRoomOpened', 'FamilySessionRoomOpened'].includes(type),
  ),
  people: { admin: 'ada', subjects: PEOPLE.filter((u) => u !== 'ada') },
  notices: { afterSeconds: 60 },
  setup,
  next: nextStep,
  learn,
  checks(story) {
    it('history and roster over HTTP: members only, in their time, without what they hide or may not read', async () => {
      const played = story();
      const hides = hiddenNowIn(played.log);
      const problems: Record<string, unknown> = {};
      for (const roomId of played.world.rooms) {
        const now = roomNow(played.log, roomId);
        for (const user of USERS) {
          const reader = played.live[user];
          const messages = await httpGet(played.nodeOf(user), reader, `/rooms/${roomId}/messages?limit=200`);
          const roster = await httpGet(played.nodeOf(user), reader, `/rooms/${roomId}/members`);
          if (!now.room.members.has(user)) {
            if (messages.status !== 403 || roster.status !== 403) problems[`${user} in ${roomId}`] = { messages: messages.status, roster: roster.status };
            continue;
          }
          const moderator = now.moderators.includes(user);
          const peer = CAST[user] === 'participant' || CAST[user] === 'mentor';
          const inTheirTime = (position: number) => now.periods.get(user)!.some(([from, to]) => position >= from && position < to);
          const byPosition = (a: any, b: any) => a.position - b.position;
          const expected = now.messages
            .filter((m) => moderator || inTheirTime(m.position))
            .filter((m) => moderator || !peer || !hides(user, m.authorId))
            .map((m) => historyEntryFor(m, moderator))
            .sort(byPosition)
            .map(canonical);
          const fields = ['messageId', 'position', 'authorId', 'text', 'contentWarning', 'deleted', 'redacted', 'redaction'];
          const shown = (messages.body.data as Record<string, unknown>[]).map((m) => pick(m, fields)).sort(byPosition).map(canonical);
          if (JSON.stringify(shown) !== JSON.stringify(expected)) problems[`${user} reads ${roomId}`] = { shown, expected };
          const rosterShown = (roster.body.data as { userId: string; moderator: boolean }[]).map((m) => `${m.userId}${m.moderator ? '*' : ''}`).sort();
          const rosterExpected = [...now.room.members.keys()].map((u) => `${u}${now.moderators.includes(u) ? '*' : ''}`).sort();
          if (JSON.stringify(rosterShown) !== JSON.stringify(rosterExpected)) problems[`${user} lists ${roomId}`] = { rosterShown, rosterExpected };
        }
      }
      played.failWithStory(problems);
    });

    it('GET /safety/on-call: staff see who gets alerts now (SAFETY_ON_CALL, then who went on call, earliest first), others 403', async () => {
      const played = story();
      const wentOnCall = onCallNowIn(played.log);
      const expected = {
        clinicians: [
          ...ON_CALL.map((userId) => ({ userId, since: null as string | null })),
          ...[...wentOnCall].filter(([userId]) => !ON_CALL.includes(userId)).sort((a, b) => a[1].localeCompare(b[1])).map(([userId, since]) => ({ userId, since })),
        ],
        everyClinician: false,
      };
      const problems: Record<string, unknown> = {};
      for (const user of USERS) {
        const { status, body } = await httpGet(played.nodeOf(user), played.live[user], '/safety/on-call');
        const staff = STAFF.includes(user);
        if (!staff && status !== 403) problems[user] = { status, expected: 403 };
        if (staff && JSON.stringify({ status, data: body.data }) !== JSON.stringify({ status: 200, data: expected })) problems[user] = { status, shown: body.data, expected };
      }
      played.failWithStory(problems);
    });
  },
});
