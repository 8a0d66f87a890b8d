import { SignJWT } from 'jose';
import { actorFromClaims } from './actor-claims';
import type { TokenVerifierOptions } from './token-verifier';

export interface FamilyGuestTokenRequest {
  guestId: string;
  familySessionId: string;
  /** when the token stops working (the session's end and a little after) */
  expiresAt: Date;
}

/**
 * Signs the token a family member gets for redeeming an invite: role `family`, scoped to one session, signed with the
 * same HS256 secret the API verifies with, so nothing else has to trust it. With JWKS_URL the API holds no signing key:
 * then the identity provider must issue family tokens, and this returns null.
 */
export async function mintFamilyGuestToken(verifier: TokenVerifierOptions, request: FamilyGuestTokenRequest): Promise<string | null> {
  if (!verifier.jwtSecret) return null;
  // refuse here what the verifier would refuse, so a bad guest id fails at redemption, not at connect
  const actor = actorFromClaims({ sub: request.guestId, role: 'family', familySessionId: request.familySessionId });
  let jwt = new SignJWT({ role: actor.role, familySessionId: actor.familySessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(actor.userId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(request.expiresAt.getTime() / 1000));
  if (verifier.issuer) jwt = jwt.setIssuer(verifier.issuer);
  if (verifier.audience) jwt = jwt.setAudience(verifier.audience);
  return jwt.sign(new TextEncoder().encode(verifier.jwtSecret));
}
