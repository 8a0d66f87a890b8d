import { isStorableText, ROLES, type Actor, type Role } from '@haven/domain';
import { AuthError, AuthErrorCodes } from './auth-error';

/** The user id of SYSTEM_ACTOR; no token may claim it, or a user could pass for a deadline processor. */
const RESERVED_SUBJECTS = new Set(['system']);

/** As long as a user id in any command may be (`userId: 1..200`), so every user can be named by moderators. */
const MAX_SUBJECT_LENGTH = 200;

/**
 * A user id is shown to people and names the user's channel: no surrounding spaces (` system` would read as the
 * system), no control characters, and whole UTF-16 text.
 */
export function isUsableUserId(sub: unknown): sub is string {
  return (
    typeof sub === 'string' &&
    sub.length > 0 &&
    sub.length <= MAX_SUBJECT_LENGTH &&
    sub === sub.trim() &&
    isStorableText(sub) &&
    !/\p{Cc}/u.test(sub) &&
    !RESERVED_SUBJECTS.has(sub)
  );
}

/**
 * Reads the acting user from verified JWT claims: `sub` -> userId, `role` (one of ROLES), and for the
 * family role a `familySessionId` (a family guest is scoped to one session). Throws AUTH.TOKEN_INVALID_CLAIMS.
 */
export function actorFromClaims(claims: Record<string, unknown>): Actor {
  const { sub, role, familySessionId } = claims;
  if (!isUsableUserId(sub)) {
    throw invalidClaims('the access token has no valid subject (sub)');
  }
  if (!isRole(role)) {
    throw invalidClaims('the access token has no valid role');
  }
  if (role !== 'family') {
    // a session scope means nothing for other roles; dropping it keeps Actor's meaning exact
    return { userId: sub, role };
  }
  if (typeof familySessionId !== 'string' || familySessionId.trim() === '') {
    throw invalidClaims('a family access token must name its familySessionId');
  }
  return { userId: sub, role, familySessionId };
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

function invalidClaims(message: string): AuthError {
  return new AuthError(AuthErrorCodes.invalidClaims, message);
}
