import { io, type Socket } from 'socket.io-client';
import { mintDevToken } from '@haven/identity/dev-token-minter';
import type { Role } from '@haven/domain';
import { TEST_JWT_SECRET, type AppProcess } from './app-process';

export interface WireEvent {
  position: number;
  type: string;
  streamId: string;
  data: Record<string, any>;
  actorId: string;
  occurredAt: string;
}

export type Ack<T = any> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; details: any } };

/** A connected test user: a real socket.io client that records every durable event it receives. */
export interface TestClient {
  userId: string;
  token: string;
  socket: Socket;
  events: WireEvent[];
  send<T = any>(message: string, payload: unknown): Promise<Ack<T>>;
  waitForEvent(predicate: (event: WireEvent) => boolean, timeoutMs?: number): Promise<WireEvent>;
  lastPosition(): number;
  close(): void;
}

const openClients = new Set<Socket>();

export async function tokenFor(userId: string, role: Role, familySessionId?: string): Promise<string> {
  return mintDevToken({ secret: TEST_JWT_SECRET, sub: userId, role, familySessionId });
}

/** Connects a user to the app, optionally resuming after a position; resolves once the server says `ready`. */
export async function connect(
  app: AppProcess | string,
  userId: string,
  role: Role,
  options: { lastPosition?: number; token?: string } = {},
): Promise<TestClient> {
  const url = typeof app === 'string' ? app : app.url;
  const token = options.token ?? (await tokenFor(userId, role));
  const socket = io(url, {
    auth: { token, ...(options.lastPosition !== undefined ? { lastPosition: options.lastPosition } : {}) },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  openClients.add(socket);
  const events: WireEvent[] = [];
  const listeners = new Set<() => void>();
  socket.on('event', (event: WireEvent) => {
    events.push(event);
    for (const listener of listeners) listener();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('ready', () => resolve());
    socket.once('connect_error', (error: Error & { data?: unknown }) =>
      reject(Object.assign(new Error(`connect_error: ${error.message}`), { data: error.data })),
    );
  });
  return {
    userId,
    token,
    socket,
    events,
    send: (message, payload) => socket.timeout(10000).emitWithAck(message, payload),
    waitForEvent(predicate, timeoutMs = 10000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (!found) return false;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`${userId}: no matching event within ${timeoutMs} ms; got ${events.map((e) => e.type).join(', ')}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    lastPosition: () => (events.length === 0 ? 0 : events[events.length - 1].position),
    close: () => {
      socket.close();
      openClients.delete(socket);
    },
  };
}

/** Resolves with the connect_error a refused handshake produces. */
export async function connectError(app: AppProcess, auth: Record<string, unknown>): Promise<{ message: string; data: any }> {
  const socket = io(app.url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  try {
    return await new Promise((resolve, reject) => {
      socket.once('connect_error', (error: Error & { data?: unknown }) => resolve({ message: error.message, data: error.data }));
      socket.once('connect', () => reject(new Error('connected although it should have been refused')));
    });
  } finally {
    socket.close();
  }
}

/** For files that start an app per test: after each test, closes every client and stops the app `current()` returns. */
export function closeClientsAndAppAfterEach(current: () => AppProcess | undefined): void {
  afterEach(async () => {
    closeAllClients();
    await current()?.stop();
  });
}

export function closeAllClients(): void {
  for (const socket of openClients) socket.close();
  openClients.clear();
}

/** A short pause to let anything wrongly delivered arrive before asserting it did not. */
export const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));
