import { randomUUID } from 'node:crypto';
import { AppProcess, freshData, type StoreKind } from '../../support/app-process';
import { closeAllClients, connect, tokenFor, type Ack, type TestClient, type WireEvent } from '../../support/sockets';
import { headPosition } from '../../support/stores';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';
import type { Role } from '@haven/domain';

/**
 * Small helpers for the rooms e2e suites (tests/e2e/rooms). They only wrap tests/support: every call still goes
 * to the real app over a real socket or real HTTP.
 */

/**
 * One app per store for the whole file (call it inside the describe): started before the first test, stopped after
 * the last, sockets closed after each. Every test makes its own room, so tests do not see each other's state.
 */
export function oneAppPerFile(store: StoreKind, started: (app: AppProcess) => void, env: Record<string, string> = {}): void {
  let app: AppProcess | undefined;
  beforeAll(async () => {
    app = await AppProcess.start(freshData(store), env);
    started(app);
  });
  afterEach(() => closeAllClients());
  afterAll(async () => {
    await app?.stop();
  });
}

/**
 * oneAppPerFile with offline notices: a push gateway the tests read (`/push`), a wait of `afterSeconds`, and deadlines
 * polled every 50 ms; both stopped after the last test.
 */
export function oneAppWithPushGatewayPerFile(
  store: StoreKind,
  afterSeconds: number,
  started: (app: AppProcess, gateway: WebhookReceiver) => void,
  env: Record<string, string> = {},
): void {
  let app: AppProcess | undefined;
  let gateway: WebhookReceiver | undefined;
  beforeAll(async () => {
    gateway = await startWebhookReceiver('/push');
    app = await AppProcess.start(freshData(store), { OFFLINE_NOTICE_URL: gateway.url, OFFLINE_NOTICE_AFTER_SECONDS: String(afterSeconds), DEADLINE_POLL_MS: '50', ...env });
    started(app, gateway);
  });
  afterEach(() => closeAllClients());
  afterAll(async () => {
    await app?.stop();
    await gateway?.close();
  });
}

export type RoomSettings = { name: string; topic: string; kind: string; capacity: number; joinRule: string };

export const roomSettings = (overrides: Partial<RoomSettings> = {}): RoomSettings => ({
  name: 'Tuesday evening group',
  topic: 'coping between sessions',
  kind: 'peer_support',
  capacity: 10,
  joinRule: 'open',
  ...overrides,
});

/** Sends a room command with a fresh commandId (unless the payload names one) and resolves with the raw ack. */
export function command<T = any>(client: TestClient, message: string, payload: Record<string, unknown>): Promise<Ack<T>> {
  return client.send<T>(message, { commandId: randomUUID(), ...payload });
}

/** Sends a command that must be accepted; resolves with the ack's data, or fails the test with the refusal. */
export async function accepted<T = any>(client: TestClient, message: string, payload: Record<string, unknown>): Promise<T> {
  const ack = await command<T>(client, message, payload);
  if (!ack.ok) throw new Error(`${client.userId}: ${message} was refused: ${JSON.stringify(ack.error)}`);
  return ack.data;
}

/**
 * Sends a command that must be refused with `code`; asserts the log did not move (a refusal stores nothing) and
 * resolves with the error so the caller can look at its details.
 */
export async function refused(
  app: AppProcess,
  client: TestClient,
  message: string,
  payload: Record<string, unknown>,
  code: string,
): Promise<{ code: string; message: string; details: any }> {
  const head = await headPosition(app.url);
  const ack = await command(client, message, payload);
  expect(ack).toMatchObject({ ok: false, error: { code } });
  expect(await headPosition(app.url)).toBe(head);
  return (ack as Extract<Ack, { ok: false }>).error;
}

/** Creates a room (with `owner` as its facilitator) and resolves with its id. */
export async function createRoom(owner: TestClient, overrides: Partial<RoomSettings> = {}): Promise<string> {
  const data = await accepted<{ roomId: string }>(owner, 'rooms.create', roomSettings(overrides));
  return data.roomId;
}

/** fran's fresh room with alice and bob in it */
export async function roomWithAliceAndBob(app: AppProcess) {
  const fran = await connect(app, 'fran', 'facilitator');
  const alice = await connect(app, 'alice', 'participant');
  const bob = await connect(app, 'bob', 'participant');
  const roomId = await createRoom(fran);
  await joinAll(roomId, alice, bob);
  return { fran, alice, bob, roomId };
}

/**
 * fran's fresh room with these people in it, named as the keys say, each user id with a fresh suffix (`run`), for
 * files that share one app between tests.
 */
export async function freshGroup<Name extends string>(
  app: AppProcess,
  members: Record<Name, Role>,
): Promise<{ fran: TestClient; roomId: string; run: string } & Record<Name, TestClient>> {
  const run = randomUUID().slice(0, 6);
  const fran = await connect(app, `fran-${run}`, 'facilitator');
  const roomId = await createRoom(fran);
  const clients = {} as Record<Name, TestClient>;
  for (const [name, role] of Object.entries(members) as [Name, Role][]) clients[name] = await connect(app, `${name}-${run}`, role);
  await joinAll(roomId, ...Object.values<TestClient>(clients));
  return { fran, roomId, run, ...clients };
}

export async function joinAll(roomId: string, ...clients: TestClient[]): Promise<void> {
  for (const client of clients) await accepted(client, 'rooms.join', { roomId });
}

/** Posts a message that must be accepted; resolves with its id and log position. */
export async function post(
  client: TestClient,
  roomId: string,
  text: string,
  extra: Record<string, unknown> = {},
): Promise<{ messageId: string; position: number }> {
  const data = await accepted<{ messageId: string; position: number }>(client, 'rooms.post', { roomId, text, ...extra });
  return { messageId: data.messageId, position: data.position };
}

export const streamOf = (roomId: string) => `room-${roomId}`;

/** The events of one type (or all) this client has received for one room. */
export function roomEvents(client: TestClient, roomId: string, type?: string): WireEvent[] {
  return client.events.filter((e) => e.streamId === streamOf(roomId) && (type === undefined || e.type === type));
}

/** Waits until this client receives an event of `type` for the room (and matching `match`, when given). */
export function waitInRoom(
  client: TestClient,
  roomId: string,
  type: string,
  match: (event: WireEvent) => boolean = () => true,
): Promise<WireEvent> {
  return client.waitForEvent((e) => e.streamId === streamOf(roomId) && e.type === type && match(e));
}

/** A family guest's socket: family tokens must name their family session, which connect() does not do. */
export async function connectFamily(
  app: AppProcess,
  userId: string,
  familySessionId = 'family-session-1',
  options: { lastPosition?: number } = {},
): Promise<TestClient> {
  const token = await tokenFor(userId, 'family', familySessionId);
  return connect(app, userId, 'family', { ...options, token });
}

/** GET over HTTP as this client's user; resolves with the status and the parsed body. */
export async function httpGet(app: AppProcess, client: TestClient, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${client.token}` } });
  return { status: response.status, body: await response.json() };
}

/** POST JSON over HTTP as this client's user. */
export async function httpPost(
  app: AppProcess,
  client: TestClient,
  path: string,
  body: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** A room's message history as `client` reads it over HTTP (must succeed). */
export async function history(
  app: AppProcess,
  client: TestClient,
  roomId: string,
  query: { before?: number; after?: number; limit?: number } = {},
): Promise<any[]> {
  const params = new URLSearchParams(
    Object.entries(query)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]): [string, string] => [k, String(v)]),
  );
  const suffix = params.toString() ? `?${params}` : '';
  const { status, body } = await httpGet(app, client, `/rooms/${roomId}/messages${suffix}`);
  if (status !== 200) throw new Error(`${client.userId}: history refused with ${status}: ${JSON.stringify(body)}`);
  return body.data;
}
