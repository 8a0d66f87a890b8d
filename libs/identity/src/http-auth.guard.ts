import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Actor } from '@haven/domain';
import { bearerToken } from './bearer-token';
import { TOKEN_VERIFIER, type TokenVerifier } from './token-verifier';

/** The request as the guard leaves it. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  actor?: Actor;
}

/**
 * Verifies `Authorization: Bearer <token>` and sets `request.actor`. A refusal throws the AuthError,
 * which the global HTTP filter (libs/edge) answers as 401 `{ ok: false, error }`.
 */
@Injectable()
export class HttpAuthGuard implements CanActivate {
  constructor(@Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.actor = await this.verifier.verify(bearerToken(request.headers.authorization));
    return true;
  }
}
