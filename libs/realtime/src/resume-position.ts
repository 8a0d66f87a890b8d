import { plainToInstance } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, validateSync } from 'class-validator';
import type { Socket } from 'socket.io';
import { fieldErrorsOf, type FieldError } from '@haven/edge/validation-failed.error';

/** The handshake's resume request: `auth.lastPosition`, validated like any socket payload. */
export class ResumePositionDto {
  /** the last global position the client has processed; absent or null: no catch-up */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  lastPosition?: number | null;
}

/** What a client with an invalid `auth.lastPosition` receives as `err.data` in `connect_error`. */
export interface ResumeRefusal {
  code: 'VALIDATION.FAILED';
  message: string;
  details: { errors: FieldError[] };
}

/**
 * A socket.io middleware (after authentication) that reads `auth.lastPosition` into `socket.data.resumeAfter` (null for
 * no catch-up), or refuses the connection with `VALIDATION.FAILED`: a position that is not a non-negative integer
 * (e.g. the string "42") would otherwise mean a silent "no catch-up" and a client that believes it missed nothing.
 */
export function resumePositionMiddleware(socket: Pick<Socket, 'handshake' | 'data'>, next: (err?: Error & { data: ResumeRefusal }) => void): void {
  const raw: unknown = socket.handshake.auth?.lastPosition;
  // an object or array is no position, and class-transformer's recursive copy of a deeply nested one would overflow
  // the stack inside this middleware, where nothing catches it: the process would end
  const errors: FieldError[] =
    raw !== null && typeof raw === 'object'
      ? [{ property: 'lastPosition', constraints: { isInt: 'lastPosition must be an integer number' } }]
      : fieldErrorsOf(validateSync(plainToInstance(ResumePositionDto, { lastPosition: raw }), { validationError: { target: false, value: false } }));
  if (errors.length === 0) {
    socket.data.resumeAfter = typeof raw === 'number' ? raw : null;
    next();
    return;
  }
  const message = 'auth.lastPosition must be a non-negative integer (or left out for no catch-up)';
  const data: ResumeRefusal = { code: 'VALIDATION.FAILED', message, details: { errors } };
  next(Object.assign(new Error(message), { data }));
}

/** The position a connecting socket resumes after (set by resumePositionMiddleware), or null for no catch-up. */
export function resumeAfterOf(socket: Pick<Socket, 'data'>): number | null {
  const after: unknown = socket.data.resumeAfter;
  return typeof after === 'number' ? after : null;
}
