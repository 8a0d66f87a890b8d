import { DomainError } from '@haven/domain';

/** Stable codes of a refused credential; clients switch on them (e.g. sign in again on AUTH.TOKEN_EXPIRED). */
export const AuthErrorCodes = {
  missing: 'AUTH.TOKEN_MISSING',
  malformed: 'AUTH.TOKEN_MALFORMED',
  expired: 'AUTH.TOKEN_EXPIRED',
  invalidSignature: 'AUTH.TOKEN_INVALID_SIGNATURE',
  invalidClaims: 'AUTH.TOKEN_INVALID_CLAIMS',
  /** an admin suspended this user's access: every token of theirs is refused until they are reinstated */
  suspended: 'AUTH.SUSPENDED',
  /** `session.refresh` with a token of someone else (or of the same person in another role): a new connection's work */
  anotherActor: 'AUTH.TOKEN_OF_ANOTHER_ACTOR',
  /** the identity provider's key set could not be fetched, or the database to check suspensions in: ours, not the client's */
  verifierUnavailable: 'AUTH.VERIFIER_UNAVAILABLE',
} as const;

export type AuthErrorCode = (typeof AuthErrorCodes)[keyof typeof AuthErrorCodes];

/**
 * A credential was refused. Edges answer it with 401 (503 for AUTH.VERIFIER_UNAVAILABLE) or a socket
 * connect_error; `cause` keeps the library's error for server logs only, never for the client.
 */
export class AuthError extends DomainError {
  constructor(
    override readonly code: AuthErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(code, message);
    this.name = 'AuthError';
    if (options.cause !== undefined) this.cause = options.cause;
  }
}
