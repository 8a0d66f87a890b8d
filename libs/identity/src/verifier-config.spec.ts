/// <reference types="jest" />
// the app build (types: ["node"]) also compiles specs under libs, so they name their jest types themselves
import { DEV_JWT_SECRET } from './dev-jwt-secret';
import { verifierConfigFromEnv } from './verifier-config';

const envOf = (values: Record<string, string>) => (key: string) => values[key];
const SECRET = 'a-production-secret-of-more-than-32-bytes';

describe('verifier configuration from the environment', () => {
  it('falls back to the dev secret outside production, and says so', () => {
    expect(verifierConfigFromEnv(envOf({ NODE_ENV: 'development' }))).toEqual({
      options: { jwtSecret: DEV_JWT_SECRET, issuer: undefined, audience: undefined, maxTokenAgeSec: 24 * 3600, familyTokenSecret: DEV_JWT_SECRET },
      usingDevSecret: true,
    });
  });

  it('says so too when JWT_SECRET is the public dev secret itself (outside production)', () => {
    expect(verifierConfigFromEnv(envOf({ NODE_ENV: 'development', JWT_SECRET: DEV_JWT_SECRET })).usingDevSecret).toBe(true);
    expect(verifierConfigFromEnv(envOf({ NODE_ENV: 'development', JWT_SECRET: SECRET })).usingDevSecret).toBe(false);
  });

  it('uses JWT_SECRET or JWKS_URL with issuer and audience', () => {
    const env = envOf({ NODE_ENV: 'production', JWKS_URL: 'https://idp.example/jwks', JWT_ISSUER: 'idp', JWT_AUDIENCE: 'haven' });
    expect(verifierConfigFromEnv(env).options).toEqual({ jwksUrl: 'https://idp.example/jwks', issuer: 'idp', audience: 'haven', maxTokenAgeSec: 24 * 3600 });
    expect(verifierConfigFromEnv(envOf({ NODE_ENV: 'production', JWT_SECRET: SECRET })).options.jwtSecret).toBe(SECRET);
  });

  it('signs family tokens with FAMILY_TOKEN_SECRET, else JWT_SECRET; with JWKS_URL alone, with nothing', () => {
    const family = 'a-family-token-secret-of-more-than-32-bytes';
    const jwks = { NODE_ENV: 'production', JWKS_URL: 'https://idp.example/jwks' };
    expect(verifierConfigFromEnv(envOf(jwks)).options.familyTokenSecret).toBeUndefined();
    expect(verifierConfigFromEnv(envOf({ ...jwks, FAMILY_TOKEN_SECRET: family })).options.familyTokenSecret).toBe(family);
    expect(verifierConfigFromEnv(envOf({ NODE_ENV: 'production', JWT_SECRET: SECRET })).options.familyTokenSecret).toBe(SECRET);
    expect(verifierConfigFromEnv(envOf({ NODE_ENV: 'production', JWT_SECRET: SECRET, FAMILY_TOKEN_SECRET: family })).options.familyTokenSecret).toBe(family);
    expect(() => verifierConfigFromEnv(envOf({ ...jwks, FAMILY_TOKEN_SECRET: DEV_JWT_SECRET }))).toThrow(/FAMILY_TOKEN_SECRET is the public DEV_JWT_SECRET/);
  });

  it('holds tokens to JWT_MAX_AGE_HOURS from their iat (default 24; 0: no limit), also as a number from the validated configuration', () => {
    expect(verifierConfigFromEnv(envOf({ JWT_SECRET: SECRET })).options.maxTokenAgeSec).toBe(24 * 3600);
    expect(verifierConfigFromEnv(envOf({ JWT_SECRET: SECRET, JWT_MAX_AGE_HOURS: '0' })).options.maxTokenAgeSec).toBe(0);
    expect(verifierConfigFromEnv((key) => ({ JWT_SECRET: SECRET, JWT_MAX_AGE_HOURS: 8 })[key as 'JWT_SECRET']).options.maxTokenAgeSec).toBe(8 * 3600);
    expect(() => verifierConfigFromEnv(envOf({ JWT_SECRET: SECRET, JWT_MAX_AGE_HOURS: '1.5' }))).toThrow(/JWT_MAX_AGE_HOURS/);
  });

  it('refuses to start in production without a secret or JWKS URL', () => {
    expect(() => verifierConfigFromEnv(envOf({ NODE_ENV: 'production', JWT_SECRET: '' }))).toThrow(/production needs JWT_SECRET/);
  });

  it('refuses the public dev secret in production', () => {
    expect(() => verifierConfigFromEnv(envOf({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET }))).toThrow(/DEV_JWT_SECRET/);
  });
});
