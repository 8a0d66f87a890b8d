import { AuthError, AuthErrorCodes } from './auth-error';
import type { TokenVerifier } from './token-verifier';

/** Whether an admin has suspended a user's access (the app answers it from the log: AccessSuspended, AccessReinstated). */
export interface AccessSuspensions {
  isSuspended(userId: string): Promise<boolean>;
}

/** Nest injection token of the app's AccessSuspensions; without one, nobody is ever suspended. */
export const ACCESS_SUSPENSIONS = Symbol('AccessSuspensions');

/**
 * The verifier, refusing a suspended user's tokens however valid they are (`AUTH.SUSPENDED`): a token lives up to
 * JWT_MAX_AGE_HOURS, and a person an admin cuts off must be cut off now, at every handshake and on every request.
 */
export function refusingSuspended(verifier: TokenVerifier, suspensions: AccessSuspensions): TokenVerifier {
  const refuseIfSuspended = async (userId: string) => {
    let suspended: boolean;
    try {
      suspended = await suspensions.isSuspended(userId);
    } catch (cause) {
      // the database is away: refused, as a suspension cannot be ruled out, and said to be ours and passing (503)
      throw new AuthError(AuthErrorCodes.verifierUnavailable, "this account's access cannot be checked right now; try again shortly", { cause });
    }
    if (suspended) throw new AuthError(AuthErrorCodes.suspended, 'this account is suspended; ask the clinic');
  };
  return {
    async verify(token) {
      const actor = await verifier.verify(token);
      await refuseIfSuspended(actor.userId);
      return actor;
    },
    async verifySession(token) {
      const session = await verifier.verifySession(token);
      await refuseIfSuspended(session.actor.userId);
      return session;
    },
  };
}
