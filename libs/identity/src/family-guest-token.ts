import { SignJWT } from 'jose';
import { actorFromClaims } from './actor-claims';
import { FAMILY_TOKEN_ISSUER, FAMILY_TOKEN_KID, type TokenVerifierOptions } from './token-verifier';

export interface FamilyGuestTokenRequest {
  guestId: string;
  familySessionId: string;
  /** when the token stops working (the session's end and a little after) */
  expiresAt: Date;
}

/**
 * Signs the token a family member gets for redeeming an invite: role `family`, scoped to one session, with the family
 * key (FAMILY_TOKEN_SECRET, or JWT_SECRET when that is unset), which the API's own verifier trusts for guests only.
 * Null when the API holds no family key (JWKS_URL without FAMILY_TOKEN_SECRET).
 */
export async function mintFamilyGuestToken(verifier: TokenVerifierOptions, request: FamilyGuestTokenRequest): Promise<string | null> {
  if (!verifier.familyTokenSecret) return null;
  // refuse here what the verifier would refuse, so a bad guest id fails at redemption, not at connect
  const actor = actorFromClaims({ sub: request.guestId, role: 'family', familySessionId: request.familySessionId });
  let jwt = new SignJWT({ role: actor.role, familySessionId: actor.familySessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: FAMILY_TOKEN_KID })
    .setIssuer(FAMILY_TOKEN_ISSUER)
    .setSubject(actor.userId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(request.expiresAt.getTime() / 1000));
  if (verifier.audience) jwt = jwt.setAudience(verifier.audience);
  return jwt.sign(new TextEncoder().encode(verifier.familyTokenSecret));
}
