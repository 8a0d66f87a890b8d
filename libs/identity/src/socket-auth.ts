import type { Socket } from 'socket.io';
import type { Actor } from '@haven/domain';
import { AuthError, AuthErrorCodes } from './auth-error';
import type { TokenVerifier } from './token-verifier';

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
export function createSocketAuthMiddleware(verifier: TokenVerifier) {
  return (socket: HandshakingSocket, next: (err?: ConnectError) => void): void => {
    const token: unknown = socket.handshake.auth?.token;
    const verified =
      token === undefined || token === null || typeof token === 'string'
        ? verifier.verify(token ?? '')
        : Promise.reject(new AuthError(AuthErrorCodes.malformed, 'auth.token must be a string'));
    verified.then(
      (actor: Actor) => {
        socket.data.actor = actor;
        next();
      },
      (error: unknown) => next(toConnectError(error)),
    );
  };
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
