import { DEV_JWT_SECRET } from './dev-jwt-secret';
import type { TokenVerifierOptions } from './token-verifier';

/** tokens older than this (from `iat`) are refused unless JWT_MAX_AGE_HOURS says otherwise (0: no limit) */
export const DEFAULT_MAX_AGE_HOURS = 24;

export interface VerifierConfig {
  options: TokenVerifierOptions;
  /** true when the public dev secret is in use: no JWT_SECRET/JWKS_URL was set, or JWT_SECRET is that secret */
  usingDevSecret: boolean;
}

/**
 * Chooses how tokens are verified from the environment: JWT_SECRET or JWKS_URL, JWT_ISSUER, JWT_AUDIENCE, and the
 * family key (FAMILY_TOKEN_SECRET, else JWT_SECRET; none with JWKS_URL alone). Outside production a missing secret
 * falls back to DEV_JWT_SECRET; production refuses to start without one and refuses the dev secret itself.
 */
export function verifierConfigFromEnv(read: (key: string) => string | number | undefined): VerifierConfig {
  // the validated configuration gives numbers as numbers (JWT_MAX_AGE_HOURS), the raw environment as strings
  const get = (key: string) => {
    const raw = read(key);
    const value = raw === undefined || raw === null ? undefined : String(raw).trim();
    return value === '' ? undefined : value;
  };
  const production = get('NODE_ENV') === 'production';
  const jwtSecret = get('JWT_SECRET');
  const jwksUrl = get('JWKS_URL');
  const familySecret = get('FAMILY_TOKEN_SECRET');
  const maxAgeHours = Number(get('JWT_MAX_AGE_HOURS') ?? DEFAULT_MAX_AGE_HOURS);
  if (!Number.isInteger(maxAgeHours) || maxAgeHours < 0) throw new Error('identity: JWT_MAX_AGE_HOURS must be a whole number of hours (0: no limit)');
  const claims = { issuer: get('JWT_ISSUER'), audience: get('JWT_AUDIENCE'), maxTokenAgeSec: maxAgeHours * 3600 };

  if (production && jwtSecret === DEV_JWT_SECRET) {
    throw new Error('identity: JWT_SECRET is the public DEV_JWT_SECRET; set a real secret in production');
  }
  if (production && familySecret === DEV_JWT_SECRET) {
    throw new Error('identity: FAMILY_TOKEN_SECRET is the public DEV_JWT_SECRET; set a real secret in production');
  }
  if (jwtSecret || jwksUrl) {
    const familyTokenSecret = familySecret ?? jwtSecret;
    return {
      options: { jwtSecret, jwksUrl, ...claims, ...(familyTokenSecret ? { familyTokenSecret } : {}) },
      usingDevSecret: jwtSecret === DEV_JWT_SECRET,
    };
  }
  if (production) {
    throw new Error('identity: NODE_ENV=production needs JWT_SECRET (HS256, >= 32 bytes) or JWKS_URL');
  }
  return { options: { jwtSecret: DEV_JWT_SECRET, ...claims, familyTokenSecret: familySecret ?? DEV_JWT_SECRET }, usingDevSecret: true };
}
