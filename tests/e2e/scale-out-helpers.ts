import { randomUUID } from 'node:crypto';
import { createConnection } from 'node:net';
import { AppProcess, freshData, type AppData } from '../support/app-process';
import { dropSchema } from '../support/postgres';
import { closeAllClients, type Ack, type TestClient, type WireEvent } from '../support/sockets';

/**
 * Helpers for tests/e2e/scale-out.e2e.test.ts (two API nodes over one PostgreSQL schema and one Redis). Like
 * tests/support, they only wrap real sockets and real HTTP.
 */

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Two API nodes over one PostgreSQL schema and one Redis (see twoNodesPerFile); a test may replace a node. */
export interface TwoNodes {
  data: AppData;
  A: AppProcess;
  B: AppProcess;
}

/**
 * Two nodes for the whole describe block it is called in, with REDIS_URL and `env`: started before the first test, one
 * after the other (both create the same read-model tables at start), sockets closed after each test, both nodes
 * stopped and the schema dropped after the last. The fields are set once the nodes have started.
 */
export function twoNodesPerFile(env: Record<string, string> = {}): TwoNodes {
  const nodes = {} as TwoNodes;
  beforeAll(async () => {
    await pingRedis();
    nodes.data = freshData('postgres');
    nodes.A = await AppProcess.start(nodes.data, { REDIS_URL, ...env });
    nodes.B = await AppProcess.start(nodes.data, { REDIS_URL, ...env });
  }, 40_000);
  afterEach(() => closeAllClients());
  afterAll(async () => {
    await Promise.all([nodes.A?.stop(), nodes.B?.stop()]);
    if (nodes.data) await dropSchema(nodes.data.env.POSTGRES_SCHEMA).catch(() => undefined);
  });
  return nodes;
}

/** Resolves when Redis answers PING; rejects with a readable message otherwise (the nodes would not start). */
export async function pingRedis(url = REDIS_URL, timeoutMs = 2000): Promise<void> {
  const { hostname, port } = new URL(url);
  await new Promise<void>((resolve, reject) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    const fail = (why: string) => {
      socket.destroy();
      reject(new Error(`Redis at ${url} is not answering (${why}); the scale-out suite needs it`));
    };
    const timer = setTimeout(() => fail('timeout'), timeoutMs);
    socket.once('error', (error) => fail(String(error)));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => {
      clearTimeout(timer);
      socket.end();
      if (chunk.toString().startsWith('+PONG')) resolve();
      else fail(`answered ${JSON.stringify(chunk.toString())}`);
    });
  });
}

export interface TypingSignal {
  roomId: string;
  userId: string;
  typing: boolean;
}
export interface PresenceSignal {
  roomId: string;
  userId: string;
  online: boolean;
}

/** Records the ephemeral signals (not durable events) one socket receives. */
export interface SignalRecorder {
  typing: TypingSignal[];
  presence: PresenceSignal[];
  waitForTyping(predicate: (s: TypingSignal) => boolean, timeoutMs?: number): Promise<TypingSignal>;
  waitForPresence(predicate: (s: PresenceSignal) => boolean, timeoutMs?: number): Promise<PresenceSignal>;
}

export function recordSignals(client: TestClient): SignalRecorder {
  const typing: TypingSignal[] = [];
  const presence: PresenceSignal[] = [];
  const listeners = new Set<() => void>();
  client.socket.on('typing', (s: TypingSignal) => {
    typing.push(s);
    for (const l of listeners) l();
  });
  client.socket.on('presence', (s: PresenceSignal) => {
    presence.push(s);
    for (const l of listeners) l();
  });
  function waitIn<T>(list: T[], what: string, predicate: (s: T) => boolean, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = list.find(predicate);
        if (!found) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`${client.userId}: no matching ${what} signal within ${timeoutMs} ms; got ${JSON.stringify(list)}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  }
  return {
    typing,
    presence,
    waitForTyping: (predicate, timeoutMs = 10000) => waitIn(typing, 'typing', predicate, timeoutMs),
    waitForPresence: (predicate, timeoutMs = 10000) => waitIn(presence, 'presence', predicate, timeoutMs),
  };
}

/**
 * Sends a room command that must be accepted. Concurrent commands on one room stream may lose the optimistic
 * concurrency race five times in a row (`STORE.WRONG_EXPECTED_REVISION`); the protocol says to resend the same
 * command id then, which is what this does (a few times at most).
 */
export async function acceptedWithRetry<T = any>(client: TestClient, message: string, payload: Record<string, unknown>): Promise<T> {
  const commandId = randomUUID();
  let ack: Ack<T> | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    ack = await client.send<T>(message, { commandId, ...payload });
    if (ack.ok) return ack.data;
    if (ack.error.code !== 'STORE.WRONG_EXPECTED_REVISION') break;
  }
  throw new Error(`${client.userId}: ${message} was refused: ${JSON.stringify(ack && !ack.ok ? ack.error : ack)}`);
}

/** Posts a message (resending on a lost concurrency race); resolves with its id and position. */
export async function postFrom(client: TestClient, roomId: string, text: string): Promise<{ messageId: string; position: number; text: string }> {
  const data = await acceptedWithRetry<{ messageId: string; position: number }>(client, 'rooms.post', { roomId, text });
  return { messageId: data.messageId, position: data.position, text };
}

/** The MessagePosted events of one room a client has received, in arrival order. */
export const postedIn = (client: TestClient, roomId: string): WireEvent[] =>
  client.events.filter((e) => e.streamId === `room-${roomId}` && e.type === 'MessagePosted');

/** Waits until `client` has received a MessagePosted at every one of `positions`. */
export async function waitForPositions(client: TestClient, positions: number[], timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const missing = () => positions.filter((p) => !client.events.some((e) => e.position === p));
  while (missing().length > 0) {
    if (Date.now() > deadline) {
      throw new Error(`${client.userId}: never received positions ${missing().join(', ')}; got ${client.events.map((e) => e.position).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** GET over HTTP from one node as `client`'s user. */
export async function getFrom(node: AppProcess, client: TestClient, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${node.url}${path}`, { headers: { authorization: `Bearer ${client.token}` } });
  return { status: response.status, body: await response.json() };
}

/** Resolves once the socket is disconnected (e.g. its node was killed). */
export function disconnected(client: TestClient, timeoutMs = 10000): Promise<void> {
  if (!client.socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${client.userId}: socket still connected after ${timeoutMs} ms`)), timeoutMs);
    client.socket.once('disconnect', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
