import { writeFileSync } from 'node:fs';
import { AppProcess, freshData, type AppData, type StoreKind } from '../../support/app-process';
import { readLog, type LoggedEvent } from '../../support/event-log';
import { closeAllClients, connect, settle, type Ack, type TestClient, type WireEvent } from '../../support/sockets';
import { describeWithPostgres } from '../../support/postgres';
import { headPosition } from '../../support/stores';
import { advanceClock } from '../../support/test-clock';
import { builtFromTheLog, dropDeployment } from '../../upgrade/upgrade-fixtures';
import { command, connectFamily, createRoom, httpGet } from '../rooms/rooms-helpers';
import { REDIS_URL } from '../scale-out-helpers';
import {
  canonical,
  compare,
  DOCUMENTED_FIELDS,
  documentedDeliveries,
  hiddenNowIn,
  historyEntryFor,
  pick,
  promisedTo,
  roomNow,
  type Cast,
  type Delivery,
  type HelpOffer,
} from '../../support/visibility-oracle';

/*
 * Who sees what, audited over random stories. Where visibility-audit.e2e.test.ts plays one script, this plays seeded
 * random sequences of room, moderation, hiding and safety commands from a cast of every role (most of them refused:
 * a participant banning, a post to a room one has left, a report on a deleted message; that is part of the story), with
 * the test clock moving now and then so that mutes run out and alerts escalate. Afterwards every live socket's events,
 * a catch-up from 0 and from a position in the story, `sync`, the message histories and rosters are compared with
 * the documentation's oracle (tests/support/visibility-oracle.ts); no command may be answered INTERNAL; and every
 * read model must equal one built from the log alone.
 *
 * A failure names its seed and prints the story's commands; `VISIBILITY_SEEDS=7,8 VISIBILITY_STEPS=400 npx jest
 * visibility-random` replays or explores more, and `VISIBILITY_STORY=/tmp/story` writes each story to a file. CI plays
 * the fixed seeds below, chosen so that between them they produce every event the oracle knows.
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
const ESCALATE_AFTER_SECONDS = 900;

const SEEDS = (process.env.VISIBILITY_SEEDS ?? '4,5,6').split(',').map(Number);
const STEPS = Number(process.env.VISIBILITY_STEPS ?? 300);
/** tokens last 8 hours on the app's clock: the story's clock stays well inside that */
const MAX_CLOCK_MS = 3 * 3600_000;

const WORDS = ['rough morning', 'slept better', 'three weeks today', 'cravings after work', 'walked instead', 'my sister called', 'group helped'];
const CRISIS = ['I want to kill myself tonight', 'I took all my pills', 'i keep cutting myself'];
const EMOJI = ['👍', '🎉', '💙'];

/** A small seeded generator (mulberry32): the same seed plays the same story. */
function randomFrom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const one = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  return { next, one, chance: (p: number) => next() < p };
}
type Random = ReturnType<typeof randomFrom>;

/** What the driver knows of its story, to pick plausible arguments (the app decides what is accepted). */
interface World {
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
  head: number;
  clockMs: number;
}

type Step = { actor: string; message: string; payload: Record<string, unknown> } | { clock: number };

/** One random step: who does what, with arguments drawn from the world (or the clock moving on). */
function nextStep(r: Random, w: World): Step {
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
  if (roll < 0.02 && w.clockMs < MAX_CLOCK_MS) return { clock: r.one([120_000, 600_000, 1_200_000]) };
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
    [1, () => ({ actor: moderator(), message: r.chance(0.5) ? 'rooms.rename' : 'rooms.changeTopic', payload: room({ name: `Group ${w.head}`, topic: `topic ${w.head}` }) })],
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
  ];
  const total = choices.reduce((sum, [weight]) => sum + weight, 0);
  let at = r.next() * total;
  for (const [weight, make] of choices) {
    if ((at -= weight) < 0) return make();
  }
  return choices[0][1]();
}

/** The payload fields each command's request class knows (a payload holding others would be refused as a whole). */
const stripUnknown = (message: string, payload: Record<string, unknown>) =>
  message === 'rooms.rename' ? pick(payload, ['roomId', 'name']) : message === 'rooms.changeTopic' ? pick(payload, ['roomId', 'topic']) : payload;

/** Learns what an accepted command made: messages, reports, alerts. */
function learn(w: World, step: Extract<Step, { actor: string }>, data: any): void {
  const roomId = step.payload.roomId as string;
  if (typeof data?.position === 'number') w.head = Math.max(w.head, data.position);
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
  if (data?.alertId) w.alerts.push(data.alertId);
}

/** One socket of a user: it resumed after `lastPosition` when the log's head was `at`, and closed at `until` (if it did). */
interface Connection {
  client: TestClient;
  lastPosition: number;
  at: number;
  until?: number;
}

interface Played {
  /** one node on SQLite; two on PostgreSQL, over one schema and one Redis */
  nodes: AppProcess[];
  /** the node a user's sockets and HTTP reads go to (users alternate between nodes) */
  nodeOf: (user: string) => AppProcess;
  /** each user's socket now (all are connected again at the end) */
  live: Record<string, TestClient>;
  /** each user's sockets in turn: people go away in the story and come back with their last position */
  connections: Record<string, Connection[]>;
  rooms: string[];
  story: string[];
  internal: string[];
  helpOffer?: HelpOffer;
  middle: number;
}

/** A socket for a user on their node, after `lastPosition` when given. */
const connectAs = (node: AppProcess, user: string, options: { lastPosition?: number } = {}) =>
  CAST[user] === 'family' ? connectFamily(node, user, 'family-session-gran', options) : connect(node, user, CAST[user], options);

async function play(data: AppData, seed: number): Promise<Played> {
  const env = { SAFETY_ON_CALL: ON_CALL.join(','), SAFETY_ESCALATE_AFTER_SECONDS: String(ESCALATE_AFTER_SECONDS), DEADLINE_POLL_MS: '100' };
  // started one after the other: both create the same read-model tables at start
  const nodes = [await AppProcess.start(data, data.store === 'postgres' ? { ...env, REDIS_URL } : env)];
  if (data.store === 'postgres') nodes.push(await AppProcess.start(data, { ...env, REDIS_URL }));
  const nodeOf = (user: string) => nodes[USERS.indexOf(user) % nodes.length];
  const app = nodes[0];
  const live: Record<string, TestClient> = {};
  const connections: Record<string, Connection[]> = {};
  for (const user of USERS) {
    live[user] = await connectAs(nodeOf(user), user);
    connections[user] = [{ client: live[user], lastPosition: 0, at: 0 }];
  }
  const away = new Map<string, number>();
  /** after the story has gone quiet (no command in flight, deadlines done), so that the head is where catch-up ends */
  const comeBack = async (user: string) => {
    await quiet(app, () => Object.values(live));
    const lastPosition = live[user].lastPosition();
    const at = await headPosition(app.url);
    live[user] = await connectAs(nodeOf(user), user, { lastPosition });
    connections[user].push({ client: live[user], lastPosition, at });
    away.delete(user);
  };
  const rooms = [
    await createRoom(live.fran, { name: 'Tuesday peers', kind: 'peer_support', capacity: 30 }),
    await createRoom(live.gina, { name: 'Thursday IOP group', kind: 'group_therapy', capacity: 30 }),
    await createRoom(live['dr-mae'], { name: 'Coping skills workshop', kind: 'workshop', capacity: 30 }),
  ];
  const creators = ['fran', 'gina', 'dr-mae'];
  const w: World = {
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
    head: await headPosition(app.url),
    clockMs: 0,
  };
  const r = randomFrom(seed);
  // most people start in most rooms: a story of refusals alone would show little
  for (const roomId of rooms)
    for (const user of PEOPLE)
      if (!w.members.get(roomId)!.has(user) && r.chance(0.6)) {
        const ack = await command(live[user], 'rooms.join', { roomId });
        if (ack.ok) learn(w, { actor: user, message: 'rooms.join', payload: { roomId } }, ack.data);
      }
  const story: string[] = [];
  const internal: string[] = [];
  let helpOffer: HelpOffer | undefined;
  let middle = 0;
  for (let i = 0; i < STEPS; i++) {
    if (i === Math.floor(STEPS / 2)) middle = await headPosition(app.url);
    for (const [user, until] of away) if (until <= i) {
      await comeBack(user);
      story.push(`${i}: ${user} is back, after position ${connections[user].at(-1)!.lastPosition}`);
    }
    if (r.chance(0.02)) {
      // someone closes the app for a while: their socket goes, and they act in nothing until they are back
      const user = r.one(USERS.filter((u) => !away.has(u)));
      await quiet(app, () => Object.values(live));
      live[user].close();
      connections[user].at(-1)!.until = await headPosition(app.url);
      away.set(user, i + 5 + Math.floor(r.next() * 40));
      story.push(`${i}: ${user} goes away`);
    }
    const step = nextStep(r, w);
    if ('actor' in step && away.has(step.actor)) {
      story.push(`${i}: (${step.actor} is away)`);
      continue;
    }
    if ('clock' in step) {
      w.clockMs += step.clock;
      for (const node of nodes) await advanceClock(node, step.clock);
      story.push(`${i}: clock +${step.clock / 1000} s`);
      await settle(250); // deadlines fall due within a poll or two
      w.head = await headPosition(app.url);
      continue;
    }
    const ack: Ack = await command(live[step.actor], step.message, stripUnknown(step.message, step.payload)).catch((error: Error) => ({
      ok: false as const,
      error: { code: 'NO_ACK', message: error.message, details: null },
    }));
    story.push(`${i}: ${step.actor} ${step.message} ${JSON.stringify(step.payload)} -> ${ack.ok ? `ok ${JSON.stringify(pick(ack.data ?? {}, ['position', 'held', 'alertId', 'reportId', 'messageId']))}` : ack.error.code}`);
    if (!ack.ok && (ack.error.code === 'INTERNAL' || ack.error.code === 'NO_ACK')) internal.push(story.at(-1)!);
    if (ack.ok) {
      learn(w, step, ack.data);
      if (ack.data?.resources && ack.data?.message) helpOffer = { message: ack.data.message, resources: ack.data.resources };
    }
  }
  for (const user of [...away.keys()]) await comeBack(user);
  return { nodes, nodeOf, live, connections, rooms, story, internal, helpOffer, middle };
}

/** Waits until no event has reached any socket for a while, and the log's head stands still. */
async function quiet(node: AppProcess, clients: () => TestClient[]): Promise<void> {
  let last = -1;
  for (let i = 0; i < 60; i++) {
    await settle(150);
    const now = (await headPosition(node.url)) * 1e6 + clients().reduce((n, c) => n + c.events.length, 0);
    if (now === last) return;
    last = now;
  }
}

const stores: StoreKind[] = ['sqlite', 'postgres'];
for (const store of stores)
  (store === 'postgres' ? describeWithPostgres : describe)(`who sees what over random stories (${store === 'sqlite' ? 'sqlite, one node' : 'postgres, two nodes'})`, () => {
    // PostgreSQL plays the first seed only (unless VISIBILITY_SEEDS names some), on two nodes (users alternate between them): delivery is the same code on
    // both stores, which differ in what they hand back; across nodes, channel moves and hiding must hold on each
    const seeds = store === 'postgres' && !process.env.VISIBILITY_SEEDS ? SEEDS.slice(0, 1) : SEEDS;
    const seen = new Set<string>();

    describe.each(seeds)('seed %i', (seed) => {
      let played: Played;
      let data: AppData;
      let log: LoggedEvent[];
      let deliveries: Delivery[];
      const copies: AppData[] = [];
      const failWithStory = (differences: unknown) => {
        if (differences && Object.keys(differences as object).length > 0)
          throw new Error(`seed ${seed}: ${JSON.stringify(differences, null, 1)}\n\nthe story:\n${played.story.join('\n')}`);
      };

      beforeAll(async () => {
        data = freshData(store);
        played = await play(data, seed);
        await quiet(played.nodes[0], () => Object.values(played.live));
        log = (await readLog(data)).filter((e) => /^(room|safety|hidden-people)-/.test(e.streamId));
        log.forEach((e) => seen.add(e.type));
        if (process.env.VISIBILITY_STORY) writeFileSync(`${process.env.VISIBILITY_STORY}-${store}-${seed}.txt`, played.story.join('\n'));
        deliveries = documentedDeliveries(log, { cast: CAST, onCall: ON_CALL, helpOffer: played.helpOffer });
      }, 180_000);

      afterAll(async () => {
        closeAllClients();
        await Promise.all(played?.nodes.map((node) => node.stop()) ?? []);
        for (const deployment of [data, ...copies]) if (deployment) await dropDeployment(deployment);
      });

      it('answers every command, accepted or refused, never INTERNAL', () => {
        failWithStory(played.internal.length ? { internal: played.internal } : {});
      });

      it('live and on coming back: every socket received exactly what the documentation gives its user, in order', () => {
        // each socket: a catch-up after its last position as the log stood when it came (the documentation's catch-up
        // of that log), then what happened live until it closed
        const received = Object.fromEntries(USERS.map((u) => [u, played.connections[u].flatMap((c) => c.client.events)]));
        const promised = Object.fromEntries(
          USERS.map((u) => [
            u,
            played.connections[u].flatMap((c) => {
              const then = documentedDeliveries(log.filter((e) => e.position <= c.at), { cast: CAST, onCall: ON_CALL, helpOffer: played.helpOffer });
              const caughtUp = promisedTo(then, CAST, 'catchUp', c.lastPosition)[u];
              const live = promisedTo(deliveries, CAST, 'live', c.at)[u].filter((e) => c.until === undefined || e.position <= c.until);
              return [...caughtUp, ...live];
            }),
          ]),
        );
        failWithStory(compare(received, promised));
      });

      it('catch-up from 0 and from the middle of the story, and sync, as the documentation gives them now', async () => {
        const caughtUp = async (lastPosition: number) => {
          const got: Record<string, WireEvent[]> = {};
          for (const user of USERS) {
            const client = await connectAs(played.nodeOf(user), user, { lastPosition });
            got[user] = [...client.events];
            client.close();
          }
          return got;
        };
        failWithStory(compare(await caughtUp(0), promisedTo(deliveries, CAST, 'catchUp')));
        failWithStory(compare(await caughtUp(played.middle), promisedTo(deliveries, CAST, 'catchUp', played.middle)));
        const synced: Record<string, WireEvent[]> = {};
        for (const user of USERS) {
          const client = await connectAs(played.nodeOf(user), user);
          const ack = await client.send('sync', { after: played.middle });
          if (!ack.ok) throw new Error(`${user}: sync refused: ${JSON.stringify(ack.error)}`);
          synced[user] = [...client.events];
          client.close();
        }
        failWithStory(compare(synced, promisedTo(deliveries, CAST, 'catchUp', played.middle)));
      });

      it('history and roster over HTTP: members only, in their time, without what they hide or may not read', async () => {
        const hides = hiddenNowIn(log);
        const problems: Record<string, unknown> = {};
        for (const roomId of played.rooms) {
          const now = roomNow(log, roomId);
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
        failWithStory(problems);
      });

      it('every read model built live equals the one built from the log alone', async () => {
        await Promise.all(played.nodes.map((node) => node.stop()));
        const { tables, readModels, was, built } = await builtFromTheLog(data, (copy) => copies.push(copy));
        expect(tables.built).toEqual(tables.was);
        const differing = readModels.filter((table) => JSON.stringify(was[table]) !== JSON.stringify(built[table]));
        failWithStory(differing.length ? { differing: Object.fromEntries(differing.map((t) => [t, { live: was[t], rebuilt: built[t] }])) } : {});
      });
    });

    // else a rule of the oracle goes untested (the fixed seeds are chosen so; an archive, an agreement and open hours
    // would end or bend the story, and the scripted audit has them)
    (store === 'sqlite' && SEEDS.length > 1 ? it : it.skip)('the stories between them produce every event the oracle knows', () => {
      const leftToTheScriptedAudit = ['RoomArchived', 'AgreementSet', 'OpenHoursSet', 'AgreementAccepted'];
      const never = Object.keys(DOCUMENTED_FIELDS).filter((t) => !seen.has(t) && !leftToTheScriptedAudit.includes(t));
      expect({ producedByNoStory: never }).toEqual({ producedByNoStory: [] });
    });
  });
