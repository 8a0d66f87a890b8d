/**
 * The two systems under the same load: the real app (tests/support/app-process.ts) and the bare socket.io server.
 * Both are driven through one interface, by the same light socket.io clients, so the only difference is the product.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { Role } from '@haven/domain';
import { AppProcess, freshData, type StoreKind } from '../support/app-process';
import { TEST_DATABASE_URL, dropSchema, uniqueSchema } from '../support/postgres';
import { tokenFor } from '../support/sockets';
import { sleep } from './stats';

const PRELOAD = join(__dirname, 'preload.js');
const BARE_SERVER = join(__dirname, 'bare-server.js');

export interface WireEvent {
  position: number;
  type: string;
  streamId: string;
  data: Record<string, any>;
  actorId: string;
  occurredAt: string;
}

export interface MemoryUsage {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export type Ack<T = any> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

/** A connected client: a plain socket.io client that keeps nothing but what the caller's listener keeps. */
export interface BenchClient {
  userId: string;
  socket: Socket;
  ready: { position: number; caughtUp: number };
  request<T = any>(message: string, payload: unknown, timeoutMs?: number): Promise<Ack<T>>;
  close(): void;
}

/** Connects and resolves on `ready`; `onEvent` is attached before the handshake so catch-up events are seen. */
export async function openClient(
  url: string,
  userId: string,
  auth: Record<string, unknown>,
  onEvent?: (event: WireEvent) => void,
  timeoutMs = 30000,
): Promise<BenchClient> {
  const socket = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true, timeout: timeoutMs });
  if (onEvent) socket.on('event', onEvent);
  const ready = await new Promise<{ position: number; caughtUp: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${userId}: no ready within ${timeoutMs} ms`)), timeoutMs);
    socket.once('ready', (info: { position: number; caughtUp: number }) => {
      clearTimeout(timer);
      resolve(info);
    });
    socket.once('connect_error', (error: Error) => {
      clearTimeout(timer);
      reject(new Error(`${userId}: connect_error ${error.message}`));
    });
  }).catch((error: unknown) => {
    socket.close();
    throw error;
  });
  return {
    userId,
    socket,
    ready,
    request: (message, payload, requestTimeoutMs = 30000) => socket.timeout(requestTimeoutMs).emitWithAck(message, payload),
    close: () => socket.close(),
  };
}

/** Asks a child process running preload.js for its memory or its CPU profile. */
class ChildControl {
  private seq = 0;
  constructor(readonly dir: string) {}

  async pid(): Promise<number> {
    for (let i = 0; i < 200; i++) {
      if (existsSync(join(this.dir, 'pid'))) return Number(readFileSync(join(this.dir, 'pid'), 'utf8'));
      await sleep(25);
    }
    throw new Error(`no pid file in ${this.dir}`);
  }

  private async ask(kind: 'mem' | 'prof' | 'profstart' | 'heap', file: (seq: number) => string, timeoutMs: number): Promise<string> {
    const seq = ++this.seq;
    writeFileSync(join(this.dir, 'command'), `${kind} ${seq}`);
    process.kill(await this.pid(), 'SIGWINCH');
    const path = join(this.dir, file(seq));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (existsSync(path)) return kind === 'heap' ? path : readFileSync(path, 'utf8');
      await sleep(20);
    }
    throw new Error(`no ${kind} answer from pid in ${this.dir} within ${timeoutMs} ms`);
  }

  async memory(): Promise<MemoryUsage> {
    return JSON.parse(await this.ask('mem', (seq) => `mem-${seq}.json`, 10000)) as MemoryUsage;
  }

  async startCpuProfile(): Promise<void> {
    await this.ask('profstart', (seq) => `profstart-${seq}`, 10000);
  }

  async cpuProfile(): Promise<unknown> {
    return JSON.parse(await this.ask('prof', (seq) => `cpu-${seq}.cpuprofile`, 30000));
  }

  /** writes a heap snapshot (after GC) and returns its path; it is deleted with the process's control directory */
  heapSnapshot(): Promise<string> {
    return this.ask('heap', (seq) => `heap-${seq}.heapsnapshot`, 120000);
  }
}

export interface Target {
  readonly kind: 'haven' | 'bare';
  readonly label: string;
  readonly url: string;
  /** auth for a user's handshake (the app: a minted dev token) */
  auth(userId: string, role: Role, extra?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** creates a room owned by `owner` (already connected) and returns its id */
  createRoom(owner: BenchClient, capacity: number): Promise<string>;
  join(client: BenchClient, roomId: string): Promise<void>;
  post(client: BenchClient, roomId: string, messageId: string, text: string): Promise<Ack>;
  memory(): Promise<MemoryUsage>;
  /** starts the V8 sampling profiler in the server process; cpuProfile() stops it and returns the profile */
  startCpuProfile(): Promise<void>;
  cpuProfile(): Promise<unknown>;
  heapSnapshot(): Promise<string>;
  stop(): Promise<void>;
}

function expectOk<T>(ack: Ack<T>, what: string): T {
  if (!ack.ok) throw new Error(`${what} refused: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

/** What both servers do alike: the same `rooms.post` message, and measurements through their preload's control files. */
abstract class ControlledTarget {
  protected abstract readonly control: ChildControl;

  post(client: BenchClient, roomId: string, messageId: string, text: string): Promise<Ack> {
    return client.request('rooms.post', { commandId: randomUUID(), roomId, messageId, text });
  }

  memory() {
    return this.control.memory();
  }

  startCpuProfile() {
    return this.control.startCpuProfile();
  }

  cpuProfile() {
    return this.control.cpuProfile();
  }

  heapSnapshot() {
    return this.control.heapSnapshot();
  }
}

/** V8 flags for both server processes, for diagnosis only (see preload.ts and the README) */
const diagnosticEnv = (): Record<string, string> => (process.env.BENCH_V8_FLAGS ? { BENCH_V8_FLAGS: process.env.BENCH_V8_FLAGS } : {});

/** The app load is generated against: high HTTP rate limit, warn logs, production mode (system clock). */
export class HavenTarget extends ControlledTarget implements Target {
  readonly kind = 'haven' as const;
  private constructor(
    readonly app: AppProcess,
    protected readonly control: ChildControl,
    readonly store: StoreKind,
    private readonly cleanup: () => Promise<void>,
  ) {
    super();
  }

  get label(): string {
    return `haven (${this.store})`;
  }

  get url(): string {
    return this.app.url;
  }

  static async start(store: StoreKind): Promise<HavenTarget> {
    const dir = mkdtempSync(join(tmpdir(), 'haven-bench-ctl-'));
    const data = freshData(store);
    const app = await AppProcess.start(data, {
      NODE_ENV: 'production',
      RATE_LIMIT_PER_MINUTE: '100000000',
      ROOM_ACTIVITY_LIMIT_SCALE: '1000000',
      LOG_LEVEL: 'warn',
      NODE_OPTIONS: `--require ${PRELOAD}`,
      ...diagnosticEnv(),
      BENCH_CONTROL_DIR: dir,
    });
    const cleanup = async () => {
      rmSync(dir, { recursive: true, force: true });
      if (store === 'postgres') await dropSchema(data.env.POSTGRES_SCHEMA).catch(() => undefined);
      else rmSync(join(data.env.SQLITE_PATH, '..'), { recursive: true, force: true });
    };
    return new HavenTarget(app, new ChildControl(dir), store, cleanup);
  }

  /** where the app keeps its events (to append to it directly from the bench, as another writer) */
  get dataEnv(): Record<string, string> {
    return this.app.data.env;
  }

  auth(userId: string, role: Role, extra: Record<string, unknown> = {}) {
    return tokenFor(userId, role).then((token) => ({ token, ...extra }));
  }

  async createRoom(owner: BenchClient, capacity: number): Promise<string> {
    const ack = await owner.request<{ roomId: string }>('rooms.create', {
      commandId: randomUUID(),
      name: `bench ${randomUUID().slice(0, 8)}`,
      topic: 'load test',
      kind: 'peer_support',
      capacity,
      joinRule: 'open',
    });
    return expectOk(ack, 'rooms.create').roomId;
  }

  /**
   * Joins, sending the command again (same command id, as the error asks) when concurrent joins to the room made the
   * command handler give up after its attempts; the resends are counted in `joinResends`.
   */
  async join(client: BenchClient, roomId: string): Promise<void> {
    const commandId = randomUUID();
    for (let attempt = 1; ; attempt++) {
      const ack = await client.request('rooms.join', { commandId, roomId });
      if (ack.ok || ack.error.code !== 'STORE.WRONG_EXPECTED_REVISION' || attempt >= 20) {
        expectOk(ack, 'rooms.join');
        return;
      }
      this.joinResends++;
      await sleep(Math.random() * 20 * attempt);
    }
  }

  /** joins sent again after STORE.WRONG_EXPECTED_REVISION (set-up only; posts are never resent) */
  joinResends = 0;

  /** follower position and store head from /health */
  async health(): Promise<{ head: number; follower: number }> {
    const response = await fetch(`${this.url}/health`);
    const body = (await response.json()) as { info: { eventStore: { head: number }; logFollower: { position: number } } };
    return { head: body.info.eventStore.head, follower: body.info.logFollower.position };
  }

  /** graceful stop, bounded: after 20 s the app is killed */
  async stop(): Promise<void> {
    const stopped = this.app.stop().then(() => true);
    let guard: NodeJS.Timeout | undefined;
    const killAfter = new Promise<false>((resolve) => (guard = setTimeout(() => resolve(false), 20000)));
    // the guard is cleared once the app stopped: left pending, it kept the bench process alive for up to 20 s at its end
    const gracefully = await Promise.race([stopped, killAfter]);
    clearTimeout(guard);
    if (!gracefully) await this.app.kill();
    if (process.env.BENCH_APP_OUTPUT) writeFileSync(process.env.BENCH_APP_OUTPUT, this.app.logs);
    await this.cleanup();
  }
}


/** The baseline server in its own child process. */
export class BareTarget extends ControlledTarget implements Target {
  readonly kind = 'bare' as const;
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    protected readonly control: ChildControl,
    /** the schema of its PostgreSQL table, when it writes each post durably before relaying it */
    private readonly durableSchema?: string,
  ) {
    super();
  }

  get label(): string {
    return this.durableSchema ? 'bare socket.io + a durable PostgreSQL INSERT per post' : 'bare socket.io';
  }

  /** `durablePostgres`: each post is inserted into PostgreSQL, one durable commit, before it is relayed (bare-server.ts) */
  static async start({ durablePostgres = false }: { durablePostgres?: boolean } = {}): Promise<BareTarget> {
    const dir = mkdtempSync(join(tmpdir(), 'haven-bench-bare-'));
    // the bare server creates the schema (as the app's migrator creates its own); the bench drops it
    const schema = durablePostgres ? uniqueSchema('bench_bare') : undefined;
    const child = spawn(process.execPath, [BARE_SERVER], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_OPTIONS: `--require ${PRELOAD}`,
        BENCH_CONTROL_DIR: dir,
        ...(schema ? { BARE_DURABLE_PG_URL: TEST_DATABASE_URL, BARE_DURABLE_PG_SCHEMA: schema } : {}),
        ...diagnosticEnv(),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let buffered = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const line = buffered.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { port: number }).port);
      });
      child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
    }).catch(async (error: unknown) => {
      if (schema) await dropSchema(schema).catch(() => undefined);
      throw error;
    });
    return new BareTarget(child, `http://127.0.0.1:${port}`, new ChildControl(dir), schema);
  }

  async auth(userId: string, _role: Role, extra: Record<string, unknown> = {}) {
    return { userId, ...extra };
  }

  async createRoom(owner: BenchClient): Promise<string> {
    const roomId = randomUUID();
    await this.join(owner, roomId);
    return roomId;
  }

  async join(client: BenchClient, roomId: string): Promise<void> {
    expectOk(await client.request('rooms.join', { roomId }), 'rooms.join');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.control.dir, { recursive: true, force: true });
    if (this.durableSchema) await dropSchema(this.durableSchema).catch(() => undefined);
  }
}

