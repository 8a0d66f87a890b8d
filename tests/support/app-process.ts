import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_DATABASE_URL, uniqueSchema } from './postgres';

export const TEST_JWT_SECRET = 'test-secret-that-is-at-least-32-bytes-long!';
/** the master key every test app wraps its person keys with (32 bytes, base64), unless a test gives another */
export const TEST_PERSONAL_DATA_KEY = Buffer.from('test-master-key-for-personal-dat').toString('base64');
/** the API as `npm start` runs it: the bundle `npm run build` makes (apps/api/bundle.mjs) */
export const MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'api', 'haven-api.js');

export type StoreKind = 'sqlite' | 'postgres';

/** Where an app keeps its data; reuse it to restart an app on the same data. */
export interface AppData {
  store: StoreKind;
  env: Record<string, string>;
}

/**
 * A new deployment: its own SQLite file or PostgreSQL schema, and its own REDIS_KEY_PREFIX, so that with REDIS_URL
 * the nodes of one test share presence and limits and never another test's (test files may run side by side).
 */
export function freshData(store: StoreKind): AppData {
  const redisKeyPrefix = uniqueSchema('haven-test');
  if (store === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'haven-e2e-'));
    return { store, env: { EVENT_STORE: 'sqlite', SQLITE_PATH: join(dir, 'haven.sqlite'), REDIS_KEY_PREFIX: redisKeyPrefix } };
  }
  return { store, env: { EVENT_STORE: 'postgres', DATABASE_URL: TEST_DATABASE_URL, POSTGRES_SCHEMA: uniqueSchema('e2e'), REDIS_KEY_PREFIX: redisKeyPrefix } };
}

/**
 * A port nothing listens on, for an app process or a server the test starts. Not the OS's pick (listen on 0): that
 * port is free only until closed, so another jest worker could be handed the same one while this app boots, and
 * then this test's health check, and everything after it, reached the other worker's app (a CI run saw a safety
 * test receive an alert meant for another deployment's clinicians). Each worker takes ports in turn from its own
 * range below the ephemeral ports (32768 and up, the OS's picks and outgoing connections), from a random start so
 * that the worker's next test file does not begin on the same port; each is checked free before it is handed out.
 */
const PORT_RANGE_START = 20000;
const PORTS_PER_WORKER = 500;
const WORKER_RANGES = 24; // 20000..31999; with more workers than that, two share a range (still checked free)
const workerRange = PORT_RANGE_START + ((Number(process.env.JEST_WORKER_ID ?? 0) % WORKER_RANGES) * PORTS_PER_WORKER);
let nextPortOffset = randomInt(PORTS_PER_WORKER);

export async function freePort(): Promise<number> {
  for (let tried = 0; tried < PORTS_PER_WORKER; tried++) {
    const port = workerRange + (nextPortOffset++ % PORTS_PER_WORKER);
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port in ${workerRange}..${workerRange + PORTS_PER_WORKER - 1}`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The real API, built by `npm run build`, running as its own process. */
export class AppProcess {
  private output = '';
  private exited: Promise<number | string | null>;
  /** set once healthy, cleared by stop() and kill(): an exit in between is a crash, told at once with its output */
  private running = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly data: AppData,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    // 'close', not 'exit': it comes after the process's output is all read, so logs asserted after a stop are whole
    this.exited = new Promise((resolve) =>
      child.on('close', (code, signal) => {
        if (this.running) {
          // otherwise a crash shows only as the next test's "websocket error", with the reason lost
          console.error(`the app on port ${this.port} exited by itself (${code ?? signal}); its last output:\n${this.output.split('\n').slice(-40).join('\n')}`);
        }
        this.running = false;
        resolve(code ?? signal);
      }),
    );
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** the app's process id (to read its memory from outside) */
  get pid(): number {
    return this.child.pid!;
  }

  /** everything the process printed (for assertions on logs, and for failure messages) */
  get logs(): string {
    return this.output;
  }

  /** `main`: another build's entry point (the upgrade fixtures are made by older commits' builds) */
  static async start(data: AppData, extraEnv: Record<string, string> = {}, main = MAIN): Promise<AppProcess> {
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm test does)`);
    const port = await freePort();
    const child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        PORT: String(port),
        JWT_SECRET: TEST_JWT_SECRET,
        PERSONAL_DATA_KEY: TEST_PERSONAL_DATA_KEY,
        LOG_LEVEL: 'warn',
        // a test about something else posts, reacts and joins faster than a person; the limits' own tests set 1
        ROOM_ACTIVITY_LIMIT_SCALE: '100',
        ...data.env,
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new AppProcess(child, port, data);
    await app.waitUntilHealthy();
    app.running = true;
    return app;
  }

  private async waitUntilHealthy(timeoutMs = 20000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | string | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    while (Date.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`app exited with ${exitCode} before it was healthy:\n${this.output}`);
      try {
        const response = await fetch(`${this.url}/health`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`app did not become healthy in ${timeoutMs} ms:\n${this.output}`);
  }

  /**
   * Graceful stop (SIGTERM); resolves with the exit code, or 'SIGTERM' when Nest re-raised the signal after its
   * shutdown hooks ran (its normal way out).
   */
  async stop(): Promise<number | string | null> {
    this.running = false;
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }

  /** Hard kill (SIGKILL), as a crashed node. */
  async kill(): Promise<void> {
    this.running = false;
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}
