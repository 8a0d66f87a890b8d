import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_JWT_SECRET } from '@haven/identity/dev-jwt-secret';
import { DEV_PERSONAL_DATA_KEY } from '@haven/personal-data/master-keys';
import { mintDevToken } from '@haven/identity/dev-token-minter';
import { freePort, MAIN, TEST_JWT_SECRET, TEST_PERSONAL_DATA_KEY } from '../../support/app-process';
import { describeWithPostgres, dropSchema, uniqueSchema } from '../../support/postgres';
import { openPostgresRelay } from '../../support/tcp-relay';
import { closeAllClients, connect, tokenFor } from '../../support/sockets';
import { accepted, createRoom, joinAll } from '../rooms/rooms-helpers';

/*
 * What an engineer deploying Haven at a clinic expects from its configuration (README, "Configuration (environment
 * variables)"), checked on the built app started as its own process: a mistake stops the start within seconds, with
 * a line of its own naming the variable; a dependency that never answers does not hang the start; a blank value means
 * the default or is refused; production refuses the development conveniences; /health says what is really up.
 * Every start begins in the file's beforeAll, side by side, and each test awaits its own: ~30 s on 2 cores.
 */

const DIST = join(__dirname, '..', '..', '..', 'dist', 'apps', 'api', 'src');
const MINT_TOKEN_CLI = join(DIST, 'cli', 'mint-token.js');
/**
 * a refused start takes 2-5 s with a few others booting beside it, and one waiting on a silent dependency its bounded
 * 10 s more; past this it is hung. 20 s was too short on a slower machine (2026-12-01: silent DATABASE_URL and REDIS_URL
 * still starting at 20 s while six others booted, refused at 11 s alone)
 */
const START_DEADLINE_MS = 45000;
/** how many apps boot at once: more only shares the two cores thinner and blurs what "hung" means */
const BOOTS_AT_ONCE = 6;
const PRODUCTION_SECRET = 'clinic-production-secret-0f3a9c1e7b5d4a2f8e6c';
const CLINIC_ORIGIN = 'https://clinic.example';
const OTHER_ORIGIN = 'https://elsewhere.example';
const LONG = 90000;

type EnvOverrides = Record<string, string | undefined>;

interface StartAttempt<T> {
  /** `exited` before answering; `listening` (then probed and stopped); `still starting` at the deadline (then killed) */
  outcome: 'exited' | 'listening' | 'still starting';
  exitCode: number | string | null;
  /** stdout and stderr, without terminal colours */
  output: string;
  ms: number;
  probed?: T;
}

const children = new Set<ChildProcess>();

/**
 * Starts the app as tests/support/app-process.ts does (SQLite in a fresh directory, also its working directory), with
 * `overrides` (undefined removes a variable). Once it answers /health or logs that it listens, runs `probe` on it and
 * stops it; otherwise waits for it to exit, up to START_DEADLINE_MS. Never throws: the outcome is the finding.
 */
async function attemptStart<T = undefined>(overrides: EnvOverrides, probe?: (url: string) => Promise<T>, dir = mkdtempSync(join(tmpdir(), 'haven-config-'))): Promise<StartAttempt<T>> {
  const port = await freePort();
  const env = { PATH: process.env.PATH, NODE_ENV: 'test', NO_COLOR: '1', PORT: String(port), JWT_SECRET: TEST_JWT_SECRET, PERSONAL_DATA_KEY: TEST_PERSONAL_DATA_KEY, LOG_LEVEL: 'info', SQLITE_PATH: join(dir, 'haven.sqlite'), ...overrides };
  const definedEnv = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)) as Record<string, string>;
  const startedAt = Date.now();
  const child = spawn(process.execPath, [MAIN], { cwd: dir, env: definedEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exitCode: number | string | null | undefined;
  // 'close', not 'exit': output can still be arriving after 'exit' (a refusal once read as saying nothing, 2026-12-02)
  const exited = new Promise<number | string | null>((resolve) => child.on('close', (code, signal) => resolve((exitCode = code ?? signal))));
  const ended = async (outcome: StartAttempt<T>['outcome'], probed?: T): Promise<StartAttempt<T>> => {
    if (exitCode === undefined) await stop(child, exited);
    children.delete(child);
    return { outcome, exitCode: await exited, output: output.replace(/\u001b\[[0-9;]*m/g, ''), ms: Date.now() - startedAt, probed };
  };

  while (exitCode === undefined && Date.now() - startedAt < START_DEADLINE_MS) {
    const answered = await fetch(`http://127.0.0.1:${port}/health`).then(() => true, () => false);
    if (answered || /listening on port/.test(output)) {
      // a probe that throws is reported with the output, and the app is still stopped
      const probed = await probe?.(`http://127.0.0.1:${port}`).catch((error: Error) => void (output += `\n[the test's probe failed: ${error.stack}]`));
      return ended('listening', probed ?? undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return ended(exitCode === undefined ? 'still starting' : 'exited');
}

async function stop(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** runs at most `size` tasks at once, in the order given */
function oneBatchOf(size: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    while (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * "refused, naming X" when the start ended with a non-zero exit and a line of its own (not a stack frame) naming
 * `mention`; otherwise what happened and how the output ends, so that a failure explains itself.
 */
function verdict(attempt: StartAttempt<unknown>, mention: string): string {
  const tail = attempt.output.split('\n').slice(-12).join('\n');
  if (attempt.outcome !== 'exited') return `${attempt.outcome} after ${attempt.ms} ms; output ends:\n${tail}`;
  if (attempt.exitCode === 0) return `exited 0; output ends:\n${tail}`;
  const naming = attempt.output.split('\n').find((line) => line.includes(mention) && !/^\s+at /.test(line));
  return naming ? `refused, naming ${mention}` : `exited ${attempt.exitCode} without naming ${mention}; output ends:\n${tail}`;
}

/** A server that accepts connections and never says a word: a wrong port, or a firewall that swallows packets. */
async function openSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => (sockets.add(socket), socket.on('error', () => undefined)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function writeTempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'haven-config-file-')), name);
  writeFileSync(path, text);
  return path;
}

interface Health {
  status: number;
  /** the health report: the body itself when up; when down, the error body's details (PROTOCOL.md, HTTP endpoints) */
  body: { status?: string; details?: Record<string, { status: string; kind?: string; head?: number; position?: number }> };
  /** the error code when down */
  code?: string;
}

async function healthOf(url: string): Promise<Health> {
  const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
  // terminus's own report has an `error` field too (empty when up): our error body is the one with `ok: false`
  const body = (await response.json()) as Health['body'] & { ok?: false; error?: { code: string; details: Health['body'] } };
  return body.ok === false && body.error ? { status: response.status, body: body.error.details, code: body.error.code } : { status: response.status, body };
}

/** polls /health until `done` holds or `timeoutMs` passes; resolves with the last answer either way */
async function healthWhen(url: string, done: (health: Health) => boolean, timeoutMs = 10000): Promise<Health> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const health = await healthOf(url).catch((error: Error): Health => ({ status: 0, body: { status: String(error) } }));
    if (done(health) || Date.now() > deadline) return health;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** POST /rooms as a facilitator whose token is signed with `secret`; resolves with the HTTP status */
async function createRoomSignedWith(url: string, secret: string): Promise<number> {
  const token = await mintDevToken({ secret, sub: 'fran', role: 'facilitator' });
  const response = await fetch(`${url}/rooms`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ commandId: randomUUID(), name: 'Tuesday evening group', topic: 'coping', kind: 'peer_support', capacity: 10, joinRule: 'open' }),
  });
  return response.status;
}

/** the Access-Control-Allow-Origin a browser page at `origin` gets, for a preflight and for the socket.io handshake */
async function corsFor(url: string, origin: string): Promise<{ http: string | null; socketIo: string | null }> {
  const preflight = await fetch(`${url}/rooms`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
  const handshake = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });
  await handshake.text();
  return { http: preflight.headers.get('access-control-allow-origin'), socketIo: handshake.headers.get('access-control-allow-origin') };
}

/** the statuses of GET /rooms sent as if forwarded for each address in turn (the throttler answers before the auth guard) */
async function statusesForwardedFor(url: string, addresses: string[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const address of addresses) statuses.push((await fetch(`${url}/rooms`, { headers: { 'x-forwarded-for': address } })).status);
  return statuses;
}

/** how long an alert raised now waits for a clinician before it escalates, as the safety queue shows it */
async function escalationWindowSeconds(url: string): Promise<number> {
  const fran = await connect(url, 'fran', 'facilitator');
  const alice = await connect(url, 'alice', 'participant');
  try {
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice);
    await accepted(alice, 'rooms.post', { roomId, text: 'I want to die' });
    const queue = await fetch(`${url}/safety/alerts`, { headers: { authorization: `Bearer ${await tokenFor('dr-kim', 'clinician')}` } });
    const [alert] = ((await queue.json()) as { data: { raisedAt: string; escalateAt: string }[] }).data;
    return (Date.parse(alert.escalateAt) - Date.parse(alert.raisedAt)) / 1000;
  } finally {
    closeAllClients();
  }
}

async function runCli(path: string, args: string[], env: Record<string, string>): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { exitCode, stdout, stderr };
}

const mistakes: { mistake: string; env: EnvOverrides; names: string }[] = [
  { mistake: 'an unknown EVENT_STORE', env: { EVENT_STORE: 'mongodb' }, names: 'EVENT_STORE' },
  { mistake: 'EVENT_STORE=postgres without DATABASE_URL', env: { EVENT_STORE: 'postgres' }, names: 'DATABASE_URL' },
  { mistake: 'EVENT_STORE=kurrentdb without KURRENTDB_URL', env: { EVENT_STORE: 'kurrentdb' }, names: 'KURRENTDB_URL' },
  { mistake: 'a NODE_ENV typo (else it runs as development, on the public dev secret)', env: { NODE_ENV: 'prod' }, names: 'NODE_ENV' },
  { mistake: 'a PORT that is not a number', env: { PORT: 'http' }, names: 'PORT' },
  { mistake: 'a JWT_SECRET shorter than 32 bytes', env: { JWT_SECRET: 'clinic-secret' }, names: 'JWT_SECRET' },
  { mistake: 'a JWKS_URL that is not a URL', env: { JWT_SECRET: undefined, JWKS_URL: 'idp.clinic jwks' }, names: 'JWKS_URL' },
  { mistake: 'both JWT_SECRET and JWKS_URL', env: { JWKS_URL: 'https://idp.clinic.example/jwks' }, names: 'JWKS_URL' },
  { mistake: 'RATE_LIMIT_PER_MINUTE=0', env: { RATE_LIMIT_PER_MINUTE: '0' }, names: 'RATE_LIMIT_PER_MINUTE' },
  { mistake: 'a CORS_ORIGINS entry with a trailing slash (browsers never send one)', env: { CORS_ORIGINS: 'https://clinic.example, https://app.clinic.example/' }, names: 'CORS_ORIGINS' },
  { mistake: 'a LOG_LEVEL pino does not know', env: { LOG_LEVEL: 'verbose' }, names: 'LOG_LEVEL' },
  { mistake: 'a negative SAFETY_ESCALATE_AFTER_SECONDS', env: { SAFETY_ESCALATE_AFTER_SECONDS: '-60' }, names: 'SAFETY_ESCALATE_AFTER_SECONDS' },
  { mistake: 'SAFETY_ESCALATE_AFTER_SECONDS with a unit', env: { SAFETY_ESCALATE_AFTER_SECONDS: '5m' }, names: 'SAFETY_ESCALATE_AFTER_SECONDS' },
  { mistake: 'a SAFETY_PAGER_URL that is not an http(s) URL', env: { SAFETY_PAGER_URL: 'pager.clinic.example/hook' }, names: 'SAFETY_PAGER_URL' },
  { mistake: 'SAFETY_PAGER_SECRET without SAFETY_PAGER_URL (no page would ever be sent)', env: { SAFETY_PAGER_SECRET: 'p'.repeat(40) }, names: 'SAFETY_PAGER_URL' },
  { mistake: 'a SAFETY_PAGER_SECRET shorter than 32 characters', env: { SAFETY_PAGER_URL: 'https://pager.clinic.example/hook', SAFETY_PAGER_SECRET: 'pager-secret' }, names: 'SAFETY_PAGER_SECRET' },
  { mistake: 'a SAFETY_PAGER_ON kind that does not exist', env: { SAFETY_PAGER_URL: 'https://pager.clinic.example/hook', SAFETY_PAGER_ON: 'raised,acknowledged' }, names: 'SAFETY_PAGER_ON' },
  { mistake: 'an OFFLINE_NOTICE_URL that is not an http(s) URL', env: { OFFLINE_NOTICE_URL: 'push.clinic.example/notices' }, names: 'OFFLINE_NOTICE_URL' },
  { mistake: 'OFFLINE_NOTICE_SECRET without OFFLINE_NOTICE_URL (no notice would ever be sent)', env: { OFFLINE_NOTICE_SECRET: 'n'.repeat(40) }, names: 'OFFLINE_NOTICE_URL' },
  { mistake: 'an OFFLINE_NOTICE_SECRET shorter than 32 characters', env: { OFFLINE_NOTICE_URL: 'https://push.clinic.example/notices', OFFLINE_NOTICE_SECRET: 'short' }, names: 'OFFLINE_NOTICE_SECRET' },
  { mistake: 'OFFLINE_NOTICE_AFTER_SECONDS with a unit', env: { OFFLINE_NOTICE_URL: 'https://push.clinic.example/notices', OFFLINE_NOTICE_AFTER_SECONDS: '2m' }, names: 'OFFLINE_NOTICE_AFTER_SECONDS' },
  { mistake: 'an OFFLINE_NOTICE_AFTER_SECONDS under 10', env: { OFFLINE_NOTICE_URL: 'https://push.clinic.example/notices', OFFLINE_NOTICE_AFTER_SECONDS: '0' }, names: 'OFFLINE_NOTICE_AFTER_SECONDS' },
  { mistake: 'a SAFETY_PHRASES_FILE that does not exist', env: { SAFETY_PHRASES_FILE: '/etc/haven/no-such-phrases.json' }, names: 'SAFETY_PHRASES_FILE' },
  { mistake: 'a SAFETY_PHRASES_FILE that is not JSON', env: { SAFETY_PHRASES_FILE: writeTempFile('phrases.json', 'kill myself\nend it all\n') }, names: 'SAFETY_PHRASES_FILE' },
  { mistake: 'a SAFETY_RESOURCES_FILE of the wrong shape', env: { SAFETY_RESOURCES_FILE: writeTempFile('resources.json', '["988", "741741"]') }, names: 'SAFETY_RESOURCES_FILE' },
  { mistake: 'production without JWT_SECRET or JWKS_URL', env: { NODE_ENV: 'production', JWT_SECRET: undefined }, names: 'JWT_SECRET' },
  { mistake: 'production with the public DEV_JWT_SECRET', env: { NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET }, names: 'JWT_SECRET' },
  { mistake: 'production with a JWT_SECRET of 40 spaces', env: { NODE_ENV: 'production', JWT_SECRET: ' '.repeat(40) }, names: 'JWT_SECRET' },
  { mistake: 'JWT_MAX_AGE_HOURS with a unit', env: { JWT_MAX_AGE_HOURS: '24h' }, names: 'JWT_MAX_AGE_HOURS' },
  { mistake: 'a FAMILY_TOKEN_SECRET shorter than 32 bytes', env: { FAMILY_TOKEN_SECRET: 'family-secret' }, names: 'FAMILY_TOKEN_SECRET' },
  { mistake: 'production with the public DEV_JWT_SECRET as FAMILY_TOKEN_SECRET', env: { NODE_ENV: 'production', FAMILY_TOKEN_SECRET: DEV_JWT_SECRET }, names: 'FAMILY_TOKEN_SECRET' },
  { mistake: 'production without PERSONAL_DATA_KEY (the master key of personal data)', env: { NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET, PERSONAL_DATA_KEY: undefined }, names: 'PERSONAL_DATA_KEY' },
  { mistake: 'production with the public DEV_PERSONAL_DATA_KEY', env: { NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET, PERSONAL_DATA_KEY: DEV_PERSONAL_DATA_KEY }, names: 'PERSONAL_DATA_KEY' },
  { mistake: 'a PERSONAL_DATA_KEY that is a passphrase, not 32 bytes of base64', env: { PERSONAL_DATA_KEY: 'correct horse battery staple' }, names: 'PERSONAL_DATA_KEY' },
  { mistake: 'a PERSONAL_DATA_PREVIOUS_KEYS entry that is not a key', env: { PERSONAL_DATA_PREVIOUS_KEYS: `${TEST_PERSONAL_DATA_KEY},old-key` }, names: 'PERSONAL_DATA_PREVIOUS_KEYS' },
  // Found by this audit, fixed 2026-12-01; it was: better-sqlite3's "SqliteError: unable to open database file" names neither the path nor SQLITE_PATH.
  { mistake: 'a SQLITE_PATH that is a directory', env: { SQLITE_PATH: tmpdir() }, names: 'SQLITE_PATH' },
  // Found by this audit, fixed 2026-12-01; it was: the pg driver's own "connect ECONNREFUSED 127.0.0.1:1" leaves the engineer to guess which setting holds
  // that address (the KurrentDB adapter does say "KurrentDB at <url> did not answer").
  { mistake: 'a DATABASE_URL where nothing listens', env: { EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' }, names: 'DATABASE_URL' },
  // Found by this audit, fixed 2026-12-01; it was: pg reads "not a url" as a host named "base": "getaddrinfo ENOTFOUND base".
  { mistake: 'a DATABASE_URL that is not a URL', env: { EVENT_STORE: 'postgres', DATABASE_URL: 'not a url' }, names: 'DATABASE_URL' },
  // Found by this audit, fixed 2026-12-01; it was: an unhandled 'error' event of the Redis client ("connect ECONNREFUSED 127.0.0.1:1"), stack and all.
  { mistake: 'a REDIS_URL where nothing listens', env: { REDIS_URL: 'redis://127.0.0.1:1' }, names: 'REDIS_URL' },
  // Found by this audit, fixed 2026-12-01; it was: "TypeError: Invalid URL" from inside the Redis client: REDIS_URL is not validated with the others.
  { mistake: 'a REDIS_URL that is not a URL', env: { REDIS_URL: 'redis host 6379' }, names: 'REDIS_URL' },
  { mistake: 'a REDIS_KEY_PREFIX with a colon (it is put before one)', env: { REDIS_KEY_PREFIX: 'clinic:a' }, names: 'REDIS_KEY_PREFIX' },
  // Found by this audit, fixed 2026-12-01; it was: main.ts hands TRUST_PROXY to Express unchecked; Express's own spelling `true` dies in proxy-addr with
  // "TypeError: invalid IP address: true", which does not say where "true" came from.
  { mistake: 'TRUST_PROXY=true (not a hop count or an address list)', env: { TRUST_PROXY: 'true' }, names: 'TRUST_PROXY' },
  // Found by this audit, fixed 2026-12-01; it was: DEADLINE_POLL_MS is read unchecked (deadline-poller.ts): Number('soon') is NaN, which setInterval takes
  // as 1 ms, so the app starts and looks for due deadlines a thousand times a second, in the clinic's database too.
  { mistake: 'DEADLINE_POLL_MS in words', env: { DEADLINE_POLL_MS: 'soon' }, names: 'DEADLINE_POLL_MS' },
];

const postgresUp = process.env.HAVEN_TEST_POSTGRES !== 'down';
const relaySchema = uniqueSchema('config');
const silentServers: { close(): Promise<void> }[] = [];
const starts: Record<string, Promise<StartAttempt<any>>> = {};

async function observeProduction(url: string) {
  const testClock = (await fetch(`${url}/test/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ms":3600000}' })).status;
  const roomsWithDevToken = await createRoomSignedWith(url, DEV_JWT_SECRET);
  const healthBefore = await healthOf(url);
  const roomsWithClinicToken = await createRoomSignedWith(url, PRODUCTION_SECRET);
  const headBefore = healthBefore.body.details?.eventStore.head ?? 0;
  const healthAfter = await healthWhen(url, (h) => (h.body.details?.logFollower.position ?? 0) > headBefore);
  return { testClock, roomsWithDevToken, roomsWithClinicToken, healthBefore, healthAfter, clinic: await corsFor(url, CLINIC_ORIGIN), other: await corsFor(url, OTHER_ORIGIN) };
}

async function startBehindRelay() {
  const relay = await openPostgresRelay();
  try {
    return await attemptStart({ EVENT_STORE: 'postgres', DATABASE_URL: relay.databaseUrl, POSTGRES_SCHEMA: relaySchema }, async (url) => {
      const before = await healthOf(url);
      await relay.cut();
      const whileCut = await healthWhen(url, (h) => h.status !== 200);
      // the follower polls every 500 ms: long enough a cut that it has certainly met it
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await relay.restore();
      const afterRestore = await healthWhen(url, (h) => h.body.details?.eventStore.status === 'up', 5000);
      return { before, whileCut, afterRestore };
    });
  } finally {
    await relay.cut();
  }
}

/** Starts on SQLITE_PATH='' (an env file's `SQLITE_PATH=`), creates a room, then starts again on the same settings. */
async function restartOnBlankSqlitePath() {
  const dir = mkdtempSync(join(tmpdir(), 'haven-config-'));
  const headOf = async (url: string) => (await healthOf(url)).body.details?.eventStore.head;
  const first = await attemptStart({ SQLITE_PATH: '' }, async (url) => ((await createRoomSignedWith(url, TEST_JWT_SECRET)), headOf(url)), dir);
  const second = await attemptStart({ SQLITE_PATH: '' }, headOf, dir);
  return { ...first, probed: { headBefore: first.probed, headAfterRestart: second.probed } };
}

beforeAll(async () => {
  // the two that hang idle once booted, so they need no turn; the relay's cut and restore should not wait either
  const silent = await openSilentServer();
  silentServers.push(silent);
  starts.postgresSilent = attemptStart({ EVENT_STORE: 'postgres', DATABASE_URL: `postgres://postgres@127.0.0.1:${silent.port}/test` });
  starts.redisSilent = attemptStart({ REDIS_URL: `redis://127.0.0.1:${silent.port}` });
  if (postgresUp) starts.postgresPartition = startBehindRelay();
  const inTurn = oneBatchOf(BOOTS_AT_ONCE);
  starts.production = inTurn(() => attemptStart({ NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET, CORS_ORIGINS: CLINIC_ORIGIN }, observeProduction));
  starts.productionAnyOrigin = inTurn(() => attemptStart({ NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET, CORS_ORIGINS: '*' }, (url) => corsFor(url, OTHER_ORIGIN)));
  starts.blankPort = inTurn(() => attemptStart({ PORT: '' }));
  starts.blankSqlitePath = inTurn(restartOnBlankSqlitePath);
  starts.blankEscalation = inTurn(() => attemptStart({ SAFETY_ESCALATE_AFTER_SECONDS: '' }, escalationWindowSeconds));
  starts.nestedSqlitePath = inTurn(() => attemptStart({ SQLITE_PATH: join(mkdtempSync(join(tmpdir(), 'haven-config-')), 'var', 'lib', 'haven', 'haven.sqlite') }, healthOf));
  // two requests a minute per client: the third from one address is refused
  const forwarded = ['203.0.113.1', '203.0.113.1', '203.0.113.1', '203.0.113.2'];
  starts.behindProxy = inTurn(() => attemptStart({ RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: 'loopback' }, (url) => statusesForwardedFor(url, forwarded)));
  starts.notBehindProxy = inTurn(() => attemptStart({ RATE_LIMIT_PER_MINUTE: '2' }, (url) => statusesForwardedFor(url, forwarded)));
  starts.postgresPassword = inTurn(() => attemptStart({ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://haven:pg-password-7f3e@127.0.0.1:1/haven' }));
  starts.kurrentPassword = inTurn(() => attemptStart({ EVENT_STORE: 'kurrentdb', KURRENTDB_URL: 'kurrentdb://admin:kurrent-password-9d2c@127.0.0.1:1?tls=false' }));
  mistakes.forEach(({ env }, index) => (starts[`mistake ${index}`] = inTurn(() => attemptStart(env))));
});

afterAll(async () => {
  // a start still running here belongs to a test that failed midway: leave nothing behind
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(silentServers.map((server) => server.close()));
  if (postgresUp) await dropSchema(relaySchema);
}, LONG);

describe('a mistaken configuration stops the start, with a line naming what to fix', () => {
  it.each(mistakes.map((m, index) => [m.mistake, m.names, index] as const))(
    '%s: refused, naming %s',
    async (_mistake, names, index) => {
      expect(verdict(await starts[`mistake ${index}`], names)).toBe(`refused, naming ${names}`);
    },
    LONG,
  );

  it('a password in DATABASE_URL or KURRENTDB_URL stays out of the refusal', async () => {
    const [postgres, kurrent] = await Promise.all([starts.postgresPassword, starts.kurrentPassword]);
    expect([postgres.outcome, kurrent.outcome]).toEqual(['exited', 'exited']);
    expect(postgres.output).not.toContain('pg-password-7f3e');
    expect(kurrent.output).not.toContain('kurrent-password-9d2c');
  }, LONG);
});

describe('a dependency that accepts connections and never answers does not hang the start', () => {
  // Found by this audit, fixed 2026-12-01; it was: pg waits forever for a connection by default (connectionTimeoutMillis 0) and postgresClientConfig sets no
  // limit: a DATABASE_URL at a firewalled host or at another service leaves the app silent and not listening, for good.
  it('DATABASE_URL', async () => {
    expect(verdict(await starts.postgresSilent, 'DATABASE_URL')).toBe('refused, naming DATABASE_URL');
  }, LONG);

  // Found by this audit, fixed 2026-12-01; it was: HavenIoAdapter.connectToRedis awaits connect(), which node-redis retries for ever: no start, no word why.
  it('REDIS_URL', async () => {
    expect(verdict(await starts.redisSilent, 'REDIS_URL')).toBe('refused, naming REDIS_URL');
  }, LONG);
});

describe("a blank value (an env file's `VAR=`) means the default or is refused, never something else", () => {
  // Found by this audit, fixed 2026-12-01; it was: @Type(() => Number) turns '' into 0 and @Min(0) takes it (Environment.PORT): the app listens on a random
  // port and logs "listening on port 0", so the load balancer and the health check find nothing.
  it('PORT: the app listens on 3000', async () => {
    const attempt = await starts.blankPort;
    const listeningOn = /listening on port (\d+)/.exec(attempt.output)?.[1];
    expect(listeningOn === '3000' ? 'listening on 3000' : verdict(attempt, 'PORT')).toMatch(/^(listening on 3000|refused, naming PORT)$/);
  }, LONG);

  // Found by this audit, fixed 2026-12-01; it was: '' passes @IsString() (Environment.SQLITE_PATH) and better-sqlite3 opens '' as a temporary database,
  // deleted on close: after a restart the clinic's whole log is gone, without a word.
  it('SQLITE_PATH: the events are still there after a restart', async () => {
    const attempt = await starts.blankSqlitePath;
    if (attempt.outcome === 'exited') return expect(verdict(attempt, 'SQLITE_PATH')).toBe('refused, naming SQLITE_PATH');
    expect(attempt.probed).toEqual({ headBefore: 1, headAfterRestart: 1 });
  }, LONG);

  // Found by this audit, fixed 2026-12-01; it was: Number('') is 0 (safetyConfigFrom): every crisis alert escalates to every clinician at once, instead of
  // first giving the clinicians on call the documented 300 s.
  it('SAFETY_ESCALATE_AFTER_SECONDS: an alert waits the default 300 s before escalating', async () => {
    const attempt = await starts.blankEscalation;
    if (attempt.outcome === 'exited') return expect(verdict(attempt, 'SAFETY_ESCALATE_AFTER_SECONDS')).toBe('refused, naming SAFETY_ESCALATE_AFTER_SECONDS');
    expect(attempt.probed).toBe(300);
  }, LONG);
});

describe('what is merely unusual works as documented', () => {
  it('SQLITE_PATH in directories that do not exist yet: they are created, and the app is healthy', async () => {
    const attempt = await starts.nestedSqlitePath;
    expect({ outcome: attempt.outcome, health: attempt.probed?.status }).toEqual({ outcome: 'listening', health: 200 });
  }, LONG);

  it('TRUST_PROXY=loopback: the rate limit counts each forwarded client address apart', async () => {
    const attempt = await starts.behindProxy;
    expect(attempt.probed?.map((status: number) => status === 429)).toEqual([false, false, true, false]);
  }, LONG);

  it('without TRUST_PROXY, a forged X-Forwarded-For does not buy a client a fresh rate-limit budget', async () => {
    const attempt = await starts.notBehindProxy;
    expect(attempt.probed?.map((status: number) => status === 429)).toEqual([false, false, true, true]);
  }, LONG);
});

describe('production refuses the development conveniences', () => {
  let production: Awaited<ReturnType<typeof observeProduction>>;
  beforeAll(async () => {
    const attempt = await starts.production;
    if (!attempt.probed) throw new Error(`the production app did not start or answer:\n${attempt.output}`);
    production = attempt.probed;
  }, LONG);

  it('has no test clock to move', () => {
    expect(production.testClock).toBe(404);
  });

  it('refuses a token signed with the public dev secret, and accepts one signed with its own', () => {
    expect({ dev: production.roomsWithDevToken, clinic: production.roomsWithClinicToken }).toEqual({ dev: 401, clinic: 201 });
  });

  it('answers cross-origin only to CORS_ORIGINS, over HTTP and socket.io', () => {
    expect(production.clinic).toEqual({ http: CLINIC_ORIGIN, socketIo: CLINIC_ORIGIN });
    expect(production.other).toEqual({ http: null, socketIo: null });
  });

  it("CORS_ORIGINS='*' is refused, naming the variable", async () => {
    const attempt = await starts.productionAnyOrigin;
    // refused since 2026-12-01 (an entry that is not an origin matched nothing, silently)
    expect(verdict(attempt, 'CORS_ORIGINS')).toBe('refused, naming CORS_ORIGINS');
  }, LONG);

  it('the mint-token CLI refuses, and prints no token', async () => {
    const minted = await runCli(MINT_TOKEN_CLI, ['--sub', 'alice', '--role', 'admin'], { NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET });
    expect(minted).toEqual({ exitCode: 1, stdout: '', stderr: expect.stringContaining('NODE_ENV=production') });
  });
});

describe('/health tells the truth', () => {
  it('names the store, and its head and the follower position move with an append', async () => {
    const { healthBefore, healthAfter } = (await starts.production).probed as Awaited<ReturnType<typeof observeProduction>>;
    expect(healthBefore).toMatchObject({
      status: 200,
      body: { status: 'ok', details: { eventStore: { status: 'up', kind: 'sqlite', head: expect.any(Number) }, logFollower: { status: 'up', position: expect.any(Number) } } },
    });
    const { eventStore, logFollower } = healthAfter.body.details!;
    expect(eventStore.head).toBe(healthBefore.body.details!.eventStore.head! + 1);
    expect(logFollower.position).toBe(eventStore.head);
  }, LONG);

  describeWithPostgres('when PostgreSQL cannot be reached', () => {
    let seen: Record<'before' | 'whileCut' | 'afterRestore', Health>;
    beforeAll(async () => {
      const attempt = await starts.postgresPartition;
      if (!attempt.probed) throw new Error(`the app behind the relay did not start or answer:\n${attempt.output}`);
      seen = attempt.probed;
    }, LONG);

    it('is up and names PostgreSQL before the cut', () => {
      expect(seen.before).toMatchObject({ status: 200, body: { details: { eventStore: { status: 'up', kind: 'postgres' } } } });
    });

    // Found by this audit, fixed 2026-12-01; it was: terminus answers 503 with which check is down, but the global HttpExceptionFilter (libs/edge,
    // errorBodyForHttpStatus) knows no 503 and turns it into 500 INTERNAL "something went wrong on our side": the
    // status the Dockerfile and docker-compose.yml document is not sent, and the body no longer says what is down.
    it('answers 503, saying the store is down', () => {
      expect(seen.whileCut).toMatchObject({ status: 503, code: 'HEALTH.UNAVAILABLE', body: { status: 'error', details: { eventStore: { status: 'down', kind: 'postgres' } } } });
    });

    // Found by this audit, fixed 2026-12-01; it was: once PostgreSQL is back, /health said the store was down when it was the follower
    // that had stopped. The follower now resumes by itself (tests/e2e/log-follower-recovery.e2e.test.ts); until it has, health says
    // it is the follower.
    it('once it is back, says the store is up and whether the follower still follows', () => {
      const { status, body } = seen.afterRestore;
      expect(body.details?.eventStore.status).toBe('up');
      expect(status).toBe(body.details?.logFollower.status === 'up' ? 200 : 503);
    });
  });
});
