import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Actor } from '@haven/domain';
import { AuthError, AuthErrorCodes } from './auth-error';
import type { AuthenticatedRequest } from './http-auth.guard';
import { socketActor } from './socket-auth';

/**
 * The verified actor of an HTTP request (set by HttpAuthGuard) or of a socket (set by the socket auth
 * middleware). Fails closed with 401 when the handler is reachable without authentication.
 */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const actor =
    context.getType() === 'ws'
      ? socketActor(context.switchToWs().getClient())
      : context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) {
    throw new AuthError(AuthErrorCodes.missing, 'this endpoint needs an access token');
  }
  return actor;
});
