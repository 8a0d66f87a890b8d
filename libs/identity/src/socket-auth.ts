import type { Socket } from 'socket.io';
import type { Actor } from '@haven/domain';
import { AuthError, AuthErrorCodes } from './auth-error';
import type { TokenVerifier, VerifiedSession } from './token-verifier';

/** What a refused client receives as `err.data` in its `connect_error` handler. */
export interface ConnectErrorData {
  code: string;
  message: string;
}

export type ConnectError = Error & { data: ConnectErrorData };

/** The part of a socket the middleware reads and writes. */
type HandshakingSocket = Pick<Socket, 'handshake' | 'data'>;

/**
 * A socket.io middleware (`server.use(...)`, e.g. in a gateway's afterInit) that verifies
 * `handshake.auth.token` and sets `socket.data.actor`; a refused client gets `connect_error` with
 * `err.data = { code, message }`. Tokens go in `auth`, never the query string, which proxies log.
 */
export function createSocketAuthMiddleware(verifier: Pick<TokenVerifier, 'verifySession'>) {
  return (socket: HandshakingSocket, next: (err?: ConnectError) => void): void => {
    const token: unknown = socket.handshake.auth?.token;
    const verified =
      token === undefined || token === null || typeof token === 'string'
        ? verifier.verifySession(token ?? '')
        : Promise.reject(new AuthError(AuthErrorCodes.malformed, 'auth.token must be a string'));
    verified.then(
      ({ actor, expiresAt }: VerifiedSession) => {
        socket.data.actor = actor;
        socket.data.tokenExpiresAt = expiresAt;
        next();
      },
      (error: unknown) => next(toConnectError(error)),
    );
  };
}

/** What a socket receives as `session.expired` right before the server disconnects it. */
export interface SessionExpiredData {
  code: typeof AuthErrorCodes.expired;
  message: string;
}

/** setTimeout fires at once past this (about 24.8 days); a later expiry is re-armed when the first timer fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Disconnects the socket when its access token expires: authentication is checked at the handshake, so without
 * this a socket would keep receiving health data on a token that has run out. The client gets `session.expired`
 * first, then reconnects with a fresh token and its last position, and misses nothing.
 */
export function disconnectWhenTokenExpires(socket: Socket, now: () => number = Date.now): void {
  const expiresAt = (socket.data as { tokenExpiresAt?: number }).tokenExpiresAt;
  if (expiresAt === undefined) return;
  let timer: NodeJS.Timeout;
  const arm = (): void => {
    const left = expiresAt - now();
    if (left > 0) {
      timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
      return;
    }
    const data: SessionExpiredData = { code: AuthErrorCodes.expired, message: 'the access token has expired; reconnect with a new one' };
    socket.emit('session.expired', data);
    socket.disconnect(true);
  };
  arm();
  socket.once('disconnect', () => clearTimeout(timer));
}

/** The actor a socket authenticated as; undefined only if the middleware was not installed. */
export function socketActor(socket: Pick<Socket, 'data'>): Actor | undefined {
  return (socket.data as { actor?: Actor } | undefined)?.actor;
}

function toConnectError(error: unknown): ConnectError {
  const refused =
    error instanceof AuthError
      ? error
      : new AuthError(AuthErrorCodes.verifierUnavailable, 'the access token cannot be checked right now', { cause: error });
  const data: ConnectErrorData = { code: refused.code, message: refused.message };
  return Object.assign(new Error(refused.message), { data });
}
