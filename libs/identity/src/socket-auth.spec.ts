/// <reference types="jest" />
// the app build (types: ["node"]) also compiles specs under libs, so they name their jest types themselves
import type { Actor } from '@haven/domain';
import { AuthError } from './auth-error';
import { createSocketAuthMiddleware, refreshSocketSession, SessionExpiries, socketActor, type ConnectError } from './socket-auth';
import type { TokenVerifier } from './token-verifier';

const alice: Actor = { userId: 'alice', role: 'participant' };
const expiresAt = Date.UTC(2026, 10, 24, 12);
const verifier: Pick<TokenVerifier, 'verifySession'> = {
  async verifySession(token) {
    if (token === 'good') return { actor: alice, expiresAt };
    if (token === '') throw new AuthError('AUTH.TOKEN_MISSING', 'no access token was sent');
    throw new AuthError('AUTH.TOKEN_EXPIRED', 'the access token has expired');
  },
};

function handshake(auth: Record<string, unknown>) {
  const socket = { handshake: { auth }, data: {} as Record<string, unknown> };
  const done = new Promise<ConnectError | undefined>((resolve) => {
    createSocketAuthMiddleware(verifier)(socket as never, resolve);
  });
  return { socket, done };
}

describe('socket auth middleware', () => {
  it('sets socket.data.actor for a good token', async () => {
    const { socket, done } = handshake({ token: 'good' });
    expect(await done).toBeUndefined();
    expect(socketActor(socket as never)).toEqual(alice);
    expect(socket.data.tokenExpiresAt).toBe(expiresAt); // the socket is disconnected then
  });

  it('keeps the rest of the handshake, not the bearer token, once verified', async () => {
    const { socket, done } = handshake({ token: 'good', lastPosition: 7 });
    await done;
    expect(socket.handshake.auth).toEqual({ lastPosition: 7 });
  });

  it('refuses with err.data = { code, message } for connect_error', async () => {
    const { socket, done } = handshake({ token: 'stale' });
    const err = await done;
    expect(err).toBeInstanceOf(Error);
    expect(err?.data).toEqual({ code: 'AUTH.TOKEN_EXPIRED', message: 'the access token has expired' });
    expect(socket.data.actor).toBeUndefined();
  });

  it('refuses a handshake without a token as AUTH.TOKEN_MISSING', async () => {
    expect((await handshake({}).done)?.data.code).toBe('AUTH.TOKEN_MISSING');
  });

  it('refuses a non-string token as AUTH.TOKEN_MALFORMED', async () => {
    expect((await handshake({ token: 42 }).done)?.data.code).toBe('AUTH.TOKEN_MALFORMED');
  });

  it('turns an unexpected verifier failure into AUTH.VERIFIER_UNAVAILABLE without its message', async () => {
    const broken: Pick<TokenVerifier, 'verifySession'> = { verifySession: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:443')) };
    const err = await new Promise<ConnectError | undefined>((resolve) =>
      createSocketAuthMiddleware(broken)({ handshake: { auth: { token: 'x' } }, data: {} } as never, resolve),
    );
    expect(err?.data.code).toBe('AUTH.VERIFIER_UNAVAILABLE');
    expect(err?.message).not.toContain('10.0.0.5');
  });
});

describe('session expiries', () => {
  /** a socket as SessionExpiries sees it: socket.io calls listeners with the socket as `this` */
  class FakeSocket {
    readonly emitted: unknown[][] = [];
    readonly listeners: ((this: FakeSocket) => void)[] = [];
    disconnected = false;
    constructor(readonly data: Record<string, unknown>) {}
    emit(event: string, ...args: unknown[]) {
      this.emitted.push([event, ...args]);
      return true;
    }
    on(event: string, listener: (this: FakeSocket) => void) {
      if (event === 'disconnect') this.listeners.push(listener);
      return this;
    }
    disconnect() {
      this.disconnected = true;
      for (const listener of this.listeners) listener.call(this);
      return this;
    }
  }

  it('disconnects each socket once its token has expired, after telling it session.expired, and the others not yet', () => {
    let now = 1_000;
    const expiries = new SessionExpiries(() => now, 60_000);
    const early = new FakeSocket({ tokenExpiresAt: 2_000 });
    const late = new FakeSocket({ tokenExpiresAt: 5_000 });
    const unknown = new FakeSocket({});
    for (const socket of [early, late, unknown]) expiries.watch(socket as never);
    expiries.sweep();
    expect([early.disconnected, late.disconnected]).toEqual([false, false]);
    now = 2_000;
    expiries.sweep();
    expect(early.emitted).toEqual([['session.expired', { code: 'AUTH.TOKEN_EXPIRED', message: expect.any(String) }]]);
    expect([early.disconnected, late.disconnected]).toEqual([true, false]);
    now = 9_000;
    expiries.sweep();
    expiries.sweep();
    expect(late.emitted).toHaveLength(1);
    expect(late.disconnected).toBe(true);
    expect(unknown.disconnected).toBe(false); // no expiry known (a token without `exp`)
    expiries.stop();
  });

  it('forgets a socket that disconnected by itself, and lets one already expired go at once', () => {
    let now = 1_000;
    const expiries = new SessionExpiries(() => now, 60_000);
    const gone = new FakeSocket({ tokenExpiresAt: 2_000 });
    expiries.watch(gone as never);
    gone.disconnect();
    now = 3_000;
    expiries.sweep();
    expect(gone.emitted).toEqual([]);
    const stale = new FakeSocket({ tokenExpiresAt: 2_500 });
    expiries.watch(stale as never);
    expect(stale.disconnected).toBe(true);
    expiries.stop();
  });
});

describe('session refresh', () => {
  const guest: Actor = { userId: 'guest-1', role: 'family', familySessionId: 'session-a' };
  const later = Date.UTC(2026, 10, 24, 13);
  const tokens: Record<string, Actor> = {
    alice,
    'alice-as-mentor': { userId: 'alice', role: 'mentor' },
    bob: { userId: 'bob', role: 'participant' },
    guest,
    'guest-elsewhere': { ...guest, familySessionId: 'session-b' },
  };
  const refresher: Pick<TokenVerifier, 'verifySession'> = {
    async verifySession(token) {
      if (tokens[token]) return { actor: tokens[token], expiresAt: later };
      throw new AuthError('AUTH.TOKEN_EXPIRED', 'the access token has expired');
    },
  };
  const socketOf = (actor: Actor) => ({ data: { actor, tokenExpiresAt: expiresAt } as Record<string, unknown> });

  it("moves the socket's expiry to the newer token's when it is of the same person, role and family session", async () => {
    const socket = socketOf(alice);
    expect(await refreshSocketSession(socket, refresher, 'alice')).toEqual({ expiresAt: new Date(later).toISOString() });
    expect(socket.data.tokenExpiresAt).toBe(later);
    const guestSocket = socketOf(guest);
    await refreshSocketSession(guestSocket, refresher, 'guest');
    expect(guestSocket.data.tokenExpiresAt).toBe(later);
  });

  it.each([
    ['another person', alice, 'bob', 'AUTH.TOKEN_OF_ANOTHER_ACTOR'],
    ['the same person in another role', alice, 'alice-as-mentor', 'AUTH.TOKEN_OF_ANOTHER_ACTOR'],
    ['a guest of another family session', guest, 'guest-elsewhere', 'AUTH.TOKEN_OF_ANOTHER_ACTOR'],
    ['a token the verifier refuses', alice, 'stale', 'AUTH.TOKEN_EXPIRED'],
  ])('refuses a token of %s and keeps the old expiry', async (_what, actor, token, code) => {
    const socket = socketOf(actor);
    await expect(refreshSocketSession(socket, refresher, token)).rejects.toMatchObject({ code });
    expect(socket.data.tokenExpiresAt).toBe(expiresAt);
    expect(socket.data.actor).toBe(actor);
  });
});
