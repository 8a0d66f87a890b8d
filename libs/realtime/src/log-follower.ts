import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Server, Socket } from 'socket.io';
import type { Actor } from '@haven/domain';
import type { RecordedEvent, Storage, Subscription } from '@haven/event-store';
import { catchUpReadModels, prepareReadModels, readCheckpoint, readModelVersionsDiffer, projectEvent, type Projection, type VersionDifference } from '@haven/projections';
import { channels, toWireEvent, type ChannelMove, type DeliveryPolicy } from './delivery-policy';

const CATCH_UP_BATCH = 1000;
/** after the subscription fails (say, the database went away), the first retry waits this long, then twice as long */
const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 30_000;
/** how often a long catch-up at start says how far it has got */
const PROGRESS_EVERY_MS = 10_000;

/**
 * What every event passes on its way out of this node (PersonalData in the app): `reveal` opens the personal data
 * sealed in what goes to clients, `observe` sees each event once (an erasure drops its keys here).
 */
export interface OutboundData {
  reveal<T>(value: T): Promise<T>;
  observe(event: RecordedEvent): Promise<void>;
  /** the only event types `observe` does anything with: a catch-up at start shows it just those */
  readonly observedTypes: readonly string[];
}

const sentAsStored: OutboundData = { reveal: async (value) => value, observe: async () => undefined, observedTypes: [] };

/**
 * Records that staff were shown records about others (PersonalDataRead), sent on a catch-up or live. The recorder keeps
 * staff reads only and drops the reader from `subjects`.
 */
export interface StaffReads {
  record(actor: Actor, read: { what: string; params: Record<string, string>; subjects: string[] }): Promise<void>;
}

const readsNotRecorded: StaffReads = { record: async () => undefined };

export interface FollowerLogger {
  error(message: string, context?: Record<string, unknown>): void;
  log(message: string, context?: Record<string, unknown>): void;
}

/**
 * The log, not the command handler, drives delivery. Every API node runs one follower: for each event, in
 * position order, it updates the read models (each node applies an event only if no other node did) and then
 * emits it to this node's sockets that may see it. Attaching a socket (with catch-up from its last position)
 * runs in the same serial queue, so a client sees every event exactly once, in order, with no gap between
 * catch-up and live.
 */
export class LogFollower {
  private queue: Promise<unknown> = Promise.resolve();
  private subscription?: Subscription;
  private delivered = 0;
  /**
   * The log's head when this node started, and whether it has got there. Up to it the node projects (and routes)
   * events no socket of its own waits for: a read model built anew (new, or a new version) replays the log from 0 at
   * start, and a socket attached meanwhile would get those old events again live, after its own catch-up.
   */
  private startHead = 0;
  private readonly reachStartHead = deferred();
  private failure?: unknown;
  /** events this node has projected and delivered since it started, by type (for metrics) */
  readonly processedByType = new Map<string, number>();
  /** the last retry: how long it waited, and from which position (no progress since: wait longer) */
  private retry?: { timer: NodeJS.Timeout; waitMs: number; position: number };
  private stopped = false;
  /** the catch-up of the log as found at start, while it runs (see catchUpThenSubscribe) */
  private catchingUp?: Promise<void>;

  constructor(
    private readonly storage: Storage,
    private readonly projections: readonly Projection[],
    private readonly policies: readonly DeliveryPolicy[],
    private readonly logger: FollowerLogger,
    private readonly outbound: OutboundData = sentAsStored,
    private readonly reads: StaffReads = readsNotRecorded,
  ) {}

  private server?: Server;

  /** Creates read-model tables and starts following from the oldest checkpoint. */
  async start(server: Server): Promise<void> {
    this.server = server;
    const { sql } = this.storage;
    await prepareReadModels(sql, this.projections);
    const checkpoints = await Promise.all(this.projections.map((p) => readCheckpoint(sql, p.name)));
    this.startHead = await this.storage.events.headPosition();
    const from = checkpoints.length === 0 ? this.startHead : Math.min(...checkpoints);
    this.delivered = from;
    if (from < this.startHead) this.logger.log('log follower catching up before it attaches sockets', { from, to: this.startHead });
    else this.reachStartHead.done();
    this.follow();
  }

  /**
   * Follows the log after what this node has delivered. On a failure (the store unreachable, a projection that threw)
   * the node is unhealthy and tries again, later each time, from the same place: an event is projected once (its
   * checkpoint says so) and delivered once, so a database that comes back brings live delivery back without a restart.
   */
  private follow(): void {
    if (this.delivered < this.startHead) this.catchingUp = this.catchUpThenSubscribe();
    else this.subscribe();
  }

  private subscribe(): void {
    this.subscription = this.storage.events.subscribeToAll({
      after: this.delivered,
      onEvent: (event, { appendedHere }) => this.serially(() => this.process(event, appendedHere)),
      onError: (error) => this.failed(error),
    });
  }

  private failed(error: unknown): void {
    this.failure = error;
    this.logger.error('log follower stopped; it will try again', { error: String(error), position: this.delivered });
    this.retryLater();
  }

  /**
   * The log as this node found it at start, where read models are behind it (new ones, or of a new version, replay it
   * from 0): applied in large transactions (catchUpReadModels), not event by event, since no socket is attached before
   * it is through and so none of it is delivered here. What `outbound` observes (an erasure's keys) is still shown
   * every such event. Then the subscription follows from there. At one transaction per event a log of a million events
   * kept a node without sockets for many minutes (tests/bench/README.md, "Twenty-second round").
   */
  private async catchUpThenSubscribe(): Promise<void> {
    const startedAt = Date.now();
    try {
      await this.observeUpTo(this.startHead);
      // a line every 10 s or so on a long catch-up, so that whoever runs the node sees it is getting on
      let toldAt = startedAt;
      const onProgress = ({ position, upTo }: { position: number; upTo: number }) => {
        if (Date.now() - toldAt < PROGRESS_EVERY_MS) return;
        toldAt = Date.now();
        this.logger.log('log follower catching up', { position, to: upTo, ms: toldAt - startedAt });
      };
      await catchUpReadModels(this.storage, this.projections, this.startHead, { stopped: () => this.stopped, onProgress });
      if (this.stopped) return;
      this.logger.log('log follower caught up', { from: this.delivered, to: this.startHead, ms: Date.now() - startedAt });
      this.delivered = this.startHead;
      this.reachStartHead.done();
      if (this.waiters.size > 0) this.wakeWaiters();
      this.subscribe();
    } catch (error) {
      this.failed(error);
    } finally {
      this.catchingUp = undefined;
    }
  }

  /** shows `outbound` the events of the types it observes after what this node has delivered, up to `upTo` */
  private async observeUpTo(upTo: number): Promise<void> {
    const types = this.outbound.observedTypes;
    if (types.length === 0) return;
    for (let after = this.delivered; after < upTo; ) {
      const batch = (await this.storage.events.readAll({ after, limit: CATCH_UP_BATCH, types })).filter((event) => event.position <= upTo);
      if (batch.length === 0) return;
      for (const event of batch) await this.outbound.observe(event);
      after = batch[batch.length - 1].position;
    }
  }

  private retryLater(): void {
    if (this.stopped) return;
    // an event that fails every time (a projection's bug) is retried ever more slowly, not every half second for ever
    const stuck = this.retry !== undefined && this.retry.position === this.delivered;
    const waitMs = stuck ? Math.min(this.retry!.waitMs * 2, LONGEST_RETRY_MS) : FIRST_RETRY_MS;
    this.retry = { waitMs, position: this.delivered, timer: setTimeout(() => void this.tryAgain(), waitMs) };
  }

  /** healthy again once the store answers; the subscription then catches up from where delivery stopped */
  private async tryAgain(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.storage.events.headPosition();
    } catch {
      return this.retryLater();
    }
    if (this.stopped) return;
    this.logger.log('log follower resumed', { position: this.delivered });
    this.failure = undefined;
    this.follow();
  }

  /**
   * Resolves once this node has processed the log as it found it at start (at once when nothing was behind): sockets
   * are attached, and deadlines polled (DeadlineProcessor), only then.
   */
  whenReadModelsReady(): Promise<void> {
    return this.reachStartHead.reached;
  }

  /** position of the last event this node has projected and delivered */
  get position(): number {
    return this.delivered;
  }

  /** this node's read models stored at another version than its code's (another version of Haven started meanwhile) */
  versionDifferences(): Promise<VersionDifference[]> {
    return readModelVersionsDiffer(this.storage.sql, this.projections);
  }

  get healthy(): boolean {
    return (this.subscription !== undefined || this.catchingUp !== undefined) && this.failure === undefined;
  }

  /**
   * A command's result once this node has delivered what it appended (nothing to wait for when it appended nothing):
   * what every context's service answers with, so that a client's ack never arrives before its own event.
   */
  async whenDelivered<R extends { position: number | null }>(result: R): Promise<R> {
    if (result.position !== null) await this.waitFor(result.position);
    return result;
  }

  /**
   * Resolves once this node has projected and delivered up to `position`, so an ack is never ahead of the read
   * models or the live event; gives up quietly after `timeoutMs` (the ack then just arrives first).
   */
  waitFor(position: number, timeoutMs = 5000): Promise<void> {
    if (this.delivered >= position) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { position, resolve: () => (clearTimeout(timer), resolve()) };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve();
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private readonly waiters = new Set<{ position: number; resolve: () => void }>();

  private wakeWaiters(): void {
    for (const waiter of this.waiters) {
      if (waiter.position <= this.delivered) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /**
   * Puts a connected socket into the channels its user belongs to; with `after`, first sends every event
   * after that position the user may see, then continues live.
   */
  async attach(socket: Socket, actor: Actor, after: number | null): Promise<{ position: number; caughtUp: number }> {
    // not before the node has projected what the log held when it started (see startHead): until then the socket waits
    // for `ready`
    await this.reachStartHead.reached;
    return this.serially(async () => {
      const { sql } = this.storage;
      let caughtUp = 0;
      if (after !== null && after < this.delivered) {
        let cursor = after;
        while (cursor < this.delivered) {
          const batch = (await this.storage.events.readAll({ after: cursor, limit: CATCH_UP_BATCH })).filter(
            (e) => e.position <= this.delivered,
          );
          if (batch.length === 0) break;
          const visible = await this.visibleTo(actor, batch);
          // before it is sent, as an HTTP read is recorded before its answer; failing to record fails the catch-up
          const subjects = visible.flatMap((event) => this.ownerOf(event)?.recordsAbout(event) ?? []);
          if (subjects.length > 0) await this.reads.record(actor, { what: 'socket.catch-up', params: {}, subjects });
          for (const event of await this.outbound.reveal(visible.map(toWireEvent))) {
            socket.emit('event', event);
            caughtUp++;
          }
          cursor = batch[batch.length - 1].position;
          // a turn of the event loop between batches: on SQLite nothing above waits for one, and a long catch-up would
          // hold up every other socket and request of the node until it was through
          await nextTurn();
        }
      }
      const joined = new Set<string>([channels.user(actor.userId), channels.role(actor.role)]);
      for (const policy of this.policies) {
        for (const channel of await policy.channelsAt(actor, this.delivered, sql)) joined.add(channel);
      }
      socket.join([...joined]);
      return { position: this.delivered, caughtUp };
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry.timer);
    await this.catchingUp;
    await this.subscription?.stop();
    await this.queue.catch(() => undefined);
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async process(event: RecordedEvent, appendedHere: boolean): Promise<void> {
    await projectEvent(this.storage.sql, this.projections, event, { appendedHere });
    await this.outbound.observe(event);
    const owner = this.ownerOf(event);
    if (owner && this.server) {
      const route = await owner.route(event, this.storage.sql);
      this.move(route.joinBefore, 'join');
      // a form sent through several emits (a family room's guest-safe split) is opened once
      const opened = new Map<RecordedEvent, Promise<unknown>>();
      const wire = (form: RecordedEvent) => opened.get(form) ?? opened.set(form, this.outbound.reveal(toWireEvent(form))).get(form)!;
      const liveReads: Promise<void>[] = [];
      for (const { to, except, event: form } of route.deliveries) {
        if (to.length === 0) continue;
        this.server.local.to(to).except(except).emit('event', await wire(form));
        liveReads.push(this.recordLiveReads(owner, form, to, except));
      }
      this.move(route.leaveAfter, 'leave');
      for (const { userId, code, message } of route.endSessions ?? []) {
        const sockets = this.server.local.in(channels.user(userId));
        sockets.emit('session.ended', { code, message });
        sockets.disconnectSockets(true);
      }
      // every form is out (the person an alert is about gets their help without waiting on staff's records)
      await Promise.all(liveReads);
    }
    this.delivered = event.position;
    if (this.delivered >= this.startHead) this.reachStartHead.done();
    this.processedByType.set(event.type, (this.processedByType.get(event.type) ?? 0) + 1);
    if (this.waiters.size > 0) this.wakeWaiters();
  }

  /**
   * A record about people sent live to staff is a read of it too (the recorder keeps staff only). Recorded after the
   * emit, so an alert is never held back for its record; the next event waits for it, so that once an event is
   * delivered (and its command acked) its reads are in the log. A failure is logged, not retried: throwing would make
   * the follower deliver the event again. Each node records for its own sockets; the recorder's window makes a user's
   * sockets on several nodes one record.
   */
  private async recordLiveReads(owner: DeliveryPolicy, form: RecordedEvent, to: string[], except: string[]): Promise<void> {
    if (this.reads === readsNotRecorded) return;
    const subjects = owner.recordsAbout(form);
    if (subjects.length === 0) return;
    // who it reached, read now (synchronously), before any channel move after the emit
    const readers = this.localLogins(to, except);
    await Promise.all(
      readers.map((actor) =>
        this.reads.record(actor, { what: 'socket.live', params: {}, subjects }).catch((error: unknown) => {
          this.logger.error('a live read of records could not be recorded', { error: error instanceof Error ? error.name : 'error', position: form.position });
        }),
      ),
    );
  }

  /** the logins of this node's sockets in any of `to` and in none of `except`, each user and role once */
  private localLogins(to: string[], except: string[]): Actor[] {
    const rooms = this.server!.sockets.adapter.rooms;
    const excluded = new Set(except.flatMap((channel) => [...(rooms.get(channel) ?? [])]));
    const logins = new Map<string, Actor>();
    for (const channel of to) {
      for (const id of rooms.get(channel) ?? []) {
        const actor = excluded.has(id) ? undefined : this.loginOf(id);
        if (actor) logins.set(`${actor.userId} ${actor.role}`, actor);
      }
    }
    return [...logins.values()];
  }

  /** Moves this node's sockets only: every node follows the log and moves its own. */
  private move(moves: ChannelMove[], kind: 'join' | 'leave'): void {
    for (const { userId, channel, except, only } of moves) {
      const selected = only ? this.localSocketsOf(userId, only) : [channels.user(userId)];
      // an empty selection would mean every socket to socket.io
      if (selected.length === 0) continue;
      const sockets = this.server!.local.in(selected).except(except ?? []);
      if (kind === 'join') sockets.socketsJoin(channel);
      else sockets.socketsLeave(channel);
    }
  }

  /** the ids of this node's sockets of the user whose login passes (each socket is also a channel of its own id) */
  private localSocketsOf(userId: string, only: (actor: Actor) => boolean): string[] {
    return [...(this.server!.sockets.adapter.rooms.get(channels.user(userId)) ?? [])].filter((id) => {
      const actor = this.loginOf(id);
      return actor !== undefined && only(actor);
    });
  }

  /** the login of one of this node's sockets (set at the handshake) */
  private loginOf(socketId: string): Actor | undefined {
    return (this.server!.sockets.sockets.get(socketId)?.data as { actor?: Actor } | undefined)?.actor;
  }

  private ownerOf(event: RecordedEvent): DeliveryPolicy | undefined {
    return this.policies.find((policy) => policy.owns(event));
  }

  private async visibleTo(actor: Actor, events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const owned = new Map<DeliveryPolicy, RecordedEvent[]>();
    for (const event of events) {
      const owner = this.ownerOf(event);
      if (owner) owned.set(owner, [...(owned.get(owner) ?? []), event]);
    }
    const visible: RecordedEvent[] = [];
    for (const [policy, own] of owned) visible.push(...(await policy.visibleTo(actor, own, this.storage.sql)));
    return visible.sort((a, b) => a.position - b.position);
  }
}

/** a promise and what resolves it */
function deferred(): { reached: Promise<void>; done: () => void } {
  let done = () => {};
  const reached = new Promise<void>((resolve) => (done = resolve));
  return { reached, done };
}
