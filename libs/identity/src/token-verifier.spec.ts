/// <reference types="jest" />
// the app build (types: ["node"]) also compiles specs under libs, so they name their jest types themselves
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { AuthError } from './auth-error';
import { mintFamilyGuestToken } from './family-guest-token';
import { createTokenVerifier, FAMILY_TOKEN_ISSUER, FAMILY_TOKEN_KID } from './token-verifier';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256!';
const key = new TextEncoder().encode(SECRET);

function sign(claims: Record<string, unknown>, options: { exp?: number | string; secret?: Uint8Array } = {}) {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (options.exp !== undefined) jwt.setExpirationTime(options.exp);
  return jwt.sign(options.secret ?? key);
}

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

describe('token verifier (HS256)', () => {
  const verifier = createTokenVerifier({ jwtSecret: SECRET });

  it('accepts a good token and returns the actor', async () => {
    const token = await sign({ sub: 'alice', role: 'participant' }, { exp: '1h' });
    await expect(verifier.verify(token)).resolves.toEqual({ userId: 'alice', role: 'participant' });
  });

  it('gives a session the token\'s expiry in milliseconds, read in the same verification', async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const token = await sign({ sub: 'alice', role: 'participant' }, { exp });
    await expect(verifier.verifySession(token)).resolves.toEqual({ actor: { userId: 'alice', role: 'participant' }, expiresAt: exp * 1000 });
  });

  it('scopes a family guest to its session', async () => {
    const token = await sign({ sub: 'gran', role: 'family', familySessionId: 'fs-1' }, { exp: '1h' });
    await expect(verifier.verify(token)).resolves.toEqual({ userId: 'gran', role: 'family', familySessionId: 'fs-1' });
  });

  it.each([undefined, '', '   '])('refuses a missing token (%p) with AUTH.TOKEN_MISSING', async (token) => {
    expect((await refusal(verifier.verify(token as string))).code).toBe('AUTH.TOKEN_MISSING');
  });

  it.each(['not-a-jwt', 'a.b.c', 'x'.repeat(9000)])('refuses a malformed token with AUTH.TOKEN_MALFORMED', async (token) => {
    expect((await refusal(verifier.verify(token))).code).toBe('AUTH.TOKEN_MALFORMED');
  });

  it('refuses an expired token with AUTH.TOKEN_EXPIRED', async () => {
    const token = await sign({ sub: 'alice', role: 'participant' }, { exp: Math.floor(Date.now() / 1000) - 60 });
    expect((await refusal(verifier.verify(token))).code).toBe('AUTH.TOKEN_EXPIRED');
  });

  it('refuses a token signed with another secret with AUTH.TOKEN_INVALID_SIGNATURE', async () => {
    const other = new TextEncoder().encode('another-secret-that-is-also-long-enough!!');
    const token = await sign({ sub: 'alice', role: 'admin' }, { exp: '1h', secret: other });
    expect((await refusal(verifier.verify(token))).code).toBe('AUTH.TOKEN_INVALID_SIGNATURE');
  });

  it('refuses an unsigned (alg none) token with AUTH.TOKEN_INVALID_SIGNATURE', async () => {
    const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${encode({ alg: 'none' })}.${encode({ sub: 'alice', role: 'admin', exp: 9999999999 })}.`;
    expect((await refusal(verifier.verify(token))).code).toBe('AUTH.TOKEN_INVALID_SIGNATURE');
  });

  it.each([
    ['an unknown role', { sub: 'alice', role: 'superuser' }],
    ['no role', { sub: 'alice' }],
    ['no subject', { role: 'participant' }],
    ['the reserved system subject', { sub: 'system', role: 'admin' }],
    ['the system subject with a space in front', { sub: ' system', role: 'admin' }],
    ['a subject with surrounding spaces', { sub: 'alice ', role: 'participant' }],
    ['a subject with a control character', { sub: 'ali\u0000ce', role: 'participant' }],
    ['a subject longer than any user id a command takes', { sub: 'a'.repeat(201), role: 'participant' }],
    ['a family role without a session', { sub: 'gran', role: 'family' }],
  ])('refuses %s with AUTH.TOKEN_INVALID_CLAIMS', async (_name, claims) => {
    const token = await sign(claims, { exp: '1h' });
    expect((await refusal(verifier.verify(token))).code).toBe('AUTH.TOKEN_INVALID_CLAIMS');
  });

  it('refuses a token without exp, which would never expire', async () => {
    const token = await sign({ sub: 'alice', role: 'participant' });
    expect((await refusal(verifier.verify(token))).code).toBe('AUTH.TOKEN_INVALID_CLAIMS');
  });

  describe('with a maximum token age (JWT_MAX_AGE_HOURS)', () => {
    const aged = createTokenVerifier({ jwtSecret: SECRET, maxTokenAgeSec: 3600 });
    const now = () => Math.floor(Date.now() / 1000);
    const issuedAt = (iat: number | null, exp: number) => {
      const jwt = new SignJWT({ sub: 'alice', role: 'participant' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp);
      return (iat === null ? jwt : jwt.setIssuedAt(iat)).sign(key);
    };

    it('refuses a token issued longer ago than that, whatever its exp says, with AUTH.TOKEN_EXPIRED', async () => {
      expect((await refusal(aged.verify(await issuedAt(now() - 2 * 3600, now() + 10 * 365 * 24 * 3600)))).code).toBe('AUTH.TOKEN_EXPIRED');
    });

    it('ends a session at whichever comes first, exp or iat plus the maximum age', async () => {
      const iat = now();
      expect((await aged.verifySession(await issuedAt(iat, iat + 10 * 365 * 24 * 3600))).expiresAt).toBe((iat + 3600) * 1000);
      expect((await aged.verifySession(await issuedAt(iat, iat + 600))).expiresAt).toBe((iat + 600) * 1000);
    });

    it('needs an iat to tell the age by (AUTH.TOKEN_INVALID_CLAIMS); with no maximum, none is needed', async () => {
      const noIat = await issuedAt(null, now() + 600);
      expect((await refusal(aged.verify(noIat))).code).toBe('AUTH.TOKEN_INVALID_CLAIMS');
      await expect(createTokenVerifier({ jwtSecret: SECRET, maxTokenAgeSec: 0 }).verify(noIat)).resolves.toEqual({ userId: 'alice', role: 'participant' });
    });
  });

  it('checks issuer and audience when configured', async () => {
    const strict = createTokenVerifier({ jwtSecret: SECRET, issuer: 'https://idp.example', audience: 'haven' });
    const wrong = await sign({ sub: 'alice', role: 'participant', iss: 'https://evil.example', aud: 'haven' }, { exp: '1h' });
    const right = await sign({ sub: 'alice', role: 'participant', iss: 'https://idp.example', aud: 'haven' }, { exp: '1h' });
    expect((await refusal(strict.verify(wrong))).code).toBe('AUTH.TOKEN_INVALID_CLAIMS');
    await expect(strict.verify(right)).resolves.toEqual({ userId: 'alice', role: 'participant' });
  });

  it('never puts the token in the error message', async () => {
    const token = await sign({ sub: 'alice', role: 'participant' }, { exp: Math.floor(Date.now() / 1000) - 60 });
    expect((await refusal(verifier.verify(token))).message).not.toContain(token);
  });
});

describe('token verifier configuration', () => {
  it('refuses to start with a secret shorter than 32 bytes', () => {
    expect(() => createTokenVerifier({ jwtSecret: 'short' })).toThrow(/at least 32 bytes/);
  });

  it('refuses to start with neither a secret nor a JWKS URL', () => {
    expect(() => createTokenVerifier({})).toThrow(/JWT_SECRET or JWKS_URL/);
  });

  it('refuses to start with a family token secret shorter than 32 bytes', () => {
    expect(() => createTokenVerifier({ jwksUrl: 'http://127.0.0.1/jwks', familyTokenSecret: 'short' })).toThrow(/FAMILY_TOKEN_SECRET must be at least 32 bytes/);
  });

  it('refuses to start with both a secret and a JWKS URL', () => {
    expect(() => createTokenVerifier({ jwtSecret: SECRET, jwksUrl: 'http://127.0.0.1/jwks' })).toThrow(/not both/);
  });
});

describe('token verifier (JWKS)', () => {
  let server: Server;
  let url: string;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("accepts a token signed by the provider's key", async () => {
    const token = await new SignJWT({ sub: 'carol', role: 'clinician' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setExpirationTime('1h')
      .sign(privateKey);
    await expect(createTokenVerifier({ jwksUrl: url }).verify(token)).resolves.toEqual({ userId: 'carol', role: 'clinician' });
  });

  it('refuses an HS256 token, so the shared-secret path cannot be forged against a JWKS', async () => {
    const token = await sign({ sub: 'carol', role: 'admin' }, { exp: '1h' });
    expect((await refusal(createTokenVerifier({ jwksUrl: url }).verify(token))).code).toBe('AUTH.TOKEN_INVALID_SIGNATURE');
  });

  it('answers AUTH.VERIFIER_UNAVAILABLE when the key set cannot be fetched', async () => {
    const token = await new SignJWT({ sub: 'carol', role: 'clinician' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setExpirationTime('1h')
      .sign(privateKey);
    const unreachable = createTokenVerifier({ jwksUrl: 'http://127.0.0.1:1/jwks' });
    expect((await refusal(unreachable.verify(token))).code).toBe('AUTH.VERIFIER_UNAVAILABLE');
  });

  describe('beside a family token secret', () => {
    const FAMILY_SECRET = 'a-family-secret-that-is-long-enough-for-hs256';
    const familyKey = new TextEncoder().encode(FAMILY_SECRET);
    const verifier = () => createTokenVerifier({ jwksUrl: url, familyTokenSecret: FAMILY_SECRET, audience: 'haven' });
    const guest = { guestId: 'family-i1', familySessionId: 'fs-1', expiresAt: new Date(Date.now() + 3_600_000) };
    const familySigned = (claims: Record<string, unknown>, header: Record<string, unknown> = { kid: FAMILY_TOKEN_KID }) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256', ...header }).setIssuer(FAMILY_TOKEN_ISSUER).setAudience('haven').setExpirationTime('1h').sign(familyKey);

    it("accepts a guest token the API minted, and still the provider's tokens", async () => {
      const token = (await mintFamilyGuestToken({ jwksUrl: url, familyTokenSecret: FAMILY_SECRET, audience: 'haven' }, guest))!;
      await expect(verifier().verify(token)).resolves.toEqual({ userId: 'family-i1', role: 'family', familySessionId: 'fs-1' });
      const staff = await new SignJWT({ sub: 'carol', role: 'clinician' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setAudience('haven').setExpirationTime('1h').sign(privateKey);
      await expect(verifier().verify(staff)).resolves.toEqual({ userId: 'carol', role: 'clinician' });
    });

    it('refuses any other role signed with the family key, so it cannot mint staff', async () => {
      for (const role of ['clinician', 'admin', 'participant']) {
        const token = await familySigned({ sub: 'x', role, familySessionId: 'fs-1' });
        expect((await refusal(verifier().verify(token))).code).toBe('AUTH.TOKEN_INVALID_CLAIMS');
      }
    });

    it('refuses a family-key token without the family kid (the provider path does not take HS256) or with another issuer', async () => {
      const noKid = await familySigned({ sub: 'family-i1', role: 'family', familySessionId: 'fs-1' }, {});
      expect((await refusal(verifier().verify(noKid))).code).toBe('AUTH.TOKEN_INVALID_SIGNATURE');
      const otherIssuer = await new SignJWT({ sub: 'family-i1', role: 'family', familySessionId: 'fs-1' })
        .setProtectedHeader({ alg: 'HS256', kid: FAMILY_TOKEN_KID }).setIssuer('someone-else').setAudience('haven').setExpirationTime('1h').sign(familyKey);
      expect((await refusal(verifier().verify(otherIssuer))).code).toBe('AUTH.TOKEN_INVALID_CLAIMS');
    });

    it('refuses a token with the family kid signed by another key, or by the provider (only HS256 there)', async () => {
      const forged = await new SignJWT({ sub: 'family-i1', role: 'family', familySessionId: 'fs-1' })
        .setProtectedHeader({ alg: 'HS256', kid: FAMILY_TOKEN_KID }).setIssuer(FAMILY_TOKEN_ISSUER).setAudience('haven').setExpirationTime('1h').sign(key);
      expect((await refusal(verifier().verify(forged))).code).toBe('AUTH.TOKEN_INVALID_SIGNATURE');
      const provider = await new SignJWT({ sub: 'family-i1', role: 'family', familySessionId: 'fs-1' })
        .setProtectedHeader({ alg: 'ES256', kid: FAMILY_TOKEN_KID }).setIssuer(FAMILY_TOKEN_ISSUER).setAudience('haven').setExpirationTime('1h').sign(privateKey);
      expect((await refusal(verifier().verify(provider))).code).toBe('AUTH.TOKEN_INVALID_SIGNATURE');
    });

    it('does not hold a guest token to the maximum age of logins (it lasts until its session ends)', async () => {
      const now = Math.floor(Date.now() / 1000);
      const redeemedDaysAgo = await new SignJWT({ sub: 'family-i1', role: 'family', familySessionId: 'fs-1' })
        .setProtectedHeader({ alg: 'HS256', kid: FAMILY_TOKEN_KID }).setIssuer(FAMILY_TOKEN_ISSUER).setAudience('haven')
        .setIssuedAt(now - 3 * 24 * 3600).setExpirationTime(now + 3600).sign(familyKey);
      const strict = createTokenVerifier({ jwksUrl: url, familyTokenSecret: FAMILY_SECRET, audience: 'haven', maxTokenAgeSec: 3600 });
      await expect(strict.verifySession(redeemedDaysAgo)).resolves.toEqual({ actor: { userId: 'family-i1', role: 'family', familySessionId: 'fs-1' }, expiresAt: (now + 3600) * 1000 });
    });

    it('mints nothing without a family key', async () => {
      expect(await mintFamilyGuestToken({ jwksUrl: url }, guest)).toBeNull();
    });
  });
});
