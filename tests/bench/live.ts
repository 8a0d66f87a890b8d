/**
 * Figures 1, 4 and 5: real socket.io clients in this process against the app or the bare socket.io server.
 * Latency is measured per delivery: from just before the sender's emit to the receiver's `event` handler, both on this
 * process's clock. Every load loop is bounded by a deadline; every wait has a timeout.
 */
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@haven/event-store';
import { openAppStorage } from '../support/app-storage';
import { messagePosted } from './events';
import { mapLimit, nowMs, sleep, summarize, type LatencySummary } from './stats';
import { HavenTarget, openClient, type BenchClient, type Target, type WireEvent } from './targets';

/** Every bench message: when it was sent, to how many, in which measurement window; and every delivery. */
export class Tracker {
  private readonly sent = new Map<string, { at: number; window: string }>();
  private readonly samples = new Map<string, number[]>();
  received = 0;
  expected = 0;
  acked = 0;
  errors = new Map<string, number>();
  private readonly inFlight = new Set<Promise<unknown>>();

  readonly onEvent = (event: WireEvent): void => {
    if (event.type !== 'MessagePosted') return;
    const sent = this.sent.get(String(event.data.messageId));
    if (!sent) return;
    this.received++;
    this.samples.get(sent.window)!.push(nowMs() - sent.at);
  };

  /** Posts one message from `client` to a room of `size` members (each, the sender included, should get it once). */
  post(target: Target, client: BenchClient, roomId: string, size: number, window: string): Promise<boolean> {
    const messageId = randomUUID();
    if (!this.samples.has(window)) this.samples.set(window, []);
    this.sent.set(messageId, { at: nowMs(), window });
    const sending = target
      .post(client, roomId, messageId, `checking in from the bench, message ${this.sent.size}`)
      .then(
        (ack) => {
          if (ack.ok) {
            this.acked++;
            this.expected += size;
            return true;
          }
          this.countError(ack.error.code);
          return false;
        },
        (error: unknown) => {
          this.countError(error instanceof Error ? error.message : String(error));
          return false;
        },
      );
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
    return sending;
  }

  private countError(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  get errorCount(): number {
    return [...this.errors.values()].reduce((a, b) => a + b, 0);
  }

  errorText(): string {
    return [...this.errors].map(([code, n]) => `${code} ×${n}`).join(', ');
  }

  /** Waits for outstanding acks, then for every expected delivery (or the timeout). */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) await Promise.race([...this.inFlight, sleep(100)]);
    while (this.received < this.expected && Date.now() < deadline) await sleep(20);
    // anything arriving twice would show up as reach > 1
    await sleep(100);
  }

  window(name: string): LatencySummary {
    return summarize(this.samples.get(name) ?? []);
  }

  /** the deliveries of several windows together */
  windows(names: readonly string[]): LatencySummary {
    return summarize(names.flatMap((name) => this.samples.get(name) ?? []));
  }

  get reach(): number {
    return this.expected === 0 ? Number.NaN : this.received / this.expected;
  }
}

export interface Room {
  roomId: string;
  members: BenchClient[];
}

/** Connects `size` users and puts them in one new room (the first creates it, the others join). */
export async function makeRoom(target: Target, size: number, prefix: string, tracker: Tracker): Promise<Room> {
  const members = await mapLimit(Array.from({ length: size }, (_, i) => i), 25, async (i) => {
    const userId = `${prefix}-${i}`;
    return openClient(target.url, userId, await target.auth(userId, i === 0 ? 'facilitator' : 'participant'), tracker.onEvent);
  });
  const roomId = await target.createRoom(members[0], Math.max(10, size));
  await mapLimit(members.slice(1), 10, (member) => target.join(member, roomId));
  return { roomId, members };
}

/**
 * Posters each send, wait for their ack, and send again, until the deadline (or `maxMessages` sent in all).
 * Returns acked messages per second.
 */
async function closedLoop(target: Target, room: Room, posters: number, seconds: number, tracker: Tracker, window: string, maxMessages = Infinity) {
  const start = nowMs();
  const deadline = start + seconds * 1000;
  let acked = 0;
  let sent = 0;
  await Promise.all(
    room.members.slice(0, posters).map(async (poster) => {
      while (nowMs() < deadline && sent++ < maxMessages) {
        if (await tracker.post(target, poster, room.roomId, room.members.length, window)) acked++;
      }
    }),
  );
  const elapsed = (nowMs() - start) / 1000;
  return { acked, seconds: elapsed, perSecond: acked / elapsed };
}

/**
 * Sends `rate` messages per second in total, on a fixed schedule, whatever the acks do (open loop), spread over the
 * rooms in turn; each room's members take turns to post.
 */
async function openLoop(target: Target, rooms: Room[], rate: number, seconds: number, tracker: Tracker, window: string): Promise<number> {
  const interval = 1000 / rate;
  const start = nowMs();
  let k = 0;
  for (; ; k++) {
    const due = start + k * interval;
    if (due >= start + seconds * 1000) break;
    const wait = due - nowMs();
    if (wait > 1) await sleep(wait);
    const room = rooms[k % rooms.length];
    const poster = room.members[Math.floor(k / rooms.length) % room.members.length];
    void tracker.post(target, poster, room.roomId, room.members.length, window);
  }
  return k;
}

// ---------------------------------------------------------------------------------------------------------------
// Figure 1

export interface RoomFigure {
  target: string;
  size: number;
  throughput: { posters: number; seconds: number; messagesPerSecond: number; deliveriesPerSecond: number; latency: LatencySummary };
  /**
   * `summary`: the percentiles of every delivery of every round together (a round of 3 s at 20 msg/s holds 60 messages,
   * so its own p99 is in effect its slowest message; pooled, the p99 of 4 rounds is about the third slowest of 240);
   * `rounds`: each round's own summary.
   */
  latency: { rate: number; seconds: number; sent: number; summary: LatencySummary; rounds: LatencySummary[] };
  reach: number;
  received: number;
  expected: number;
  /** refused or failed posts by error code (e.g. the command handler giving up on a contended stream) */
  errors: string;
  refused: number;
  /** messages in the room before the latency window and at the end of the throughput window */
  historyBeforeLatency: number;
  historyAtEnd: number;
}

export interface RoomFigureOptions {
  size: number;
  posters: number;
  /** messages posted (closed loop) before measuring: JIT, statement caches, a little room history */
  warmupMessages: number;
  throughputSeconds: number;
  rate: number;
  /** the latency window: `latencyRounds` open-loop rounds of `latencySeconds` each */
  latencySeconds: number;
  latencyRounds: number;
}

/** A room set up and warmed up on one target, measured round by round (see roomFiguresSideBySide). */
class MeasuredRoom {
  private sent = 0;
  private readonly rounds: { window: string; summary: LatencySummary }[] = [];

  private constructor(
    private readonly target: Target,
    private readonly options: RoomFigureOptions,
    private readonly room: Room,
    private readonly tracker: Tracker,
  ) {}

  /** messages in the room when the first counted round began */
  private historyBeforeLatency = 0;

  static async open(target: Target, options: RoomFigureOptions): Promise<MeasuredRoom> {
    const tracker = new Tracker();
    const room = await makeRoom(target, options.size, `r${options.size}-${randomUUID().slice(0, 6)}`, tracker);
    try {
      await closedLoop(target, room, options.posters, 60, tracker, 'warmup', options.warmupMessages);
      await tracker.drain(15000);
    } catch (error) {
      for (const member of room.members) member.close();
      throw error;
    }
    return new MeasuredRoom(target, options, room, tracker);
  }

  /** one latency round at a fixed rate (open loop), drained before it is summed up */
  async latencyRound(): Promise<void> {
    const window = `latency-${this.rounds.length + 1}`;
    if (this.rounds.length === 0) this.historyBeforeLatency = this.tracker.acked;
    this.sent += await this.openLoopRound(window);
    this.rounds.push({ window, summary: this.tracker.window(window) });
  }

  /** the same at the same rate, not counted: the server's steady state, not its first seconds, is what is measured */
  async warmupRound(): Promise<void> {
    await this.openLoopRound('warmup');
  }

  /** `latencySeconds` at the figure's rate into this room, then every delivery waited for; returns the posts sent */
  private async openLoopRound(window: string): Promise<number> {
    const sent = await openLoop(this.target, [this.room], this.options.rate, this.options.latencySeconds, this.tracker, window);
    await this.tracker.drain(30000);
    return sent;
  }

  /** the closed-loop maximum (after the latency rounds: the room's history grows during it), then the figure */
  async finish(): Promise<RoomFigure> {
    const { target, options, room, tracker } = this;
    const saturated = await closedLoop(target, room, options.posters, options.throughputSeconds, tracker, 'throughput');
    await tracker.drain(30000);
    return {
      target: target.label,
      size: options.size,
      throughput: {
        posters: options.posters,
        seconds: saturated.seconds,
        messagesPerSecond: saturated.perSecond,
        deliveriesPerSecond: saturated.perSecond * options.size,
        latency: tracker.window('throughput'),
      },
      latency: {
        rate: options.rate,
        seconds: options.latencySeconds,
        sent: this.sent,
        summary: tracker.windows(this.rounds.map((round) => round.window)),
        rounds: this.rounds.map((round) => round.summary),
      },
      reach: tracker.reach,
      received: tracker.received,
      expected: tracker.expected,
      errors: tracker.errorText(),
      refused: tracker.errorCount,
      historyBeforeLatency: this.historyBeforeLatency,
      historyAtEnd: tracker.acked,
    };
  }

  close(): void {
    for (const member of this.room.members) member.close();
  }
}

/**
 * The same room figure on targets running side by side, their latency rounds taken in turn (A B, B A, A B, …; with
 * three, A B C, C B A, …), so that a busy minute of this shared machine falls on all of them rather than on whichever
 * ran then: the product and its baselines are measured seconds apart instead of minutes. Each server sits idle, its
 * clients connected, while another is measured. Figures come back in the order of `targets`.
 */
export async function roomFiguresSideBySide(targets: readonly Target[], options: RoomFigureOptions): Promise<RoomFigure[]> {
  const rooms: MeasuredRoom[] = [];
  try {
    for (const target of targets) rooms.push(await MeasuredRoom.open(target, options));
    // a young server's latency fell round after round in its first seconds: one round each, at the measured rate,
    // before any is counted
    for (const room of rooms) await room.warmupRound();
    for (let round = 1; round <= options.latencyRounds; round++) {
      for (const room of round % 2 === 1 ? rooms : [...rooms].reverse()) await room.latencyRound();
    }
    const figures: RoomFigure[] = [];
    for (const room of rooms) figures.push(await room.finish());
    return figures;
  } finally {
    for (const room of rooms) room.close();
  }
}

/**
 * Closed-loop posting into a room of 10 for `seconds`, after the same warm-up as figure 1, with the server's CPU
 * profiler running during the measured seconds only. Returns the messages per second reached while profiled.
 */
export async function profileLoad(target: Target, seconds: number, warmupMessages: number): Promise<number> {
  const tracker = new Tracker();
  const room = await makeRoom(target, 10, `prof-${randomUUID().slice(0, 6)}`, tracker);
  try {
    await closedLoop(target, room, 10, 60, tracker, 'warmup', warmupMessages);
    await tracker.drain(15000);
    await target.startCpuProfile();
    const run = await closedLoop(target, room, 10, seconds, tracker, 'profile');
    await tracker.drain(15000);
    return run.perSecond;
  } finally {
    for (const member of room.members) member.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Figure 4

export interface ConnectionStep {
  connections: number;
  rooms: number;
  summary: LatencySummary;
  reach: number;
  errors: string;
  rssPerConnection: number;
  heapPerConnection: number;
  rssMb: number;
  passed: boolean;
  /** p99 of an earlier window at the same step that missed the limit on latency alone (the step was run again) */
  repeatedAfterP99?: number;
}

export interface ConnectionsFigure {
  target: string;
  steps: ConnectionStep[];
  /** the most connections of a step that passed (p99 under the limit, every delivery arrived, no errors) */
  held: number;
  reachedCap: boolean;
}

export interface ConnectionsOptions {
  /** connections per step, ascending, multiples of 10 */
  steps: number[];
  windowSeconds: number;
  p99LimitMs: number;
  /**
   * after a step whose p99 was under this, the next step of the ladder is skipped: far from its limit a server needs
   * fewer windows, and near it the step-up goes on step by step. A step that fails far past the limit costs the most
   * (its backlog takes as long again to drain), so the ladder is fine rather than a coarse one with a step back.
   */
  skipNextUnderMs?: number;
  /** no step is skipped below this many connections (the steps below are all measured) */
  skipFrom?: number;
}

/**
 * a step whose p99 is under this many times the limit is run again: the bare server's one-window hiccups reached 526 ms
 * on this machine, and the app's steps past its limit were 1.3 s and more behind
 */
export const NEAR_MISS = 10;

/**
 * Steps up the connected clients (rooms of 10, 1 message/s per room) until a step fails: its p99 reaches the limit, a
 * delivery is missing or a post fails. A step that missed on latency alone, by less than NEAR_MISS times the limit, gets
 * one more window at the same size, so that one hiccup of this shared machine does not end the step-up early (for the
 * baseline as for the product). Steps far under the limit skip the next one (`skipNextUnderMs`).
 */
export async function connectionsFigure(
  target: Target,
  options: ConnectionsOptions,
  onStep: (step: ConnectionStep) => void,
): Promise<ConnectionsFigure> {
  const before = await target.memory();
  const rooms: Room[] = [];
  const steps: ConnectionStep[] = [];
  const tracker = new Tracker();
  const measure = async (connections: number, window: string): Promise<ConnectionStep> => {
    const received = tracker.received;
    const expected = tracker.expected;
    // one message per second per room
    await openLoop(target, rooms, rooms.length, options.windowSeconds, tracker, window);
    await tracker.drain(30000);
    const memory = await target.memory();
    const stepReach = (tracker.received - received) / (tracker.expected - expected);
    const summary = tracker.window(window);
    const errors = tracker.errorText();
    return {
      connections,
      rooms: rooms.length,
      summary,
      reach: stepReach,
      errors,
      rssPerConnection: (memory.rss - before.rss) / connections,
      heapPerConnection: (memory.heapUsed + memory.external - before.heapUsed - before.external) / connections,
      rssMb: memory.rss / 1048576,
      passed: summary.p99 < options.p99LimitMs && stepReach === 1 && errors === '',
    };
  };
  const measureWithRepeat = async (connections: number): Promise<ConnectionStep> => {
    const step = await measure(connections, `step-${connections}`);
    // a near miss may be a hiccup of this shared machine; a server seconds behind is past its limit, and its backlog
    // took as long again to drain
    if (step.passed || step.reach !== 1 || step.errors !== '' || step.summary.p99 >= NEAR_MISS * options.p99LimitMs) return step;
    return { ...(await measure(connections, `step-${connections}-again`)), repeatedAfterP99: step.summary.p99 };
  };
  try {
    for (let i = 0; i < options.steps.length; i++) {
      const connections = options.steps[i];
      const needed = Math.ceil(connections / 10) - rooms.length;
      const added = await mapLimit(Array.from({ length: needed }, (_, i) => rooms.length + i), 4, (r) =>
        makeRoom(target, 10, `c${r}`, tracker),
      );
      rooms.push(...added);
      const step = await measureWithRepeat(connections);
      steps.push(step);
      onStep(step);
      if (!step.passed) break;
      // the last step of the ladder is never skipped: it is the cap
      const maySkip = options.skipNextUnderMs !== undefined && connections >= (options.skipFrom ?? 0) && i + 2 < options.steps.length;
      if (maySkip && step.summary.p99 < options.skipNextUnderMs!) i++;
    }
  } finally {
    for (const room of rooms) for (const member of room.members) member.close();
  }
  const passed = steps.filter((s) => s.passed);
  return {
    target: target.label,
    steps,
    held: Math.max(0, ...passed.map((s) => s.connections)),
    reachedCap: steps.length > 0 && steps[steps.length - 1].connections === options.steps[options.steps.length - 1] && steps.every((s) => s.passed),
  };
}

/**
 * Appends `count` messages by `authorId` to a room straight into the app's store, as another writer would (the app's
 * log follower notices them by its poll / LISTEN and projects and routes them), and waits until the app has followed.
 * Returns the seconds from the first append until the app's follower reached the new head.
 */
export async function appendStraight(target: HavenTarget, roomId: string, authorId: string, count: number): Promise<number> {
  const storage = await openAppStorage(target.dataEnv);
  try {
    const streamId = `room-${roomId}`;
    const stored = await storage.events.readStream(streamId);
    let revision = stored[stored.length - 1].revision;
    const at = new Date().toISOString();
    const started = nowMs();
    for (let n = 0; n < count; ) {
      const batch: NewEvent[] = [];
      for (; batch.length < 100 && n < count; n++) batch.push(messagePosted(authorId, at, n));
      revision = (await storage.events.append(streamId, batch, revision)).nextExpectedRevision;
    }
    const head = await storage.events.headPosition();
    const deadline = Date.now() + 180000;
    while ((await target.health()).follower < head) {
      if (Date.now() > deadline) throw new Error('the app did not follow the appended events within 180 s');
      await sleep(50);
    }
    return (nowMs() - started) / 1000;
  } finally {
    await storage.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Figure 1b (diagnostic): what one post costs as a room's history grows

export interface HistoryPoint {
  history: number;
  /** the first post after the history was written: the app has not folded the room's stream yet (a cold fold cache) */
  firstAckMs: number;
  ack: LatencySummary;
  delivery: LatencySummary;
}

/**
 * One member posts `posts` messages one after the other (each waits for its ack; at most about `maxSeconds`, at least 3)
 * into a room of 2 that already holds `history` messages, after 2 warm-up posts (the first of which is reported on its
 * own: it meets a cold fold cache). On the app, the history is appended straight to the store first.
 */
export async function historyFigure(target: Target, histories: number[], posts: number, maxSeconds = 10): Promise<HistoryPoint[]> {
  const points: HistoryPoint[] = [];
  for (const history of histories) {
    const tracker = new Tracker();
    const room = await makeRoom(target, 2, `hist-${history}-${randomUUID().slice(0, 6)}`, tracker);
    try {
      if (history > 0 && target instanceof HavenTarget) await appendStraight(target, room.roomId, room.members[0].userId, history);
      const acks: number[] = [];
      // bounded: `posts` measured posts, or fewer (at least 3) when they take longer than maxSeconds in all
      const deadline = nowMs() + maxSeconds * 1000;
      const warm = 2;
      let firstAckMs = Number.NaN;
      for (let i = 0; i < posts + warm && (i < warm + 3 || nowMs() < deadline); i++) {
        const started = nowMs();
        const ok = await tracker.post(target, room.members[i % 2], room.roomId, 2, i < warm ? 'warm' : 'measured');
        if (ok && i === 0) firstAckMs = nowMs() - started;
        if (ok && i >= warm) acks.push(nowMs() - started);
      }
      await tracker.drain(10000);
      points.push({ history, firstAckMs, ack: summarize(acks), delivery: tracker.window('measured') });
    } finally {
      for (const member of room.members) member.close();
    }
  }
  return points;
}

// ---------------------------------------------------------------------------------------------------------------
// Figure 5

export interface CatchUpFigure {
  target: string;
  missed: number;
  received: number;
  readyMs: number;
  eventsPerSecond: number;
  /** product only: how long the app's log follower took to project and route the appended events */
  followerSeconds?: number;
}

/**
 * The app: a member leaves with its last position; `missed` messages are then appended to its room straight into the
 * app's store (as another writer would; the app's follower projects them), and it reconnects with
 * `auth.lastPosition`. Timed from just before the handshake to `ready` (median of 3 after a warm-up reconnect).
 * Returns the events it was sent, for the baseline.
 */
export async function catchUpProduct(target: HavenTarget, missed: number): Promise<{ figure: CatchUpFigure; events: WireEvent[]; lastPosition: number }> {
  const tracker = new Tracker();
  const room = await makeRoom(target, 2, `late-${randomUUID().slice(0, 6)}`, tracker);
  const [facilitator, late] = room.members;
  const lastPosition = (await target.health()).follower;
  late.close();

  let followerSeconds: number;
  try {
    followerSeconds = await appendStraight(target, room.roomId, facilitator.userId, missed);
  } finally {
    facilitator.close();
  }

  const auth = await target.auth(late.userId, 'participant', { lastPosition });
  const { readyMs, received, events } = await timedCatchUps(target.url, late.userId, auth);
  return {
    figure: { target: target.label, missed, received, readyMs, eventsPerSecond: (received / readyMs) * 1000, followerSeconds },
    events,
    lastPosition,
  };
}

/**
 * One warm-up reconnect, then three timed ones (handshake → `ready`): the median time, the messages received (the
 * fewest of the four reconnects, or the most if any got more than the first: a duplicate), and the last one's events.
 */
async function timedCatchUps(url: string, userId: string, auth: Record<string, unknown>) {
  const times: number[] = [];
  const counts: number[] = [];
  let events: WireEvent[] = [];
  for (let i = 0; i < 4; i++) {
    const got: WireEvent[] = [];
    const started = nowMs();
    const back = await openClient(url, userId, auth, (event) => got.push(event), 120000);
    if (i > 0) times.push(nowMs() - started);
    back.close();
    events = got;
    counts.push(got.filter((e) => e.type === 'MessagePosted').length);
  }
  times.sort((a, b) => a - b);
  const received = Math.max(...counts) > counts[0] ? Math.max(...counts) : Math.min(...counts);
  return { readyMs: times[1], received, events };
}

/** The bare server, loaded with the very events the app sent, replays them to a client connecting with lastPosition. */
export async function catchUpBaseline(target: Target, events: WireEvent[], lastPosition: number, missed: number): Promise<CatchUpFigure> {
  const loader = await openClient(target.url, 'loader', await target.auth('loader', 'admin'));
  for (let i = 0; i < events.length; i += 1000) {
    const ack = await loader.request('bench.load', { events: events.slice(i, i + 1000), reset: i === 0 });
    if (!ack.ok) throw new Error('bench.load refused');
  }
  loader.close();
  const auth = await target.auth('late', 'participant', { lastPosition });
  const { readyMs, received } = await timedCatchUps(target.url, 'late', auth);
  return { target: target.label, missed, received, readyMs, eventsPerSecond: (received / readyMs) * 1000 };
}
