/// <reference types="jest" />
// the app build (types: ["node"]) also compiles specs under libs, so they name their jest types themselves
import { DEV_JWT_SECRET } from './dev-jwt-secret';
import { mintDevToken } from './dev-token-minter';
import { createTokenVerifier } from './token-verifier';

describe('dev token minter', () => {
  const originalEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = originalEnv;
  });

  it('mints a token the verifier accepts', async () => {
    const token = await mintDevToken({ secret: DEV_JWT_SECRET, sub: 'alice', role: 'mentor' });
    await expect(createTokenVerifier({ jwtSecret: DEV_JWT_SECRET }).verify(token)).resolves.toEqual({ userId: 'alice', role: 'mentor' });
  });

  it('mints a family token scoped to its session, with issuer and audience', async () => {
    const token = await mintDevToken({
      secret: DEV_JWT_SECRET,
      sub: 'gran',
      role: 'family',
      familySessionId: 'fs-9',
      issuer: 'haven-dev',
      audience: 'haven',
    });
    const verifier = createTokenVerifier({ jwtSecret: DEV_JWT_SECRET, issuer: 'haven-dev', audience: 'haven' });
    await expect(verifier.verify(token)).resolves.toEqual({ userId: 'gran', role: 'family', familySessionId: 'fs-9' });
  });

  it('expires after expiresIn', async () => {
    const token = await mintDevToken({ secret: DEV_JWT_SECRET, sub: 'alice', role: 'participant', expiresIn: '8h' });
    const { exp, iat } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number; iat: number };
    expect(exp - iat).toBe(8 * 3600);
  });

  it('refuses under NODE_ENV=production', async () => {
    process.env.NODE_ENV = 'production';
    await expect(mintDevToken({ secret: DEV_JWT_SECRET, sub: 'alice', role: 'admin' })).rejects.toThrow(/production/);
  });

  it('refuses a short secret and claims the verifier would refuse', async () => {
    await expect(mintDevToken({ secret: 'short', sub: 'alice', role: 'admin' })).rejects.toThrow(/32 bytes/);
    await expect(mintDevToken({ secret: DEV_JWT_SECRET, sub: 'gran', role: 'family' })).rejects.toMatchObject({
      code: 'AUTH.TOKEN_INVALID_CLAIMS',
    });
  });
});
