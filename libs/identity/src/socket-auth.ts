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
        // the bearer token is not needed again (its expiry is kept above): not held for as long as the socket lives
        const { token: _verified, ...rest } = socket.handshake.auth as Record<string, unknown>;
        socket.handshake.auth = rest;
        next();
      },
      (error: unknown) => next(toConnectError(error)),
    );
  };
}

/**
 * `session.refresh`: swaps a fresh token into a connected socket, so that it lives on to the new token's expiry without a
 * reconnect (an identity provider's access tokens often live minutes, and each reconnect replays a catch-up). The token is
 * verified as at the handshake (a suspended person is refused), and must be of the socket's very actor: its channels and
 * every check since were made for that person, role and family session. On a refusal the socket keeps its old expiry.
 */
export async function refreshSocketSession(
  socket: Pick<Socket, 'data'>,
  verifier: Pick<TokenVerifier, 'verifySession'>,
  token: string,
): Promise<{ expiresAt: string }> {
  const { actor, expiresAt } = await verifier.verifySession(token);
  const current = socketActor(socket);
  if (!current || !sameActor(current, actor)) {
    throw new AuthError(AuthErrorCodes.anotherActor, 'the new token is of another person, role or family session; reconnect with it instead');
  }
  socket.data.tokenExpiresAt = expiresAt; // SessionExpiries reads it at each sweep
  return { expiresAt: new Date(expiresAt).toISOString() };
}

const sameActor = (a: Actor, b: Actor) => a.userId === b.userId && a.role === b.role && a.familySessionId === b.familySessionId;

/** What a socket receives as `session.expired` right before the server disconnects it. */
export interface SessionExpiredData {
  code: typeof AuthErrorCodes.expired;
  message: string;
}

/** The part of a socket.io socket that SessionExpiries uses. */
type ExpiringSocket = Pick<Socket, 'data' | 'emit' | 'disconnect' | 'on'>;

/**
 * Disconnects sockets when their access tokens expire: authentication is checked at the handshake, so without this a
 * socket would keep receiving health data on a token that has run out. The client gets `session.expired` first, then
 * reconnects with a fresh token and its last position, and misses nothing. One sweep a second for all of a node's
 * sockets rather than a timer per socket (a timer, its closures and a `once` wrapper were about half a kilobyte of
 * every connection); a socket is let go at most a second after its token's `exp`, which is itself in whole seconds.
 */
export class SessionExpiries {
  private readonly sockets = new Set<ExpiringSocket>();
  /** one `disconnect` listener shared by every socket (socket.io calls it with the socket as `this`) */
  private readonly forget: (this: ExpiringSocket) => void;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly sweepEveryMs = 1000,
  ) {
    const sockets = this.sockets;
    this.forget = function () {
      sockets.delete(this);
    };
  }

  /** From now on `socket` is disconnected once its token (`socket.data.tokenExpiresAt`) has expired. */
  watch(socket: ExpiringSocket): void {
    if (expiresAtOf(socket) === undefined) return;
    this.sockets.add(socket);
    socket.on('disconnect', this.forget);
    this.timer ??= setInterval(() => this.sweep(), this.sweepEveryMs).unref();
    // a token that ran out while the connection was being set up is not left for a second more
    if (expiresAtOf(socket)! <= this.now()) this.sweep();
  }

  /** Disconnects every watched socket whose token has expired. */
  sweep(): void {
    const now = this.now();
    for (const socket of this.sockets) {
      if (expiresAtOf(socket)! > now) continue;
      this.sockets.delete(socket);
      const data: SessionExpiredData = { code: AuthErrorCodes.expired, message: 'the access token has expired; reconnect with a new one' };
      socket.emit('session.expired', data);
      socket.disconnect(true);
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.sockets.clear();
  }
}

const expiresAtOf = (socket: Pick<Socket, 'data'>) => (socket.data as { tokenExpiresAt?: number }).tokenExpiresAt;

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
