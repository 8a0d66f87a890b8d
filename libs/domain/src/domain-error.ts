/**
 * A refused command. The code is stable (clients switch on it, e.g. `ROOM.MUTED`); details carry what a client
 * needs to act (e.g. `retryAfterMs`, `mutedUntil`). Edges map it to HTTP 4xx / a socket ack `{ ok: false, error }`.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** The common codes outside any one context. */
export const CommonErrors = {
  forbidden: (message = 'your role does not allow this') => new DomainError('AUTH.FORBIDDEN', message),
  notFound: (what: string) => new DomainError('NOT_FOUND', `${what} does not exist`),
} as const;
