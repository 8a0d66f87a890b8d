import { HttpException } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { errorBodyForHttpStatus, toErrorBody, type ErrorResponse } from './error-body';

/** Nest's message when a guard returns false in a gateway. */
const WS_GUARD_REFUSAL = 'Forbidden resource';

/**
 * toErrorBody, plus the exceptions Nest raises itself: HttpException (unknown route, bad JSON, throttler,
 * built-in pipes) by status, and WsException (a gateway guard said no).
 */
export function errorResponseOf(exception: unknown): ErrorResponse {
  if (exception instanceof HttpException) {
    return errorBodyForHttpStatus(exception.getStatus());
  }
  if (exception instanceof WsException) {
    return errorBodyForHttpStatus(exception.getError() === WS_GUARD_REFUSAL ? 403 : 400);
  }
  return toErrorBody(exception);
}

/** What a log line may say about an unexpected error: its kind and stack, never request or message content. */
export function describeForLog(exception: unknown): { summary: string; stack?: string } {
  if (exception instanceof Error) {
    const code = (exception as Error & { code?: unknown }).code;
    return { summary: `${exception.name}${typeof code === 'string' ? ` (${code})` : ''}`, stack: exception.stack };
  }
  return { summary: `non-error thrown: ${typeof exception}` };
}
