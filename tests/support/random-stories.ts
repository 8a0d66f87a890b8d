import { writeFileSync } from 'node:fs';
import { REDIS_URL } from '../e2e/scale-out-helpers';
import { randomUUID } from 'node:crypto';
import { command, connectFamily, httpPost } from '../e2e/rooms/rooms-helpers';
import { builtFromTheLog, dropDeployment } from '../upgrade/upgrade-fixtures';
import { AppProcess, freshData, type AppData, type StoreKind } from './app-process';
import { readLog, type LoggedEvent } from './event-log';
import { describeWithPostgres } from './postgres';
import { closeAllClients, connect, settle, type Ack, type TestClient, type WireEvent } from './sockets';
import { noticeProblems } from './notice-rules';
import { caughtUp, headPosition } from './stores';
import { advanceClock } from './test-clock';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';
import { compare, documentedDeliveries, pick, promisedTo, type Cast, type Delivery, type HelpOffer, type Story } from './visibility-oracle';

/*
 * Who sees what over random stories: the harness of the random visibility audits (tests/e2e/robustness/visibility-
 * random*.e2e.test.ts). A driver says what a step of its story may be; the harness plays seeded stories of such steps
 * through the built app (one node on SQLite, two over one schema and one Redis on PostgreSQL, users alternating), with
 * people going away and coming back with their last position, family members redeeming invites and joining as guests,
 * an admin erasing, suspending and reinstating people, and the test clock moving now and then, and compares
 * what every socket received, a catch-up from 0 and from the middle, and `sync` with the documentation's oracle
 * (visibility-oracle.ts); no command may be answered INTERNAL, and every read model must equal one built from the log.
 * With `notices`, a push gateway the harness runs is told of what waits for people who are away, and every notice must
 * keep the README's rules (notice-rules.ts).
 *
 * `VISIBILITY_SEEDS=7,8 VISIBILITY_STEPS=600` plays other seeds (on both stores) or longer stories, and
 * `VISIBILITY_STORY=/tmp/story` writes each story and the event types it produced to files; a failure prints its seed
 * and story.
 */

/** A small seeded generator (mulberry32): the same seed plays the same story. */
export function randomFrom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const one = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  /** one of weighted choices */
  const weighted = <T>(choices: readonly [number, () => T][]): T => {
    let at = next() * choices.reduce((sum, [weight]) => sum + weight, 0);
    for (const [weight, make] of choices) if ((at -= weight) < 0) return make();
    return choices[0][1]();
  };
  return { next, one, weighted, chance: (p: number) => next() < p };
}
export type Random = ReturnType<typeof randomFrom>;

/**
 * A step of a story: someone sends a command, the clock moves on (ms), or a family member redeems an invite's code over
 * HTTP and joins the story as a newcomer under the guest id and token it gives (the driver learns of it as of a command
 * `family.redeem`, with the response's data).
 */
export type Step = { actor: string; message: string; payload: Record<string, unknown> } | { clock: number } | { redeem: string };
export type CommandStep = Extract<Step, { actor: string }>;

/** What a driver knows of its story, at least: the log's head as its acks tell it, and how far the clock has moved. */
export interface World {
  head: number;
  clockMs: number;
}

export interface StoryDriver<W extends World> {
  /** what the suites are called */
  title: string;
  cast: Cast;
  /** the clinicians on call (SAFETY_ON_CALL) */
  onCall: string[];
  /** the app's environment besides the store's */
  env: Record<string, string>;
  /** the streams the oracle reads */
  streams: RegExp;
  /** the seeds CI plays, chosen so that between them the stories produce every event the oracle knows */
  seeds: number[];
  steps: number;
  /** the test clock moves on by at most this much in a story (tokens are checked on the real clock, not on this one) */
  maxClockMs: number;
  /**
   * the event types the seeds' stories must produce between them (else a rule of the oracle goes untested); `T
   * (system)` is a T the app's deadlines appended
   */
  mustProduce: string[];
  /** the world after everyone has connected: the rooms made, who joined what */
  setup(live: Record<string, TestClient>, r: Random, head: number): Promise<Omit<W, 'clockMs'>>;
  next(r: Random, w: W): Step;
  /** learns what an accepted command made */
  learn(w: W, step: CommandStep, data: any): void;
  /** further checks, given the story played (e.g. HTTP reads) */
  checks?(story: () => PlayedStory<W>): void;
  /**
   * The clinic's admin, who now and then erases, suspends or reinstates one of `subjects`, each of whom may also ask for
   * their own erasure (README, "Personal data and erasure", "Suspending someone's access"); the streams must then take
   * in `person-`.
   */
  people?: { admin: string; subjects: string[] };
  /**
   * Tell people who are away through a push gateway the harness runs (OFFLINE_NOTICE_URL), which now and then fails to
   * take a notice; every notice is then checked against the rules (notice-rules.ts).
   */
  notices?: {
    afterSeconds: number;
    /** the chance that a step is the clock moving on just past the wait (default 0.04) */
    tickChance?: number;
    /** the chance that someone goes away before a step (default 0.03) */
    awayChance?: number;
  };
}

/** One socket of a user: it resumed after `lastPosition` when the log's head was `at`, and closed at `until` (if it did). */
interface Connection {
  client: TestClient;
  lastPosition: number;
  at: number;
  until?: number;
}

export interface PlayedStory<W extends World = World> {
  /** what the driver knew of its story at the end */
  world: W;
  /** the driver's cast and the newcomers (family guests) who joined the story */
  cast: Cast;
  /** a socket for a user on their node, with their own token (a guest's from its redemption) */
  connectAs(user: string, options?: { lastPosition?: number }): Promise<TestClient>;
  /** one node on SQLite; two on PostgreSQL, over one schema and one Redis */
  nodes: AppProcess[];
  /** the node a user's sockets and HTTP reads go to */
  nodeOf: (user: string) => AppProcess;
  /** each user's socket now (all are connected again at the end) */
  live: Record<string, TestClient>;
  /** each user's sockets in turn: people go away in the story and come back with their last position */
  connections: Record<string, Connection[]>;
  story: string[];
  internal: string[];
  helpOffer?: HelpOffer;
  middle: number;
  /** the log of the oracle's streams as it read just before each erasure (up to `head`): what was sent live until then */
  beforeErasures: { head: number; log: LoggedEvent[] }[];
  /** the log of the oracle's streams, once the story has gone quiet */
  log: LoggedEvent[];
  /** the push gateway (with `notices`): what it was sent */
  gateway?: WebhookReceiver;
  /** fails with the story when there are differences */
  failWithStory(differences: unknown): void;
}

/**
 * Waits until every node has projected and delivered the log to its head, no event has reached any socket for a while,
 * and the head stands still.
 */
async function quiet(nodes: AppProcess[], clients: () => TestClient[]): Promise<void> {
  const reading = async () => {
    for (const node of nodes) await caughtUp(node.url);
    return (await headPosition(nodes[0].url)) * 1e6 + clients().reduce((n, c) => n + c.events.length, 0);
  };
  // the first reading is taken at once: two equal readings 150 ms apart are the quiet asked for (a wait before the
  // first one only made every call 150 ms longer)
  let last = await reading();
  for (let i = 0; i < 60; i++) {
    await settle(150);
    const now = await reading();
    if (now === last) return;
    last = now;
  }
}

/** The fields the harness shows of an accepted command's ack in the story. */
const ACK_FIELDS = ['position', 'held', 'alertId', 'reportId', 'messageId', 'requestId', 'pairingId', 'roomId'];

async function play<W extends World>(driver: StoryDriver<W>, data: AppData, seed: number, steps: number): Promise<Omit<PlayedStory<W>, 'log' | 'failWithStory'>> {
  const cast: Cast = { ...driver.cast };
  const users = Object.keys(cast);
  const tokens: Record<string, string> = {};
  let gateway: WebhookReceiver | undefined;
  // who pauses notices before going away: a generator of its own, so that the story's steps are those of its seed
  const pauses = randomFrom(seed + 104729);
  const pausedWhileAway = new Set<string>();
  const env: Record<string, string> = { SAFETY_ON_CALL: driver.onCall.join(','), DEADLINE_POLL_MS: '100', ...driver.env };
  if (driver.notices) {
    gateway = await startWebhookReceiver('/push');
    // about one POST in three is not taken (its notices are tried again), by a generator of its own: the story's is unchanged
    const answers = randomFrom(seed + 7919);
    gateway.answers.push(...Array.from({ length: 2000 }, () => (answers.chance(0.35) ? 503 : 200)));
    Object.assign(env, { OFFLINE_NOTICE_URL: gateway.url, OFFLINE_NOTICE_AFTER_SECONDS: String(driver.notices.afterSeconds) });
  }
  // started one after the other: both create the same read-model tables at start
  const nodes = [await AppProcess.start(data, data.store === 'postgres' ? { ...env, REDIS_URL } : env)];
  if (data.store === 'postgres') nodes.push(await AppProcess.start(data, { ...env, REDIS_URL }));
  const nodeOf = (user: string) => nodes[users.indexOf(user) % nodes.length];
  const connectAs = (user: string, options: { lastPosition?: number } = {}) =>
    tokens[user]
      ? connect(nodeOf(user), user, cast[user], { ...options, token: tokens[user] })
      : cast[user] === 'family'
        ? connectFamily(nodeOf(user), user, `family-session-${user}`, options)
        : connect(nodeOf(user), user, cast[user], options);
  const app = nodes[0];
  const live: Record<string, TestClient> = {};
  const connections: Record<string, Connection[]> = {};
  for (const user of users) {
    live[user] = await connectAs(user);
    connections[user] = [{ client: live[user], lastPosition: 0, at: 0 }];
  }
  const r = randomFrom(seed);
  const w = { ...(await driver.setup(live, r, await headPosition(app.url))), clockMs: 0 } as W;
  const away = new Map<string, number>();
  /** after the story has gone quiet (no command in flight, deadlines done), so that the head is where catch-up ends */
  const comeBack = async (user: string) => {
    await quiet(nodes, () => Object.values(live));
    // the highest position the person has seen, also when their last socket received nothing
    const lastPosition = Math.max(connections[user].at(-1)!.lastPosition, live[user].lastPosition());
    const at = await headPosition(app.url);
    live[user] = await connectAs(user, { lastPosition });
    connections[user].push({ client: live[user], lastPosition, at });
    away.delete(user);
  };
  const story: string[] = [];
  const internal: string[] = [];
  let helpOffer: HelpOffer | undefined;
  let middle = 0;
  const beforeErasures: { head: number; log: LoggedEvent[] }[] = [];
  const suspended = new Set<string>();
  // who asked for their erasure: mostly they are the ones who take it back, and half of them do a few steps later (a
  // generator of its own, as for pauses)
  const erasureAsked = new Set<string>();
  const withdrawals = randomFrom(seed + 15485863);
  const withdrawAt = new Map<string, number>();
  /** an HTTP command of the story; the answer goes into the story, and a 5xx into `internal` */
  const postAs = async (i: number, user: string, path: string, body: Record<string, unknown> = {}) => {
    const { status, body: answer } = await httpPost(nodeOf(user), live[user], path, { commandId: randomUUID(), ...body });
    story.push(`${i}: ${user} POST ${path} -> ${status} ${answer.ok ? JSON.stringify(pick(answer.data ?? {}, ['position', 'keysErased'])) : answer.error?.code}`);
    if (status >= 500) internal.push(story.at(-1)!);
    if (answer.ok && typeof answer.data?.position === 'number') w.head = Math.max(w.head, answer.data.position);
    return answer.ok ? (answer.data as { position: number | null }) : undefined;
  };
  /** the admin erases, suspends or reinstates someone, or someone asks for their own erasure or takes it back */
  const personStep = async (i: number, { admin, subjects }: NonNullable<StoryDriver<W>['people']>) => {
    const kind = r.weighted<'erase' | 'suspend' | 'reinstate' | 'request' | 'withdraw'>([
      [3, () => 'erase'],
      [3, () => 'suspend'],
      [suspended.size ? 4 : 0, () => 'reinstate'],
      [2, () => 'request'],
      [1, () => 'withdraw'],
    ]);
    let actor = kind === 'request' || kind === 'withdraw' ? r.one(subjects) : admin;
    if (kind === 'withdraw' && erasureAsked.size > 0 && withdrawals.chance(0.8)) actor = withdrawals.one([...erasureAsked]);
    if (away.has(actor)) {
      story.push(`${i}: (${actor} is away)`);
      return;
    }
    if (kind === 'request' || kind === 'withdraw') {
      const answer = await postAs(i, actor, kind === 'request' ? '/me/erasure-request' : '/me/erasure-request/withdrawal');
      if (answer && kind === 'request') {
        erasureAsked.add(actor);
        if (withdrawals.chance(0.5)) withdrawAt.set(actor, i + 3 + Math.floor(withdrawals.next() * 20));
      }
      if (answer && kind === 'withdraw') erasureAsked.delete(actor);
      return;
    }
    if (kind === 'reinstate') {
      const user = r.one([...suspended]);
      if (await postAs(i, admin, `/people/${user}/reinstatement`)) {
        suspended.delete(user);
        away.set(user, i + 1 + Math.floor(r.next() * 10));
      }
      return;
    }
    const user = r.one(subjects.filter((u) => !suspended.has(u)));
    // everything sent so far is sent before the keys go, and every node has the erasure (or the suspension) before
    // anyone acts again
    await quiet(nodes, () => Object.values(live));
    if (kind === 'erase') {
      beforeErasures.push({ head: await headPosition(app.url), log: (await readLog(data)).filter((e) => driver.streams.test(e.streamId)) });
      await postAs(i, admin, `/people/${user}/erasure`);
    } else {
      const done = await postAs(i, admin, `/people/${user}/suspension`, { reason: 'threatened a member' });
      if (done?.position) {
        suspended.add(user);
        if (!away.has(user)) {
          const socket = live[user].socket;
          const ended = await new Promise<boolean>((resolve) => {
            if (socket.disconnected) return resolve(true);
            const timer = setTimeout(() => resolve(false), 5000);
            socket.once('disconnect', () => (clearTimeout(timer), resolve(true)));
          });
          if (!ended) internal.push(`${i}: ${user} suspended, still connected 5 s later`);
          connections[user].at(-1)!.until = done.position;
        }
        away.set(user, Infinity);
      }
    }
    await quiet(nodes, () => Object.values(live));
  };
  /** someone pauses their notices, or takes the pause back; whether it was taken */
  const setPaused = async (i: number, user: string, paused: boolean) => {
    const ack: Ack = await command(live[user], 'notices.setPreferences', { paused });
    story.push(`${i}: ${user} ${paused ? 'pauses' : 'resumes'} notices -> ${ack.ok ? 'ok' : ack.error.code}`);
    if (!ack.ok && ack.error.code === 'INTERNAL') internal.push(story.at(-1)!);
    return ack.ok;
  };
  for (let i = 0; i < steps; i++) {
    if (i === Math.floor(steps / 2)) middle = await headPosition(app.url);
    for (const [user, until] of away)
      if (until <= i) {
        await comeBack(user);
        story.push(`${i}: ${user} is back, after position ${connections[user].at(-1)!.lastPosition}`);
        if (pausedWhileAway.delete(user) && pauses.chance(0.7)) await setPaused(i, user, false);
      }
    for (const [user, at] of withdrawAt)
      if (at <= i && !away.has(user) && !suspended.has(user)) {
        withdrawAt.delete(user);
        if (await postAs(i, user, '/me/erasure-request/withdrawal')) erasureAsked.delete(user);
      }
    // with notices, people are away more often: whom they are told of, and when, is what is checked
    if (r.chance(driver.notices ? (driver.notices.awayChance ?? 0.03) : 0.02)) {
      // someone closes the app for a while: their socket goes, and they act in nothing until they are back
      const user = r.one(users.filter((u) => !away.has(u)));
      await quiet(nodes, () => Object.values(live));
      // with notices, some pause them first (a night's sleep): what falls due meanwhile must not be told
      if (driver.notices && pauses.chance(0.3)) {
        if (await setPaused(i, user, true)) pausedWhileAway.add(user);
        await quiet(nodes, () => Object.values(live));
      }
      live[user].close();
      connections[user].at(-1)!.until = await headPosition(app.url);
      away.set(user, i + 5 + Math.floor(r.next() * 40));
      story.push(`${i}: ${user} goes away`);
    }
    if (driver.people && r.chance(0.012)) {
      await personStep(i, driver.people);
      continue;
    }
    // with notices, the clock also moves on by just past the wait now and then, so that what waits is still news
    const step = driver.notices && r.chance(driver.notices.tickChance ?? 0.04) ? { clock: (driver.notices.afterSeconds + 5) * 1000 } : driver.next(r, w);
    if ('clock' in step) {
      if (w.clockMs + step.clock > driver.maxClockMs) continue;
      w.clockMs += step.clock;
      // with notices and someone away, a long step goes just past the wait first: a notice is told only of what is
      // fresh (ten minutes), and a jump past that would leave nothing to tell
      const wait = driver.notices && away.size > 0 ? (driver.notices.afterSeconds + 5) * 1000 : Infinity;
      // and the notices' sources read read models: every node has projected the last step before its clock moves
      if (driver.notices) for (const node of nodes) await caughtUp(node.url);
      for (const part of step.clock > wait ? [wait, step.clock - wait] : [step.clock]) {
        // each node answers a move once its deadline processors have fired what fell due (notices claimed and sent,
        // before anyone acts again: a notice is checked against the log as it was claimed); then every node has it
        for (const node of nodes) await advanceClock(node, part);
        for (const node of nodes) await caughtUp(node.url);
      }
      story.push(`${i}: clock +${step.clock / 1000} s`);
      w.head = await headPosition(app.url);
      continue;
    }
    if ('redeem' in step) {
      const response = await fetch(`${nodes[i % nodes.length].url}/family-sessions/redeem`, {
        method: 'POST',
        // each family member from a device of their own (the app trusts X-Forwarded-For only with TRUST_PROXY)
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.0.${(i >> 8) & 255}.${i & 255}` },
        body: JSON.stringify({ code: step.redeem }),
      });
      const body = (await response.json()) as { ok: boolean; data?: any; error?: { code: string } };
      story.push(`${i}: someone redeems ${step.redeem.slice(0, 6)}… -> ${body.ok ? `ok ${body.data.guestId}` : body.error?.code}`);
      if (response.status >= 500) internal.push(story.at(-1)!);
      if (body.ok) {
        const guestId: string = body.data.guestId;
        cast[guestId] = 'family';
        users.push(guestId);
        tokens[guestId] = body.data.token;
        // a newcomer's first socket asks for no catch-up: it hears what happens from its connection on
        const at = await headPosition(app.url);
        live[guestId] = await connectAs(guestId);
        connections[guestId] = [{ client: live[guestId], lastPosition: at, at }];
        driver.learn(w, { actor: guestId, message: 'family.redeem', payload: { code: step.redeem } }, body.data);
      }
      continue;
    }
    if (away.has(step.actor)) {
      story.push(`${i}: (${step.actor} is away)`);
      continue;
    }
    const ack: Ack = await command(live[step.actor], step.message, step.payload).catch((error: Error) => ({
      ok: false as const,
      error: { code: 'NO_ACK', message: error.message, details: null },
    }));
    story.push(`${i}: ${step.actor} ${step.message} ${JSON.stringify(step.payload)} -> ${ack.ok ? `ok ${JSON.stringify(pick(ack.data ?? {}, ACK_FIELDS))}` : ack.error.code}`);
    if (!ack.ok && (ack.error.code === 'INTERNAL' || ack.error.code === 'NO_ACK')) internal.push(story.at(-1)!);
    if (ack.ok) {
      if (typeof ack.data?.position === 'number') w.head = Math.max(w.head, ack.data.position);
      driver.learn(w, step, ack.data);
      if (ack.data?.resources && ack.data?.message) helpOffer = { message: ack.data.message, resources: ack.data.resources };
    }
  }
  // the story ends with everyone's access back, so that everyone can be asked what they receive
  for (const user of [...suspended]) await postAs(steps, driver.people!.admin, `/people/${user}/reinstatement`);
  for (const user of [...away.keys()]) await comeBack(user);
  // the story's time ends here: what the checks read of the log stays the log (a deadline due a moment later by the
  // wall clock, an invite's expiry, once came in the middle of them)
  for (const node of nodes) await advanceClock(node, 0, { freeze: true });
  await quiet(nodes, () => Object.values(live));
  if (gateway) {
    const told = gateway.received.flatMap((r) => r.json.conversations as { conversation: string; attempt: number }[]);
    const kinds = [...new Set(told.map((c) => c.conversation))].map((kind) => `${told.filter((c) => c.conversation === kind).length} ${kind}`);
    story.push(`${steps}: the push gateway was sent ${gateway.received.length} notices (${kinds.join(', ') || 'of nothing'}; ${told.filter((c) => c.attempt > 1).length} again)`);
  }
  return { world: w, cast, connectAs, nodes, nodeOf, live, connections, story, internal, helpOffer, middle, beforeErasures, gateway };
}

/** What an event counts as in `mustProduce`: its type, and one the app's deadlines appended (actor `system`) also as `T (system)`. */
const producedAs = (e: LoggedEvent): string[] => (e.actorId === 'system' ? [e.type, `${e.type} (system)`] : [e.type]);

/** The suites of one driver: its seeds on SQLite (one node), the first on PostgreSQL (two nodes), and the coverage check. */
export function describeRandomStories<W extends World>(driver: StoryDriver<W>): void {
  const explicitSeeds = process.env.VISIBILITY_SEEDS?.split(',').map(Number);
  const steps = Number(process.env.VISIBILITY_STEPS ?? driver.steps);

  for (const store of ['sqlite', 'postgres'] as StoreKind[])
    (store === 'postgres' ? describeWithPostgres : describe)(`${driver.title} (${store === 'sqlite' ? 'sqlite, one node' : 'postgres, two nodes'})`, () => {
      // PostgreSQL plays the first seed only (unless VISIBILITY_SEEDS names some), on two nodes: delivery is the same
      // code on both stores, which differ in what they hand back; across nodes, channel moves and hiding must hold on each
      const seeds = explicitSeeds ?? (store === 'postgres' ? driver.seeds.slice(0, 1) : driver.seeds);
      const seen = new Set<string>();

      describe.each(seeds)('seed %i', (seed) => {
        let played: PlayedStory<W>;
        let data: AppData;
        let deliveries: Delivery[];
        /** every stream's events, the notices' claims among them */
        let fullLog: LoggedEvent[];
        const copies: AppData[] = [];
        const story: Story = { cast: driver.cast, onCall: driver.onCall };
        // the cast and its newcomers, once the story is played
        let cast: Cast;
        let users: string[];

        beforeAll(async () => {
          data = freshData(store);
          const done = await play(driver, data, seed, steps);
          fullLog = await readLog(data);
          const log = fullLog.filter((e) => driver.streams.test(e.streamId));
          played = {
            ...done,
            log,
            failWithStory(differences: unknown) {
              if (differences && Object.keys(differences as object).length > 0)
                throw new Error(`seed ${seed}: ${JSON.stringify(differences, null, 1)}\n\nthe story:\n${done.story.join('\n')}`);
            },
          };
          fullLog.flatMap(producedAs).forEach((type) => seen.add(type));
          cast = played.cast;
          users = Object.keys(cast);
          story.cast = cast;
          if (process.env.VISIBILITY_STORY) {
            const file = `${process.env.VISIBILITY_STORY}-${driver.title.replace(/\W+/g, '-')}-${store}-${seed}`;
            writeFileSync(`${file}.txt`, played.story.join('\n'));
            // the event types the story produced, to choose seeds that between them produce every one meant
            writeFileSync(`${file}.types`, [...new Set(fullLog.flatMap(producedAs))].sort().join('\n'));
          }
          story.helpOffer = played.helpOffer;
          deliveries = documentedDeliveries(log, story);
        }, 240_000);

        afterAll(async () => {
          closeAllClients();
          await Promise.all(played?.nodes.map((node) => node.stop()) ?? []);
          await played?.gateway?.close();
          for (const deployment of [data, ...copies]) if (deployment) await dropDeployment(deployment);
        });

        it('answers every command, accepted or refused, never INTERNAL', () => {
          played.failWithStory(played.internal.length ? { internal: played.internal } : {});
        });

        it('live and on coming back: every socket received exactly what the documentation gives its user, in order', () => {
          // each socket: a catch-up after its last position as the log stood when it came (the documentation's
          // catch-up of that log), then what happened live until it closed; an event's words as they were when it
          // was sent (or caught up), before any later erasure
          const asOf = (position: number) => played.beforeErasures.find((b) => b.head >= position)?.log ?? played.log;
          const byPosition = new Map(played.beforeErasures.map((b) => [b, new Map(b.log.map((e) => [e.position, e]))]));
          const asSent = played.log.map((e) => {
            const before = played.beforeErasures.find((b) => b.head >= e.position);
            return before ? byPosition.get(before)!.get(e.position)! : e;
          });
          const liveDeliveries = documentedDeliveries(asSent, story);
          const received = Object.fromEntries(users.map((u) => [u, played.connections[u].flatMap((c) => c.client.events)]));
          const promised = Object.fromEntries(
            users.map((u) => [
              u,
              played.connections[u].flatMap((c) => {
                const then = documentedDeliveries(asOf(c.at).filter((e) => e.position <= c.at), story);
                const caughtUp = promisedTo(then, cast, 'catchUp', c.lastPosition)[u];
                const live = promisedTo(liveDeliveries, cast, 'live', c.at)[u].filter((e) => c.until === undefined || e.position <= c.until);
                return [...caughtUp, ...live];
              }),
            ]),
          );
          const differences = compare(received, promised);
          for (const [user, difference] of Object.entries(differences))
            if (difference.notInOrder) Object.assign(difference, { received: received[user].map((e) => `#${e.position} ${e.type}`) });
          played.failWithStory(differences);
        });

        it('catch-up from 0 and from the middle of the story, and sync, as the documentation gives them now', async () => {
          const connectAs = (user: string, lastPosition?: number) => played.connectAs(user, { lastPosition });
          const caughtUp = async (lastPosition: number) => {
            const got: Record<string, WireEvent[]> = {};
            for (const user of users) {
              const client = await connectAs(user, lastPosition);
              got[user] = [...client.events];
              client.close();
            }
            return got;
          };
          played.failWithStory(compare(await caughtUp(0), promisedTo(deliveries, cast, 'catchUp')));
          played.failWithStory(compare(await caughtUp(played.middle), promisedTo(deliveries, cast, 'catchUp', played.middle)));
          const synced: Record<string, WireEvent[]> = {};
          for (const user of users) {
            const client = await connectAs(user);
            const ack = await client.send('sync', { after: played.middle });
            if (!ack.ok) throw new Error(`${user}: sync refused: ${JSON.stringify(ack.error)}`);
            synced[user] = [...client.events];
            client.close();
          }
          played.failWithStory(compare(synced, promisedTo(deliveries, cast, 'catchUp', played.middle)));
        });

        driver.checks?.(() => played);

        if (driver.notices)
          it('tells people who are away only what they may be told, when they may be, each notice once', () => {
            // a socket is open at a position from the head it came at (its catch-up ends there) to the head it went at
            const connectedAt = (userId: string, position: number) =>
              (played.connections[userId] ?? []).some((c) => c.at < position && (c.until === undefined || position <= c.until));
            const limits = driver.env?.MENTOR_MAX_ACTIVE_PAIRINGS ? { maxActivePairings: Number(driver.env.MENTOR_MAX_ACTIVE_PAIRINGS) } : undefined;
            played.failWithStory(noticeProblems(fullLog, played.gateway!.received.map((r) => r.json), cast, connectedAt, limits));
          });

        it('every read model built live equals the one built from the log alone', async () => {
          await Promise.all(played.nodes.map((node) => node.stop()));
          const { tables, readModels, was, built } = await builtFromTheLog(data, (copy) => copies.push(copy));
          expect(tables.built).toEqual(tables.was);
          const differing = readModels.filter((table) => JSON.stringify(was[table]) !== JSON.stringify(built[table]));
          played.failWithStory(differing.length ? { differing: Object.fromEntries(differing.map((t) => [t, { live: was[t], rebuilt: built[t] }])) } : {});
        });
      });

      (store === 'sqlite' && !explicitSeeds ? it : it.skip)('the stories between them produce every event they are meant to', () => {
        expect({ producedByNoStory: driver.mustProduce.filter((t) => !seen.has(t)) }).toEqual({ producedByNoStory: [] });
      });
    });
}
