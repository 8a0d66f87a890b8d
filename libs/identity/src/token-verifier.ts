import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { Actor } from '@haven/domain';
import { AuthError, AuthErrorCodes } from './auth-error';
import { actorFromClaims } from './actor-claims';

export interface TokenVerifierOptions {
  /** HS256 shared secret, at least 32 bytes */
  jwtSecret?: string;
  /** JWKS endpoint of an identity provider; tokens signed with RS256, ES256 or EdDSA */
  jwksUrl?: string;
  /** when set, the token's `iss` must equal it */
  issuer?: string;
  /** when set, the token's `aud` must contain it */
  audience?: string;
  /** leeway for `exp`/`nbf` between our clock and the issuer's, in seconds; default 5 */
  clockToleranceSec?: number;
  /**
   * a token issued (`iat`) longer ago than this, in seconds, is expired whatever its `exp` says, and then `iat` is
   * required: one leaked token with an `exp` years ahead does not open health data for years. 0 or unset: no limit.
   * Family guest tokens, which the API signs itself and which last until their session ends, are not held to it.
   */
  maxTokenAgeSec?: number;
  /**
   * HS256 secret (at least 32 bytes) the API signs family guests' tokens with, and accepts them by, beside either mode
   * above: with JWKS_URL it is what lets the API admit family members who have no account at the identity provider.
   * Only tokens whose header names FAMILY_TOKEN_KID are checked with it, and they must be role `family`.
   */
  familyTokenSecret?: string;
}

/** The `kid` and `iss` of family guest tokens the API signs itself: they choose the family key and nothing else. */
export const FAMILY_TOKEN_KID = 'haven-family';
export const FAMILY_TOKEN_ISSUER = 'haven-family';

/** Turns a bearer token into the acting user, or throws an AuthError. */
export interface TokenVerifier {
  verify(token: string): Promise<Actor>;
  /** verify, with the token's expiry (`exp`, in ms), for a connection that must end when its token does */
  verifySession(token: string): Promise<VerifiedSession>;
}

export interface VerifiedSession {
  actor: Actor;
  expiresAt: number;
}

/** Nest injection token of the app's TokenVerifier. */
export const TOKEN_VERIFIER = Symbol('TokenVerifier');

/** HS256 keys shorter than this can be brute-forced offline from one captured token. */
export const MIN_SECRET_BYTES = 32;
/** A JWT larger than this is not one we issue; refusing it early keeps parsing cheap. */
const MAX_TOKEN_LENGTH = 8192;
const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

/**
 * Builds the verifier from either a shared secret or a JWKS URL (exactly one). Throws at once on a bad
 * configuration, so the app refuses to start rather than refusing every request.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const verifyJwt = jwtVerifierFor(options);
  const verifyFamilyJwt = familyJwtVerifierFor(options);
  const jwtOptions: JWTVerifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: options.clockToleranceSec ?? 5,
    // a token without exp would never expire
    requiredClaims: ['exp'],
  };
  // a guest's token lasts until its session ends, which may be days after the code was redeemed: no maximum age
  const familyJwtOptions: JWTVerifyOptions = { ...jwtOptions, issuer: FAMILY_TOKEN_ISSUER };
  const maxAgeSec = options.maxTokenAgeSec && options.maxTokenAgeSec > 0 ? options.maxTokenAgeSec : undefined;
  if (maxAgeSec) jwtOptions.maxTokenAge = maxAgeSec;

  const verifier: TokenVerifier = {
    async verify(token: string): Promise<Actor> {
      return (await verifier.verifySession(token)).actor;
    },
    async verifySession(token: string): Promise<VerifiedSession> {
      if (typeof token !== 'string' || token.trim() === '') {
        throw new AuthError(AuthErrorCodes.missing, 'no access token was sent');
      }
      if (token.length > MAX_TOKEN_LENGTH) {
        throw new AuthError(AuthErrorCodes.malformed, 'the access token is not a valid JWT');
      }
      const family = verifyFamilyJwt !== null && isFamilyToken(token.trim());
      let payload: JWTPayload;
      try {
        ({ payload } = family ? await verifyFamilyJwt(token.trim(), familyJwtOptions) : await verifyJwt(token.trim(), jwtOptions));
      } catch (error) {
        throw authErrorFromJose(error);
      }
      const actor = actorFromClaims(payload);
      // the family key signs guests only: a token it signed that claims more is refused, whoever holds the key
      if (family && actor.role !== 'family') {
        throw new AuthError(AuthErrorCodes.invalidClaims, 'the access token claims are not valid');
      }
      // exp is a required claim: jose refused the token without it; with a maximum age (and so an iat), it ends then
      const endsAt = !family && maxAgeSec ? Math.min(payload.exp!, payload.iat! + maxAgeSec) : payload.exp!;
      return { actor, expiresAt: endsAt * 1000 };
    },
  };
  return verifier;
}

type VerifyJwt = (token: string, options: JWTVerifyOptions) => Promise<{ payload: JWTPayload }>;

function jwtVerifierFor({ jwtSecret, jwksUrl }: TokenVerifierOptions): VerifyJwt {
  if (jwtSecret && jwksUrl) {
    throw new Error('identity: set either JWT_SECRET or JWKS_URL, not both');
  }
  if (jwtSecret) {
    if (Buffer.byteLength(jwtSecret, 'utf8') < MIN_SECRET_BYTES) {
      throw new Error(`identity: JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (e.g. \`openssl rand -base64 48\`)`);
    }
    const key = new TextEncoder().encode(jwtSecret);
    return (token, options) => jwtVerify(token, key, { ...options, algorithms: ['HS256'] });
  }
  if (jwksUrl) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new Error(`identity: JWKS_URL is not a valid URL`);
    }
    const keySet = createRemoteJWKSet(url);
    return (token, options) => jwtVerify(token, keySet, { ...options, algorithms: ASYMMETRIC_ALGORITHMS });
  }
  throw new Error('identity: a token verifier needs JWT_SECRET or JWKS_URL');
}

function familyJwtVerifierFor({ familyTokenSecret }: TokenVerifierOptions): VerifyJwt | null {
  if (!familyTokenSecret) return null;
  if (Buffer.byteLength(familyTokenSecret, 'utf8') < MIN_SECRET_BYTES) {
    throw new Error(`identity: FAMILY_TOKEN_SECRET must be at least ${MIN_SECRET_BYTES} bytes (e.g. \`openssl rand -base64 48\`)`);
  }
  const key = new TextEncoder().encode(familyTokenSecret);
  return (token, options) => jwtVerify(token, key, { ...options, algorithms: ['HS256'] });
}

/** A header that does not parse is left to the main path, which refuses it as malformed. */
function isFamilyToken(token: string): boolean {
  try {
    return decodeProtectedHeader(token).kid === FAMILY_TOKEN_KID;
  } catch {
    return false;
  }
}

/** Maps jose's error codes (stable across its versions) to ours; anything else is a key-set fetch failure. */
function authErrorFromJose(error: unknown): AuthError {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return new AuthError(AuthErrorCodes.malformed, 'the access token is not a valid JWT', { cause: error });
    case 'ERR_JWT_EXPIRED':
      return new AuthError(AuthErrorCodes.expired, 'the access token has expired', { cause: error });
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new AuthError(AuthErrorCodes.invalidSignature, 'the access token signature is not valid', { cause: error });
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return new AuthError(AuthErrorCodes.invalidClaims, 'the access token claims are not valid', { cause: error });
    default:
      return new AuthError(AuthErrorCodes.verifierUnavailable, 'the access token cannot be checked right now', {
        cause: error,
      });
  }
}
