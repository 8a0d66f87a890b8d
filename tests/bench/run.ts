/**
 * `npm run bench` (about 5 minutes) / `npm run bench -- --quick` (under a minute): measures Haven and, in the same run,
 * a baseline doing the same work without it, and prints each figure with its ratio (product/baseline).
 * Results: a markdown table on the console, in dist/bench/results-<mode>.md, and a dated copy in tests/bench/results/.
 * Speed is only measured here, never asserted: the exit code is 1 only when something broke (a section threw, or a
 * delivery went missing or arrived twice), never because a figure was slow. See tests/bench/README.md.
 */
import './alias';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { coreSteals, coreStealsText, type CoreSteals } from './core-steals';
import { heapGrowth } from './heap';
import { upgradeStartFigure } from './upgrade-start';
import {
  catchUpBaseline,
  catchUpProduct,
  connectionsFigure,
  historyFigure,
  makeRoom,
  NEAR_MISS,
  roomFiguresSideBySide,
  profileLoad,
  Tracker,
  type CatchUpFigure,
  type ConnectionsFigure,
  type ConnectionsOptions,
  type HistoryPoint,
  type RoomFigure,
} from './live';
import { foldMs } from './fold';
import { profileMarkdown, summarizeProfile, type CpuProfile } from './profile';
import { formatNumber, mapLimit, markdownTable, nowMs, ratioOf, ratioText, verdict, type ResultRow } from './stats';
import {
  appendFigure,
  postgresDurability,
  rebuildFigure,
  type AppendFigure,
  type RebuildFigure,
} from './storage';
import { BareTarget, HavenTarget, type Target, type WireEvent } from './targets';

const REPO = resolve(__dirname, '..', '..', '..', '..');
const SECTIONS = ['e2e', 'history', 'append', 'rebuild', 'connections', 'catchup', 'profile', 'heap', 'upgrade'] as const;
/** sections that run only when asked for with --only */
const OPT_IN: Section[] = ['heap', 'upgrade'];
type Section = (typeof SECTIONS)[number];
type Store = 'sqlite' | 'postgres';

interface Mode {
  name: 'quick' | 'default';
  e2e: {
    runs: { store: Store; sizes: number[] }[];
    posters: number;
    warmupMessages: number;
    /** messages per second into the room during the latency window, by room size */
    rate: Record<number, number>;
    /** the latency window: this many rounds of latencySeconds, each percentile the median of the rounds' */
    latencySeconds: number;
    latencyRounds: number;
    throughputSeconds: number;
    /**
     * figure 1 on PostgreSQL also beside a bare server that inserts each post into PostgreSQL (one durable commit, as
     * each of the app's appends) before relaying it: what is left of the gap once the baseline writes what every post of
     * the app must
     */
    durableBaseline: boolean;
  };
  /** figure 1b: post ack latency in rooms already holding N messages, and the in-process fold of N messages */
  history: { sizes: number[]; posts: number; folds: number[] } | null;
  /** `rounds` rounds of `seconds` per side, alternating product and baseline; each side's median round */
  append: { seconds: number; rounds: number; stores: Store[] };
  rebuild: { events: number; stores: Store[] };
  connections: ConnectionsOptions;
  catchUp: { missed: number; stores: Store[] };
  /** opt-in: a node started on a log of `events` whose read models are all new, until a socket is ready */
  upgrade: { events: number; stores: Store[] };
  profileSeconds: number | null;
  /** how long one thread per core spins, at the start and at the end, to count the moments the machine takes a core away */
  coreStealSeconds: number;
}

const DEFAULT: Mode = {
  name: 'default',
  e2e: {
    runs: [
      { store: 'sqlite', sizes: [10, 100] },
      { store: 'postgres', sizes: [10] },
    ],
    posters: 10,
    // about a second of the closed loop on the app (a fraction on the bare server), then one uncounted latency round each
    warmupMessages: 1000,
    rate: { 10: 20, 100: 5 },
    // four short rounds, in turn with the bare server's; the percentiles are taken over all their deliveries together
    // (240 posts in a room of 10, 60 in a room of 100; five rounds made a full run 18 s longer)
    latencySeconds: 3,
    latencyRounds: 4,
    throughputSeconds: 3,
    durableBaseline: true,
  },
  // not 10,000: the full (cold-cache) fold of such a room takes longer than the bench's 30 s ack timeout (see fold.ts)
  history: { sizes: [0, 1000, 3000], posts: 40, folds: [100, 1000, 3000] },
  append: { seconds: 0.75, rounds: 3, stores: ['sqlite', 'postgres'] },
  rebuild: { events: 200_000, stores: ['sqlite', 'postgres'] },
  // by 1,600 up to what the open-file limit allows (connectionSteps), skipping a step after one with p99 under 10 ms (so
  // 1,600, 4,800, … while far from the limit; with 20 ms the app once skipped from 11,200, p99 14.5 ms, to a failure at
  // 14,400). In 2026-12 runs the app gave out at 8,000–16,000 and the bare server at 11,200 or past 17,600, so a
  // step-up that stopped at 6,400 hid both limits
  connections: {
    steps: Array.from({ length: 13 }, (_, i) => 1600 * (i + 1)),
    skipNextUnderMs: 10,
    windowSeconds: 4,
    p99LimitMs: 100,
  },
  catchUp: { missed: 10_000, stores: ['sqlite'] },
  upgrade: { events: 200_000, stores: ['sqlite', 'postgres'] },
  profileSeconds: 6,
  coreStealSeconds: 3,
};

const QUICK: Mode = {
  name: 'quick',
  e2e: { runs: [{ store: 'sqlite', sizes: [10, 100] }], posters: 10, warmupMessages: 30, rate: { 10: 20, 100: 5 }, latencySeconds: 1.5, latencyRounds: 1, throughputSeconds: 1.5, durableBaseline: false },
  history: null,
  append: { seconds: 0.5, rounds: 1, stores: ['sqlite', 'postgres'] },
  rebuild: { events: 20_000, stores: ['sqlite'] },
  connections: { steps: [100, 200], windowSeconds: 2, p99LimitMs: 100 },
  catchUp: { missed: 2_000, stores: ['sqlite'] },
  upgrade: { events: 20_000, stores: ['sqlite', 'postgres'] },
  profileSeconds: null,
  coreStealSeconds: 0.5,
};

const rows: ResultRow[] = [];
const details: string[] = [];
const failures: string[] = [];
const notes: string[] = [];
const log = (text: string) => console.log(text);
const runStarted = nowMs();
/** a line of progress, with the seconds since the run began (where a run's time goes) */
const progress = (text: string) => log(`${text} [${formatNumber((nowMs() - runStarted) / 1000)} s]`);
const kb = (bytes: number) => bytes / 1024;
const ms = (x: number) => `${formatNumber(x)} ms`;

async function withTarget<T>(start: () => Promise<Target>, work: (target: Target) => Promise<T>): Promise<T> {
  const target = await start();
  try {
    return await work(target);
  } finally {
    await target.stop();
  }
}

const startHaven = (store: Store) => () => HavenTarget.start(store);
const startBare = () => BareTarget.start();
const startDurableBare = () => BareTarget.start({ durablePostgres: true });

// ---------------------------------------------------------------------------------------------------------------

/** What the app and the bare server measured in the live phase (figures 1, 1b and 5). */
interface LiveResults {
  rooms: RoomFigure[];
  /** the bare server's figure for each of `rooms`, measured beside it (roomFiguresSideBySide) */
  bareRooms: RoomFigure[];
  /** the same with a durable PostgreSQL insert per post (mode.e2e.durableBaseline, PostgreSQL only) */
  durableRooms: RoomFigure[];
  joinResends: number;
  history: HistoryPoint[];
  catchUp?: { figure: CatchUpFigure; events: WireEvent[]; lastPosition: number };
}

/**
 * Figures 1, 1b and 5 share one server process per system and store (fresh rooms for each part): starting the app
 * costs seconds, and none of these parts depends on another's rooms. The app runs first: the catch-up baseline replays
 * the very events the app sent.
 */
async function live(mode: Mode, wants: (section: Section) => boolean): Promise<void> {
  const { e2e: c } = mode;
  const roomOptions = (size: number) => ({
    size,
    posters: Math.min(c.posters, size),
    warmupMessages: c.warmupMessages,
    rate: c.rate[size],
    latencySeconds: c.latencySeconds,
    latencyRounds: c.latencyRounds,
    throughputSeconds: c.throughputSeconds,
  });
  const sizesOf = (store: Store) => (wants('e2e') ? (c.runs.find((r) => r.store === store)?.sizes ?? []) : []);
  const historyOf = (store: Store) => (wants('history') && mode.history && store === 'sqlite' ? mode.history.sizes : []);
  const catchUpOf = (store: Store) => wants('catchup') && mode.catchUp.stores.includes(store);
  const stores = (['sqlite', 'postgres'] as const).filter((s) => sizesOf(s).length > 0 || historyOf(s).length > 0 || catchUpOf(s));
  if (stores.length === 0) return;

  /** runs one part, recording a failure instead of giving up on the other parts */
  const part = async <T>(title: string, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      failures.push(`${title}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      log(`   FAILED ${title}: ${String(error)}`);
      return undefined;
    }
  };

  const product = new Map<Store, LiveResults>();
  for (const store of stores) {
    const results: LiveResults = { rooms: [], bareRooms: [], durableRooms: [], history: [], joinResends: 0 };
    product.set(store, results);
    // a bare server of the same age as this app beside it: each room figure of the app is measured beside its baseline
    // (a server's latency kept falling for a minute or more after its start, so an older baseline would be favoured);
    // started only when this store has room figures to measure
    const runApp = (baselines: Target[]) =>
      withTarget(startHaven(store), async (t) => {
        for (const size of sizesOf(store)) {
          const side = await part(`1. room of ${size}, haven (${store}) beside bare`, () => roomFiguresSideBySide([t, ...baselines], roomOptions(size)));
          if (!side) continue;
          const [figure, baseline, durable] = side;
          results.rooms.push(figure);
          results.bareRooms.push({ ...baseline, target: `${baseline.target} (beside ${figure.target})` });
          if (durable) results.durableRooms.push({ ...durable, target: `${durable.target} (beside ${figure.target})` });
          for (const f of side) {
            progress(`   ${f.target}, room of ${size}: p99 ${ms(f.latency.summary.p99)}, ${formatNumber(f.throughput.messagesPerSecond)} msg/s, reach ${f.reach}`);
          }
        }
        if (historyOf(store).length > 0) {
          results.history = (await part('1b. history', () => historyFigure(t, historyOf(store), mode.history!.posts))) ?? [];
          for (const p of results.history) progress(`   ${t.label}, history ${p.history}: ack p50 ${ms(p.ack.p50)}`);
        }
        if (catchUpOf(store)) {
          results.catchUp = await part(`5. catch-up, haven (${store})`, () => catchUpProduct(t as HavenTarget, mode.catchUp.missed));
          if (results.catchUp) progress(`   ${t.label}, catch-up of ${mode.catchUp.missed}: ${ms(results.catchUp.figure.readyMs)}`);
        }
        results.joinResends = (t as HavenTarget).joinResends;
      });
    const durableToo = store === 'postgres' && c.durableBaseline;
    await part(`haven (${store})`, () =>
      sizesOf(store).length === 0
        ? runApp([])
        : withTarget(startBare, (bare) => (durableToo ? withTarget(startDurableBare, (durable) => runApp([bare, durable])) : runApp([bare]))),
    );
  }

  let bareHistory: HistoryPoint | undefined;
  const bareCatchUp = new Map<Store, CatchUpFigure>();
  if (stores.some((s) => historyOf(s).length > 0 || product.get(s)!.catchUp)) {
    await part('bare socket.io', () =>
      withTarget(startBare, async (bare) => {
        if (stores.some((s) => historyOf(s).length > 0)) {
          bareHistory = (await part('1b. history, bare', () => historyFigure(bare, [0], mode.history!.posts)))?.[0];
        }
        for (const store of stores) {
          const done = product.get(store)!.catchUp;
          if (!done) continue;
          const figure = await part(`5. catch-up, bare (${store} events)`, () => catchUpBaseline(bare, done.events, done.lastPosition, mode.catchUp.missed));
          if (figure) {
            bareCatchUp.set(store, figure);
            progress(`   bare, catch-up of ${mode.catchUp.missed}: ${ms(figure.readyMs)}`);
          }
        }
      }),
    );
  }

  const folds = wants('history') && mode.history ? mode.history.folds.map((n) => ({ messages: n, ms: foldMs(n) })) : [];
  reportRooms(mode, product);
  reportHistory(mode, product.get('sqlite')?.history ?? [], bareHistory, folds);
  reportCatchUp(mode, product, bareCatchUp);
}

function reportRooms(mode: Mode, product: Map<Store, LiveResults>): void {
  const c = mode.e2e;
  const all: RoomFigure[] = [];
  for (const [store, results] of product) {
    for (const [index, figure] of results.rooms.entries()) {
      const base = results.bareRooms[index];
      all.push(figure, base, ...(results.durableRooms[index] ? [results.durableRooms[index]] : []));
      const { size } = figure;
      const at = `room of ${size}, ${figure.latency.rate} msg/s`;
      const who = `haven (${store})`;
      for (const p of ['p50', 'p95', 'p99'] as const) {
        rows.push({
          figure: '1',
          metric: `E2E latency ${p}, ${at} — ${who}`,
          unit: 'ms',
          product: figure.latency.summary[p],
          baseline: base?.latency.summary[p] ?? null,
          ...(p === 'p99' ? { target: { op: '<=' as const, value: 1.5 } } : {}),
        });
      }
      const durable = results.durableRooms[index];
      if (durable) {
        for (const p of ['p50', 'p99'] as const) {
          rows.push({
            figure: '1',
            metric: `E2E latency ${p}, ${at} — ${who}, against bare socket.io + a durable PostgreSQL INSERT per post`,
            unit: 'ms',
            product: figure.latency.summary[p],
            baseline: durable.latency.summary[p],
            note:
              'diagnostic baseline, measured beside the two above: the bare relay writes each post into a PostgreSQL table first ' +
              '(one INSERT, its own durable commit, server defaults as the app), the one write every post of the app waits for; ' +
              `its own ${p} ${ms(durable.latency.summary[p])} against the bare relay's ${ms(base?.latency.summary[p])}`,
          });
        }
      }
      rows.push({
        figure: '1',
        metric: `Throughput, room of ${size}, ${figure.throughput.posters} posters awaiting acks — ${who}`,
        unit: 'msg/s',
        product: figure.throughput.messagesPerSecond,
        baseline: base?.throughput.messagesPerSecond ?? null,
        note: `deliveries/s: ${formatNumber(figure.throughput.deliveriesPerSecond)} vs ${formatNumber(base?.throughput.deliveriesPerSecond)}`,
      });
      const met = figure.reach === 1 && base?.reach === 1;
      rows.push({
        figure: '1',
        metric: `Reach (received/expected), room of ${size} — ${who}`,
        unit: '',
        product: figure.reach,
        baseline: base?.reach ?? null,
        met,
        exact: true,
        targetLabel: '= 1.0 exactly',
        note: `${figure.received.toLocaleString('en-US')}/${figure.expected.toLocaleString('en-US')} deliveries of acked posts`,
      });
      if (!met) failures.push(`reach in a room of ${size} (${who}): ${figure.reach}; bare: ${base?.reach}`);
      if (figure.refused > 0 || (base?.refused ?? 0) > 0) {
        rows.push({
          figure: '1',
          metric: `Posts refused, room of ${size} (all windows) — ${who}`,
          unit: '',
          product: figure.refused,
          baseline: base?.refused ?? null,
          ratio: null,
          note: `${figure.errors}${base?.errors ? `; bare: ${base.errors}` : ''}`,
        });
      }
    }
  }
  if (all.length === 0) return;
  details.push(
    '### 1. End-to-end messages',
    '',
    `Each room's members are all connected (one server process per system and store, a fresh room per size); ${c.posters} of them post. ` +
      'The bare server runs beside the app, and each of its rows was measured beside the app row above it: the two rooms are set up and ' +
      'warmed up together, and their latency rounds alternate (app, bare; bare, app; …), so a busy moment of this shared machine falls on both. ' +
      (c.durableBaseline
        ? 'On PostgreSQL a second baseline runs beside them, the bare server inserting each post into a PostgreSQL table (one durable commit) before relaying it; the three take their rounds in turn (app, bare, bare + INSERT; then the other way round). '
        : '') +
      `Latency window: ${c.latencyRounds === 1 ? '' : `${c.latencyRounds} rounds of `}${c.latencySeconds} s at a fixed rate (open loop), after ${c.warmupMessages} warm-up messages (closed loop) and one uncounted round` +
      `${c.latencyRounds === 1 ? '' : "; the percentiles are those of every delivery of the counted rounds together (each round's own p99, in the last column, is in effect its slowest message)"}. Throughput window: ` +
      `${c.throughputSeconds} s, each poster waits for its ack before posting again (closed loop), so the room history grows during it. ` +
      'A delivery is one member receiving one message; the sender receives its own too.',
    '',
    '| System | Room | Rate | Latency p50 / p95 / p99 / max | Throughput (closed loop) | Latency under closed loop p50 / p99 | Messages in the room: before the latency window → at the end | Reach | Refused posts | p99 of each latency round |',
    '|---|---:|---:|---|---:|---|---|---:|---|---|',
    ...all.map(
      (r) =>
        `| ${r.target} | ${r.size} | ${r.latency.rate} msg/s | ${ms(r.latency.summary.p50)} / ${ms(r.latency.summary.p95)} / ${ms(r.latency.summary.p99)} / ${ms(r.latency.summary.max)} | ` +
        `${formatNumber(r.throughput.messagesPerSecond)} msg/s (${formatNumber(r.throughput.deliveriesPerSecond)} deliveries/s) | ${ms(r.throughput.latency.p50)} / ${ms(r.throughput.latency.p99)} | ` +
        `${formatNumber(r.historyBeforeLatency)} → ${formatNumber(r.historyAtEnd)} | ${r.reach} | ${r.refused === 0 ? '0' : r.errors} | ${r.latency.rounds.map((round) => ms(round.p99)).join(', ')} |`,
    ),
    '',
    ...[...product].filter(([, r]) => r.joinResends > 0).map(([store, r]) =>
      `Set-up on ${store}: ${r.joinResends} room joins were refused with STORE.WRONG_EXPECTED_REVISION (the command handler gave up after its attempts while other members joined the same room) and sent again by the bench.`,
    ),
    '',
  );
}

function reportHistory(mode: Mode, product: HistoryPoint[], bare: HistoryPoint | undefined, folds: { messages: number; ms: number }[]): void {
  if (!mode.history || (product.length === 0 && folds.length === 0)) return;
  for (const fold of folds) {
    rows.push({
      figure: '1b',
      metric: `Full fold of a room stream of ${fold.messages.toLocaleString('en-US')} messages (roomDecider.evolve, in-process): what a cold fold cache costs`,
      unit: 'ms',
      product: fold.ms,
      baseline: null,
      note: 'diagnostic; no baseline',
    });
  }
  for (const point of product) {
    const held = `room already holding ${point.history.toLocaleString('en-US')} messages — haven (sqlite)`;
    rows.push(
      {
        figure: '1b',
        metric: `Post ack, first post (cold fold cache), ${held}`,
        unit: 'ms',
        product: point.firstAckMs,
        baseline: bare?.firstAckMs ?? null,
        note: 'diagnostic; the bare server keeps no history',
      },
      {
        figure: '1b',
        metric: `Post ack p50, one poster, later posts, ${held}`,
        unit: 'ms',
        product: point.ack.p50,
        baseline: bare?.ack.p50 ?? null,
        note: 'diagnostic',
      },
    );
  }
  const lines = [...product.map((p) => ['haven (sqlite)', p] as const), ...(bare ? [['bare socket.io', bare] as const] : [])];
  details.push(
    '### 1b. Cost of one post as the room history grows (diagnostic)',
    '',
    `One member posts 2 warm-up messages, then up to ${mode.history.posts} more one after another (each waits for its ack; at least 3, about ` +
      '10 s at most), into a room of 2 that already holds N messages (appended straight to the store before, and followed by the app). ' +
      "Every command reads the room's whole stream; the first one after the history was written also folds all of it (cold fold cache). " +
      'The full fold alone, in-process: ' +
      folds.map((f) => `${f.messages.toLocaleString('en-US')} messages ${ms(f.ms)}`).join(', ') +
      '.',
    '',
    '| System | Room history | First post ack | Later posts: ack p50 / p95 / p99 | Later posts: delivery p50 / p99 |',
    '|---|---:|---:|---|---|',
    ...lines.map(
      ([who, p]) =>
        `| ${who} | ${p.history.toLocaleString('en-US')} | ${ms(p.firstAckMs)} | ${ms(p.ack.p50)} / ${ms(p.ack.p95)} / ${ms(p.ack.p99)} | ${ms(p.delivery.p50)} / ${ms(p.delivery.p99)} |`,
    ),
    '',
  );
}

function reportCatchUp(mode: Mode, product: Map<Store, LiveResults>, bare: Map<Store, CatchUpFigure>): void {
  const { missed } = mode.catchUp;
  for (const [store, results] of product) {
    if (!results.catchUp) continue;
    const { figure } = results.catchUp;
    const base = bare.get(store);
    const who = `haven (${store})`;
    const met = figure.received === missed && base?.received === missed;
    rows.push(
      {
        figure: '5',
        metric: `Catch-up: ${missed.toLocaleString('en-US')} missed events, connect with lastPosition → ready — ${who}`,
        unit: 'ms',
        product: figure.readyMs,
        baseline: base?.readyMs ?? null,
        note: `${formatNumber(figure.eventsPerSecond)} vs ${formatNumber(base?.eventsPerSecond)} events/s; median of 3 reconnects`,
      },
      {
        figure: '5',
        metric: `Catch-up reach (events received/missed) — ${who}`,
        unit: '',
        product: figure.received / missed,
        baseline: base ? base.received / missed : null,
        met,
        exact: true,
        targetLabel: '= 1.0 exactly',
      },
    );
    if (!met) failures.push(`catch-up (${store}): received ${figure.received} of ${missed} (bare: ${base?.received})`);
    details.push(
      `### 5. Catch-up (${store})`,
      '',
      `A member leaves with its last position; ${missed.toLocaleString('en-US')} messages are then appended to its room straight into the app's store ` +
        `(as another writer; the app's log follower took ${formatNumber(figure.followerSeconds ?? NaN)} s to project and route them, ` +
        `${formatNumber(missed / (figure.followerSeconds ?? NaN))} events/s including its ${store === 'sqlite' ? '250' : '500'} ms poll), ` +
        'and it reconnects with `auth.lastPosition`: timed from the handshake to `ready`, one warm-up reconnect then the median of three. ' +
        'Baseline: the bare server holding the very events the app sent, replaying them to a client connecting with the same lastPosition, ' +
        '1,000 per batch as the app does.' +
        (mode.name === 'quick' ? ` **Quick mode: ${missed.toLocaleString('en-US')} events, not 10,000.**` : ''),
      '',
    );
  }
}

async function append(mode: Mode): Promise<void> {
  const figures: AppendFigure[] = [];
  for (const store of mode.append.stores) {
    for (const perAppend of [1, 100]) {
      const figure = await appendFigure(store, perAppend, mode.append.seconds, mode.append.rounds);
      figures.push(figure);
      progress(`   ${store}, ${perAppend}/append: ${formatNumber(figure.product.eventsPerSecond)} vs raw ${formatNumber(figure.baseline.eventsPerSecond)} events/s`);
      rows.push({
        figure: '2',
        metric: `${store === 'sqlite' ? 'SQLite' : 'PostgreSQL'} append, ${perAppend} event${perAppend === 1 ? '' : 's'} per append (sequential)`,
        unit: 'events/s',
        product: figure.product.eventsPerSecond,
        baseline: figure.baseline.eventsPerSecond,
        target: { op: '>=', value: store === 'sqlite' ? 0.7 : 0.5 },
        note: `${formatNumber(figure.product.eventsPerSecond / perAppend)} vs ${formatNumber(figure.baseline.eventsPerSecond / perAppend)} appends/s`,
      });
    }
  }
  const pg = mode.append.stores.includes('postgres') ? await postgresDurability() : '';
  details.push(
    '### 2. Append throughput',
    '',
    `Product: \`EventStore.append(streamId, events, expectedRevision)\` one append after another for ${mode.append.seconds} s, over 100 streams ` +
      (mode.append.rounds > 1
        ? `(${mode.append.rounds} rounds, each the product then the baseline on fresh tables, so a busy moment of the machine falls on both; each side's figure is its median round), `
        : '') +
      'with the expected revision tracked, as the command handler appends. Baseline: the same rows (same ids, JSON, timestamps) inserted into the ' +
      'same table (made by the same migration) with the same driver and durability, one transaction per append, positions given by the client. ' +
      'SQLite: journal_mode=WAL, synchronous=NORMAL on both sides (openSqliteConnection), WAL checkpoints on a worker thread on both sides (WalCheckpointer, as the app runs them). ' +
      `PostgreSQL: server defaults on both sides${pg ? `: ${pg}` : ''}; baseline batches are one INSERT … SELECT FROM unnest(…) statement, single events a plain INSERT, each its own implicit transaction.`,
    '',
    '| Store | Events per append | Product events/s | Raw events/s | Ratio |',
    '|---|---:|---:|---:|---:|',
    ...figures.map(
      (f) =>
        `| ${f.store} | ${f.perAppend} | ${formatNumber(f.product.eventsPerSecond)} | ${formatNumber(f.baseline.eventsPerSecond)} | ${ratioText(f.product.eventsPerSecond / f.baseline.eventsPerSecond)} |`,
    ),
    '',
  );
}

async function rebuild(mode: Mode): Promise<void> {
  for (const store of mode.rebuild.stores) {
    const figure: RebuildFigure = await rebuildFigure(store, mode.rebuild.events, (text) => progress(`   ${store}: ${text}`));
    const slowest = [...figure.readModels].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond)[0];
    const name = store === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    const over = `${figure.events.toLocaleString('en-US')} events, ${name}`;
    rows.push(
      {
        figure: '3',
        metric: `Rebuild of the slowest read model (${slowest.name}) from 0, ${over}`,
        unit: 'events/s',
        product: slowest.eventsPerSecond,
        baseline: figure.rawRead.eventsPerSecond,
        target: { op: '>=', value: 0.5 },
      },
      {
        figure: '3',
        metric: `Rebuild of all ${figure.readModels.length} read models in one pass (rebuild-read-models --all), ${over}`,
        unit: 'events/s',
        product: figure.all.eventsPerSecond,
        baseline: figure.rawRead.eventsPerSecond,
        note: `one pass over the log applying every read model; total ${formatNumber(figure.all.seconds)} s`,
      },
      {
        figure: '3',
        metric: `EventStore.readAll from 0 alone (no projection), ${over}`,
        unit: 'events/s',
        product: figure.storeRead.eventsPerSecond,
        baseline: figure.rawRead.eventsPerSecond,
        note: 'diagnostic: the read part of a rebuild',
      },
      {
        figure: '3',
        metric: `Writing the ${figure.writesAlone.rows.toLocaleString('en-US')} rows the ${figure.writesAlone.readModel} rebuild writes, alone, with the bare driver (no read, no projection), ${over}`,
        unit: 'events/s',
        product: figure.writesAlone.eventsPerSecond,
        baseline: figure.rawRead.eventsPerSecond,
        note: `diagnostic: the write part of that rebuild through the driver at its cheapest (${figure.writesAlone.how}; ${formatNumber(figure.writesAlone.seconds)} s); no rebuild that sends these rows from JavaScript gets past this ratio`,
      },
      {
        figure: '3',
        metric: `Copying the same rows inside the database (INSERT … SELECT from a copy of the table, one transaction), ${over}`,
        unit: 'events/s',
        product: figure.copiedInDatabase.eventsPerSecond,
        baseline: figure.rawRead.eventsPerSecond,
        note: `diagnostic: the engine's own writes of these rows (${formatNumber(figure.copiedInDatabase.seconds)} s), no driver in between, every index kept up to date row by row; a rebuild also reads and decodes the log`,
      },
      ...figure.eventByEvent.map((r) => ({
        figure: '3',
        metric: `Rebuild of ${r.name} event by event in JavaScript (as on KurrentDB; its default rebuild is set-based SQL), ${over}`,
        unit: 'events/s',
        product: r.eventsPerSecond,
        baseline: figure.rawRead.eventsPerSecond,
        note: 'diagnostic: the rebuild without applyRangeFromEventsTable, as measured before 2026-11-24 (fifth session)',
      })),
    );
    details.push(
      `### 3. Rebuild from position 0 (${name})`,
      '',
      `${figure.events.toLocaleString('en-US')} events of room traffic (≈90% MessagePosted, reactions, edits; ${Math.round(figure.events / 400)} rooms of 11 members) ` +
        `appended through the product 100 per append (${formatNumber(figure.seedSeconds)} s), then each read model rebuilt with \`rebuildReadModel\` ` +
        '(libs/projections; room_messages by its set-based SQL over the events table, `applyRangeFromEventsTable`, the others event by event), and all of them in one pass with `rebuildReadModels`, the way the rebuild CLI does. Baseline: a raw sequential read of the same events with the same driver and the same batch ' +
        'size (500), rows as arrays (each driver\'s cheapest row form; the SQLite store reads that way too since 2026-11-24, the baseline with it) and not decoded (median of 3 passes after a warm-up pass).' +
        (mode.name === 'quick' ? ` **Quick mode: ${figure.events.toLocaleString('en-US')} events, not 200,000.**` : ''),
      '',
      '| Read model | Seconds | Events/s | Ratio to raw read |',
      '|---|---:|---:|---:|',
      ...figure.readModels.map((r) => `| ${r.name} | ${formatNumber(r.seconds)} | ${formatNumber(r.eventsPerSecond)} | ${ratioText(r.eventsPerSecond / figure.rawRead.eventsPerSecond)} |`),
      `| all, in one pass | ${formatNumber(figure.all.seconds)} | ${formatNumber(figure.all.eventsPerSecond)} | ${ratioText(figure.all.eventsPerSecond / figure.rawRead.eventsPerSecond)} |`,
      ...figure.eventByEvent.map((r) => `| (${r.name}, event by event in JavaScript) | ${formatNumber(r.seconds)} | ${formatNumber(r.eventsPerSecond)} | ${ratioText(r.eventsPerSecond / figure.rawRead.eventsPerSecond)} |`),
      `| (EventStore.readAll alone) | ${formatNumber(figure.storeRead.seconds)} | ${formatNumber(figure.storeRead.eventsPerSecond)} | ${ratioText(figure.storeRead.eventsPerSecond / figure.rawRead.eventsPerSecond)} |`,
      `| (${figure.writesAlone.readModel}'s rows written alone, bare driver) | ${formatNumber(figure.writesAlone.seconds)} | ${formatNumber(figure.writesAlone.eventsPerSecond)} | ${ratioText(figure.writesAlone.eventsPerSecond / figure.rawRead.eventsPerSecond)} |`,
      `| (the same rows copied inside the database) | ${formatNumber(figure.copiedInDatabase.seconds)} | ${formatNumber(figure.copiedInDatabase.eventsPerSecond)} | ${ratioText(figure.copiedInDatabase.eventsPerSecond / figure.rawRead.eventsPerSecond)} |`,
      `| (raw read: baseline) | ${formatNumber(figure.rawRead.seconds)} | ${formatNumber(figure.rawRead.eventsPerSecond)} | 1.00x |`,
      '',
    );
  }
}

/**
 * The mode's steps that fit under the open-file limit: each connection is a descriptor in the bench process (the
 * client) and one in the server, which inherits the limit; 1,000 are left for everything else.
 */
function connectionSteps(steps: number[]): { steps: number[]; limit: number | null } {
  const shell = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const limit = Number.parseInt(shell.stdout ?? '', 10);
  if (!Number.isFinite(limit)) return { steps, limit: null };
  return { steps: steps.filter((n) => n <= limit - 1000), limit };
}

async function connections(mode: Mode): Promise<void> {
  const { steps, limit } = connectionSteps(mode.connections.steps);
  const c = { ...mode.connections, steps };
  const run = (start: () => Promise<Target>, label: string, options: ConnectionsOptions) =>
    withTarget(start, (t) =>
      connectionsFigure(t, options, (s) =>
        progress(
          `   ${label}: ${s.connections} connections: p99 ${ms(s.summary.p99)}` +
            (s.repeatedAfterP99 !== undefined ? ` (repeated after ${ms(s.repeatedAfterP99)})` : '') +
            `, reach ${s.reach}, ${formatNumber(kb(s.rssPerConnection))} KB RSS/connection${s.passed ? '' : ' — stop'}`,
        ),
      ),
    );
  const product: ConnectionsFigure = await run(startHaven('sqlite'), 'haven', c);
  // the bare server takes every step the app took, so that memory is compared at the same step (skipping on their own,
  // one hiccup of the machine made their ladders part at 4,800), then goes on up the ladder from there
  const taken = product.steps.map((s) => s.connections);
  const top = Math.max(...taken);
  const bare: ConnectionsFigure = await run(startBare, 'bare', { ...c, steps: [...new Set(taken), ...c.steps.filter((n) => n > top)], skipFrom: top });
  const cap = c.steps[c.steps.length - 1];
  const firstFailure = (f: ConnectionsFigure, name: string) => {
    const failed = f.steps.find((s) => !s.passed);
    return failed ? `${name} failed at ${failed.connections} (p99 ${ms(failed.summary.p99)}${failed.reach === 1 ? '' : `, reach ${failed.reach}`})` : '';
  };
  const stepUp =
    (c.steps.length <= 4 ? c.steps.join(', ') : `${c.steps.slice(0, 3).join(', ')} … ${cap}`) +
    (c.skipNextUnderMs ? `, skipping one after a p99 under ${c.skipNextUnderMs} ms` : '');
  const cappedByLimit = cap < mode.connections.steps[mode.connections.steps.length - 1];
  rows.push({
    figure: '4',
    metric: `Connections held at 1 msg/s per room of 10 with p99 < ${c.p99LimitMs} ms (step-up ${stepUp}) — haven (sqlite)`,
    unit: '',
    product: product.held,
    baseline: bare.held,
    productPrefix: product.reachedCap ? '≥ ' : '',
    baselinePrefix: bare.reachedCap ? '≥ ' : '',
    note: [
      firstFailure(product, 'haven'),
      firstFailure(bare, 'bare'),
      product.reachedCap || bare.reachedCap ? `${cap} is the step-up cap${cappedByLimit ? `, set by the open-file limit (${limit})` : ''}` : '',
      'the load generator shares the 2 cores',
    ]
      .filter(Boolean)
      .join('; '),
  });
  // memory compared at the largest step both sides held: past it a server is overloaded and what it holds includes its
  // backlog (the first step when they have none in common, as in a quick run that fails)
  const heldByBoth = product.steps.filter((s) => s.passed && bare.steps.some((t) => t.passed && t.connections === s.connections));
  const common = heldByBoth.length > 0 ? heldByBoth[heldByBoth.length - 1].connections : c.steps[0];
  const p = product.steps.find((s) => s.connections === common)!;
  const b = bare.steps.find((s) => s.connections === common)!;
  rows.push(
    {
      figure: '4',
      metric: `Memory per connection (RSS growth / connections) at ${common} connections`,
      unit: 'KB',
      product: kb(p.rssPerConnection),
      baseline: kb(b.rssPerConnection),
      target: { op: '<=', value: 1.5 },
    },
    {
      figure: '4',
      metric: `JS heap + external per connection (after GC) at ${common} connections`,
      unit: 'KB',
      product: kb(p.heapPerConnection),
      baseline: kb(b.heapPerConnection),
      note: 'diagnostic',
    },
  );
  const stepRows = (f: ConnectionsFigure) =>
    f.steps.map(
      (s) =>
        `| ${f.target} | ${s.connections} | ${s.rooms} | ${ms(s.summary.p50)} / ${ms(s.summary.p99)} / ${ms(s.summary.max)} | ${s.reach} | ${formatNumber(s.rssMb)} MB | ${formatNumber(kb(s.rssPerConnection))} KB | ${formatNumber(kb(s.heapPerConnection))} KB | ${s.passed ? 'yes' : `no${s.errors ? ` (${s.errors})` : ''}`}${s.repeatedAfterP99 !== undefined ? ` (run again after a window with p99 ${ms(s.repeatedAfterP99)})` : ''} |`,
    );
  details.push(
    '### 4. Connections',
    '',
    `Clients join rooms of 10 (on the app: one creates the room, nine join, through real commands); each room gets 1 message/s for ${c.windowSeconds} s ` +
      `per step. A step passes when p99 < ${c.p99LimitMs} ms, every delivery arrived once and no post failed; a step that missed on latency alone, with a p99 under ` +
      `${NEAR_MISS * c.p99LimitMs} ms, is run once more at the same size (both windows shown), and the step-up stops at the first failure` +
      (c.skipNextUnderMs
        ? `; after a step with p99 under ${c.skipNextUnderMs} ms the next step is skipped (far from the limit). The app goes first; the bare server then takes every step the app took, and goes on up the ladder from there. `
        : '. ') +
      'Memory is compared at the largest step both sides held. ' +
      'The step-up goes as far as ' +
      `the open-file limit allows (${limit ?? 'unknown'}: each connection is a descriptor in the bench process and one in the server, 1,000 kept ` +
      'for the rest). The load generator (every client, in the bench process) shares the 2 cores with the server, so near the top its own ' +
      'work counts too, for the app and the bare server alike. Memory: the server process measured itself after a full GC (preload.js), ' +
      'before any client and after each step.',
    '',
    '| System | Connections | Rooms | Latency p50 / p99 / max | Reach | RSS | RSS growth per connection | Heap+external growth per connection | Passed |',
    '|---|---:|---:|---|---:|---:|---:|---:|---|',
    ...stepRows(product),
    ...stepRows(bare),
    '',
  );
}

async function profile(mode: Mode): Promise<void> {
  if (!mode.profileSeconds) return;
  const seconds = mode.profileSeconds;
  const { rate, summary } = await withTarget(startHaven('sqlite'), async (t) => {
    const perSecond = await profileLoad(t, seconds, mode.e2e.warmupMessages);
    const cpu = (await t.cpuProfile()) as CpuProfile;
    const path = join(REPO, 'dist', 'bench', `app-${mode.name}.cpuprofile`);
    writeFileSync(path, JSON.stringify(cpu));
    notes.push(`CPU profile of the app written to ${path.slice(REPO.length + 1)} (open it in Chrome DevTools → Performance).`);
    return { rate: perSecond, summary: summarizeProfile(cpu) };
  });
  details.push(
    '### CPU profile of the app',
    '',
    `The app (SQLite) under ${seconds} s of the figure-1 closed loop (room of 10, 10 posters awaiting acks, after ${mode.e2e.warmupMessages} warm-up ` +
      `messages: ${formatNumber(rate)} msg/s while profiled), sampled by the V8 profiler every 0.5 ms during those seconds only (the same data ` +
      '`node --cpu-prof` writes; started and stopped through preload.js). The room history grows during the window, as in figure 1.',
    '',
    profileMarkdown(summary),
    '',
  );
}

/**
 * Opt-in (`--only heap`): what one connection costs on the server's heap, by object type: a heap snapshot before and
 * after 400 clients (in rooms of 10) connect, on a fresh server each. Kept out of figure 4: snapshots disturb RSS.
 */
async function heap(): Promise<void> {
  const connections = 400;
  const lines: string[] = [];
  for (const start of [startHaven('sqlite'), startBare]) {
    await withTarget(start, async (t) => {
      const tracker = new Tracker();
      const warm = await makeRoom(t, 10, 'heap-warm', tracker);
      for (const member of warm.members) member.close();
      const before = await t.heapSnapshot();
      const rooms = await mapLimit(Array.from({ length: connections / 10 }, (_, i) => i), 4, (i) => makeRoom(t, 10, `heap${i}`, tracker));
      const after = await t.heapSnapshot();
      for (const room of rooms) for (const member of room.members) member.close();
      lines.push(
        `| ${t.label} | total | ${formatNumber(heapGrowth(before, after, connections, 1000).reduce((sum, g) => sum + g.selfBytes, 0) / 1024)} KB | |`,
        ...heapGrowth(before, after, connections, 12).map((g) => `| ${t.label} | ${g.what} | ${formatNumber(g.selfBytes / 1024)} KB | ${formatNumber(g.count)} |`),
      );
      progress(`   ${t.label}: done`);
    });
  }
  details.push(
    '### Heap growth per connection (heap snapshots)',
    '',
    `Self size of what the server's heap gained per connection after ${connections} clients connected and joined rooms of 10 (after GC), by V8 node type and constructor / function name.`,
    '',
    '| System | What | Bytes per connection | Objects per connection |',
    '|---|---|---:|---:|',
    ...lines,
    '',
  );
}

// ---------------------------------------------------------------------------------------------------------------

const loadAtStart = loadavg()[0];
const stealsMeasured: { start?: CoreSteals; end?: CoreSteals } = {};

function machine(): string[] {
  const git = (args: string[]) => spawnSync('git', args, { cwd: REPO, encoding: 'utf8' }).stdout.trim();
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
  const sqlite = (new Database(':memory:').prepare('select sqlite_version() as v').get() as { v: string }).v;
  const cpu = cpus();
  return [
    `- Commit: ${commit}${dirty ? ' (with uncommitted changes)' : ''}`,
    `- Machine: ${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length} cores, ${Math.round(totalmem() / 1073741824)} GB RAM, Linux ${release()}; Node ${process.version}`,
    `- SQLite ${sqlite} (better-sqlite3), socket.io ${require('socket.io/package.json').version} on both sides, socket.io-client ${require('socket.io-client/package.json').version}`,
    '- All load generators are socket.io clients in the bench process, talking to 127.0.0.1 only; they share the machine with the server under test, ' +
      'so latencies include client-side work, equally for product and baseline.',
    `- Load average (1 min) at start ${loadAtStart.toFixed(2)}, at end ${loadavg()[0].toFixed(2)} on ${cpus().length} cores` +
      (Math.max(loadAtStart, loadavg()[0]) > 1 ? ': other processes were busy on this machine, figures are noisier than usual' : ''),
    ...(stealsMeasured.start && stealsMeasured.end
      ? [
          `- Cores taken away from busy threads (one thread per core spinning ${stealsMeasured.start.seconds} s, with nothing else of the bench running): ` +
            `${coreStealsText('at start', stealsMeasured.start)}, ${coreStealsText('at end', stealsMeasured.end)}. ` +
            'The latency figures are taken with every core busy, and their slowest deliveries fall in such moments (tests/bench/README.md, "Eighth round")',
        ]
      : []),
  ];
}

/**
 * Opt-in (`--only upgrade`): a node started on a log whose read models are all new, until a socket is ready (what an
 * upgrade that changes read models costs a clinic's start), beside a start on an empty log, the rebuild CLI's pass and
 * a read of the same log.
 */
async function upgradeStart(mode: Mode): Promise<void> {
  const lines: string[] = [];
  for (const store of mode.upgrade.stores) {
    const f = await upgradeStartFigure(store, mode.upgrade.events, (text) => progress(`   ${store}: ${text}`));
    const rate = (seconds: number) => formatNumber(f.events / seconds);
    const catchUp = f.startSeconds - f.emptyStartSeconds;
    lines.push(
      `| ${store} | ${formatNumber(f.emptyStartSeconds)} | ${formatNumber(f.healthySeconds)} | ${formatNumber(f.startSeconds)} | ${rate(catchUp)} | ${formatNumber(f.rebuildSeconds)} (${rate(f.rebuildSeconds)}) | ${formatNumber(f.readSeconds)} (${rate(f.readSeconds)}) |`,
    );
  }
  details.push(
    '### A start with every read model new',
    '',
    `${mode.upgrade.events.toLocaleString('en-US')} events of room traffic (as figure 3's), appended after the app's first start on an empty log; the app then ` +
      'started again with every read model at position 0, as after an upgrade that changes them all. Seconds from spawning the app to its first ' +
      'answer of `/health` (up), and to a socket\'s `ready` (it asks for nothing old, so it waits only for the node to reach the head). Beside it: the rebuild CLI\'s pass over the same log ' +
      '(`rebuildReadModels`, all read models at once, this process) and a read of the log through `EventStore.readAll`, 500 at a time.',
    '',
    '| Store | Start, empty log (s) | Read models new: /health up after (s) | Read models new: `ready` after (s) | Catch-up, events/s (the difference of the `ready`s) | Rebuild CLI, s (events/s) | readAll, s (events/s) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...lines,
    '',
  );
}

function report(mode: Mode, started: Date, seconds: number): string {
  const missed = rows.filter((r) => verdict(r) === '**MISSED**');
  return [
    `# Haven benchmark — ${mode.name} mode, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    ...machine(),
    `- Run time: ${formatNumber(seconds)} s${mode.name === 'quick' ? ' (quick mode: short windows, fewer events and connections; smoke-level, noisy figures)' : ''}`,
    '',
    '## Figures',
    '',
    'Ratio = product / baseline. For latency and memory lower is better; for throughput and rates higher is better.',
    '',
    markdownTable(rows),
    '',
    '## Targets missed',
    '',
    ...(missed.length === 0
      ? ['None.']
      : missed.map((r) => `- Figure ${r.figure}, ${r.metric}: ${ratioText(ratioOf(r), r.target)} (target ${r.targetLabel ?? `${r.target!.op} ${r.target!.value}x`}).`)),
    '',
    ...(failures.length > 0 ? ['## Failures', '', ...failures.map((f) => `- ${f}`), ''] : []),
    '## Details',
    '',
    ...details,
    ...(notes.length > 0 ? ['## Notes', '', ...notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
}

/** `mode` with figures 1, 2, 3 and 5 run only on the stores named (comma-separated), to measure one store's change */
function onStores(mode: Mode, names: string | undefined): Mode {
  if (names === undefined) return mode;
  const stores = new Set(names.split(',').map((s) => s.trim()));
  for (const name of stores) if (name !== 'sqlite' && name !== 'postgres') throw new Error(`unknown store ${name}; known: sqlite, postgres`);
  const kept = (list: Store[]) => list.filter((store) => stores.has(store));
  return {
    ...mode,
    e2e: { ...mode.e2e, runs: mode.e2e.runs.filter((run) => stores.has(run.store)) },
    append: { ...mode.append, stores: kept(mode.append.stores) },
    rebuild: { ...mode.rebuild, stores: kept(mode.rebuild.stores) },
    catchUp: { ...mode.catchUp, stores: kept(mode.catchUp.stores) },
    upgrade: { ...mode.upgrade, stores: kept(mode.upgrade.stores) },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      stores: { type: 'string' },
      out: { type: 'string' },
      'no-dated-copy': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    log('npm run bench [-- --quick] [--only e2e,history,append,rebuild,connections,catchup,profile,heap,upgrade] [--stores sqlite,postgres] [--out file.md] [--no-dated-copy]');
    log('  --stores: the stores figures 1, 2, 3 and 5 run on (default: each figure\'s own list); 1b and 4 run on SQLite');
    log('  heap runs only when named in --only (heap snapshots of the app and the bare server with 400 connections)');
    log('  upgrade runs only when named in --only (a start on a log of 200,000 events with every read model new; quick: 20,000)');
    return;
  }
  const mode = onStores(values.quick ? QUICK : DEFAULT, values.stores);
  const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : null;
  for (const name of only ?? []) if (!SECTIONS.includes(name as Section)) throw new Error(`unknown section ${name}; known: ${SECTIONS.join(', ')}`);
  const started = new Date();
  const t0 = nowMs();
  const wants = (section: Section) => (only ? only.has(section) : !OPT_IN.includes(section));
  stealsMeasured.start = await coreSteals(mode.coreStealSeconds);
  progress(`cores taken away: ${coreStealsText('at start', stealsMeasured.start)}`);
  const steps: [Section[], string, (m: Mode) => Promise<void>][] = [
    [['append'], '2. append throughput', append],
    [['rebuild'], '3. rebuild from position 0', rebuild],
    [['e2e', 'history', 'catchup'], '1, 1b, 5. live messages, post cost vs history, catch-up', (m) => live(m, wants)],
    [['connections'], '4. connections', connections],
    [['profile'], 'CPU profile of the app', profile],
    [['heap'], 'heap growth per connection (heap snapshots)', heap],
    [['upgrade'], 'a start with every read model new', upgradeStart],
  ];
  const skipped = (names: Section[]) => names.length === 1 && names[0] === 'profile' && !mode.profileSeconds;
  for (const [names, title, run] of steps) {
    if (!names.some(wants) || skipped(names)) continue;
    const sectionStart = nowMs();
    log(`== ${title}`);
    try {
      await run(mode);
    } catch (error) {
      failures.push(`${title}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      log(`   FAILED: ${String(error)}`);
    }
    log(`   (${formatNumber((nowMs() - sectionStart) / 1000)} s)`);
  }
  stealsMeasured.end = await coreSteals(mode.coreStealSeconds);
  progress(`cores taken away: ${coreStealsText('at end', stealsMeasured.end)}`);
  // keep the table in figure order whatever order the sections ran in
  rows.sort((a, b) => a.figure.localeCompare(b.figure, 'en', { numeric: true }));
  const text = report(mode, started, (nowMs() - t0) / 1000);
  log('');
  log(text);
  const out = resolve(values.out ?? join(REPO, 'dist', 'bench', `results-${mode.name}.md`));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${text}\n`);
  log(`\nwritten to ${out}`);
  if (!values['no-dated-copy'] && !only) {
    const local = new Date(started.getTime() - started.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
    // a second run on the same day gets -2, -3, …: an earlier result (a "before") is never overwritten
    const datedName = (n: number) => join(REPO, 'tests', 'bench', 'results', `${local}-${mode.name}${n > 1 ? `-${n}` : ''}.md`);
    let n = 1;
    while (existsSync(datedName(n))) n++;
    const dated = datedName(n);
    writeFileSync(dated, `${text}\n`);
    log(`dated copy: ${dated}`);
  }
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
