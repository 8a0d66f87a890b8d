import { DomainError } from '@haven/domain';

/** The one error shape every HTTP response and socket ack uses. */
export interface ErrorBody {
  ok: false;
  error: { code: string; message: string; details: Record<string, unknown> };
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
}

/**
 * Maps anything thrown to what the client may see. A DomainError (AuthError and ValidationFailedError
 * included) keeps its code, message and details: they are written for clients. Anything else becomes a
 * generic 500 INTERNAL: its message may hold SQL, paths or message bodies.
 */
export function toErrorBody(error: unknown): ErrorResponse {
  if (error instanceof DomainError) {
    return respond(statusForCode(error.code), error.code, error.message, error.details);
  }
  if (codeOf(error) === 'STORE.WRONG_EXPECTED_REVISION') {
    // the command handler already retried; its message names internal stream ids
    return respond(409, 'STORE.WRONG_EXPECTED_REVISION', 'the resource changed at the same time; send the command again');
  }
  return internal();
}

/**
 * The HTTP status for a stable error code; codes follow `CONTEXT.REASON`, so suffixes decide.
 * A refused rule (ROOM.MUTED, ROOM.CLOSED) is 422: the request was understood and the rules said no.
 */
export function statusForCode(code: string): number {
  const is = (reason: string) => code === reason || code.endsWith(`.${reason}`);
  if (code === 'VALIDATION.FAILED') return 400;
  // suspended: the token is good and says who you are, and you may not
  if (is('FORBIDDEN') || is('NOT_A_MEMBER') || code === 'AUTH.SUSPENDED') return 403;
  if (is('UNAVAILABLE') || is('VERIFIER_UNAVAILABLE')) return 503;
  if (code.startsWith('AUTH.')) return 401;
  // ROOM.NOT_FOUND, and what a context names more exactly (FAMILY.INVITE_NOT_FOUND, SAFETY.ALERT_NOT_FOUND)
  if (is('NOT_FOUND') || code.endsWith('_NOT_FOUND')) return 404;
  if (is('WRONG_EXPECTED_REVISION') || is('ALREADY_EXISTS')) return 409;
  if (is('RATE_LIMITED') || is('SLOW_MODE')) return 429;
  return 422;
}

/** Codes and generic messages for statuses raised by the framework itself (routing, body parsing, throttling). */
const FRAMEWORK_STATUSES: Record<number, { code: string; message: string; details?: Record<string, unknown> }> = {
  400: { code: 'VALIDATION.FAILED', message: 'the request is not valid', details: { errors: [] } },
  401: { code: 'AUTH.UNAUTHORIZED', message: 'this needs a valid access token' },
  403: { code: 'AUTH.FORBIDDEN', message: 'your role does not allow this' },
  404: { code: 'NOT_FOUND', message: 'no such resource' },
  405: { code: 'METHOD_NOT_ALLOWED', message: 'this method is not allowed here' },
  413: { code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send application/json' },
  429: { code: 'RATE_LIMITED', message: 'too many requests; slow down' },
};

/**
 * Maps a framework error's HTTP status (Nest's HttpException: unknown route, bad JSON, throttler) to our
 * shape. Its own message is dropped: for bad JSON it quotes the body the client sent.
 */
export function errorBodyForHttpStatus(status: number): ErrorResponse {
  const known = FRAMEWORK_STATUSES[status];
  if (known) return respond(status, known.code, known.message, known.details);
  if (Number.isInteger(status) && status >= 400 && status < 500) {
    return respond(status, 'REQUEST_REFUSED', 'the request was refused');
  }
  return internal();
}

function internal(): ErrorResponse {
  return respond(500, 'INTERNAL', 'something went wrong on our side');
}

function respond(status: number, code: string, message: string, details: Record<string, unknown> = {}): ErrorResponse {
  return { status, body: { ok: false, error: { code, message, details } } };
}

function codeOf(error: unknown): unknown {
  return error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
}
