/// <reference types="jest" />
// the app build (types: ["node"]) also compiles specs under libs, so they name their jest types themselves
import type { Actor } from '@haven/domain';
import { AuthError } from './auth-error';
import { createSocketAuthMiddleware, socketActor, type ConnectError } from './socket-auth';
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
