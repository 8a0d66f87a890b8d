import { SignJWT } from 'jose';
import type { Role } from '@haven/domain';
import { actorFromClaims } from './actor-claims';
import { MIN_SECRET_BYTES } from './token-verifier';

export interface DevTokenRequest {
  /** HS256 secret the app verifies with (JWT_SECRET, or DEV_JWT_SECRET locally) */
  secret: string;
  sub: string;
  role: Role;
  /** required for the family role */
  familySessionId?: string;
  /** jose time span (`8h`, `30m`) or seconds; default `8h` */
  expiresIn?: string | number;
  issuer?: string;
  audience?: string;
}

/**
 * Signs a token for local runs and tests (HS256). Refuses under NODE_ENV=production, where tokens come
 * from the identity provider only; refuses claims the verifier would refuse, so a bad token fails here.
 */
export async function mintDevToken(request: DevTokenRequest): Promise<string> {
  if (process.env.NODE_ENV === 'production') {
    throw new Error('dev tokens cannot be minted when NODE_ENV=production');
  }
  const { secret, sub, role, familySessionId, expiresIn = '8h', issuer, audience } = request;
  if (Buffer.byteLength(secret ?? '', 'utf8') < MIN_SECRET_BYTES) {
    throw new Error(`the signing secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  const actor = actorFromClaims({ sub, role, familySessionId });

  let jwt = new SignJWT({ role: actor.role, ...(actor.familySessionId ? { familySessionId: actor.familySessionId } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(actor.userId)
    .setIssuedAt()
    .setExpirationTime(expiresIn);
  if (issuer) jwt = jwt.setIssuer(issuer);
  if (audience) jwt = jwt.setAudience(audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
