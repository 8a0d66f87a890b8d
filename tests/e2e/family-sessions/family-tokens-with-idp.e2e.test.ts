import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { AppProcess, freshData, TEST_JWT_SECRET, type AppData } from '../../support/app-process';
import { closeAllClients, connect, connectError, tokenFor, type TestClient } from '../../support/sockets';
import { accepted, httpGet, post, refused, waitInRoom } from '../rooms/rooms-helpers';
import { redeem, scheduleSession } from './family-helpers';

/*
 * A clinic whose staff and participants sign in at an identity provider (JWKS_URL) still admits family members, who
 * have no account there: the API signs their guest tokens with FAMILY_TOKEN_SECRET and accepts that key for the
 * family role only. Without FAMILY_TOKEN_SECRET redemption is refused before the code is used up.
 */

const FAMILY_TOKEN_SECRET = 'a-family-token-secret-for-the-e2e-suite-only';
const someone = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

describe('family tokens beside an identity provider (JWKS_URL)', () => {
  let jwks: Server;
  let jwksUrl: string;
  let idpKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let app: AppProcess | undefined;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    idpKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`;
  });

  afterEach(async () => {
    closeAllClients();
    await app?.stop();
    app = undefined;
  });

  afterAll(() => new Promise((resolve) => jwks.close(resolve)));

  const start = async (data: AppData, familySecret?: string) =>
    (app = await AppProcess.start(data, { JWT_SECRET: '', JWKS_URL: jwksUrl, JWT_AUDIENCE: 'haven', ...(familySecret ? { FAMILY_TOKEN_SECRET: familySecret } : {}) }));

  /** a login at the identity provider */
  async function signedIn(name: string, role: 'clinician' | 'participant'): Promise<TestClient> {
    const userId = someone(name);
    const token = await new SignJWT({ sub: userId, role })
      .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
      .setAudience('haven')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(idpKey);
    return connect(app!, userId, role, { token });
  }

  async function sessionWithInvite() {
    const kim = await signedIn('dr-kim', 'clinician');
    const pat = await signedIn('pat', 'participant');
    const { sessionId, roomId } = await scheduleSession(kim, pat);
    const invite = await accepted<{ inviteId: string; code: string }>(pat, 'family.invite', { sessionId, inviteeLabel: 'Mom' });
    return { kim, pat, sessionId, roomId, invite };
  }

  it('a family member redeems a code, is admitted and talks in the session room; the family key signs nothing but guests', async () => {
    await start(freshData('sqlite'), FAMILY_TOKEN_SECRET);
    const { kim, pat, sessionId, roomId, invite } = await sessionWithInvite();

    const redeemed = await redeem(app!, invite.code);
    expect(redeemed.status).toBe(200);
    const { token, guestId } = redeemed.body.data;
    const guest = await connect(app!, guestId, 'family', { token });
    await refused(app!, guest, 'rooms.post', { roomId, text: 'hello?' }, 'ROOM.NOT_A_MEMBER');
    await accepted(kim, 'family.admit', { sessionId, guestId });
    await waitInRoom(guest, roomId, 'MemberJoined', (e) => e.data.userId === guestId);
    const { messageId } = await post(guest, roomId, 'I am here');
    await waitInRoom(pat, roomId, 'MessagePosted', (e) => e.data.messageId === messageId);
    expect((await httpGet(app!, guest, `/rooms/${roomId}/messages`)).status).toBe(200);

    // whoever holds the family key can sign guests only: a staff claim with it is refused at connect and over HTTP
    const forged = await new SignJWT({ sub: 'mallory', role: 'clinician' })
      .setProtectedHeader({ alg: 'HS256', kid: 'haven-family' })
      .setIssuer('haven-family')
      .setAudience('haven')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(FAMILY_TOKEN_SECRET));
    expect((await connectError(app!, { token: forged })).data).toMatchObject({ code: 'AUTH.TOKEN_INVALID_CLAIMS' });
    const forgedHttp = await fetch(`${app!.url}/family-sessions`, { headers: { authorization: `Bearer ${forged}` } });
    expect(forgedHttp.status).toBe(401);
    // and the shared-secret path stays shut on a JWKS server
    const hs256 = await tokenFor('mallory', 'clinician');
    expect((await connectError(app!, { token: hs256 })).data).toMatchObject({ code: 'AUTH.TOKEN_INVALID_SIGNATURE' });
    expect(TEST_JWT_SECRET).not.toBe(FAMILY_TOKEN_SECRET);
  });

  it('without FAMILY_TOKEN_SECRET a redemption is refused and the code kept, so it works once the key is set', async () => {
    const data = freshData('sqlite');
    await start(data);
    const { invite } = await sessionWithInvite();
    expect(await redeem(app!, invite.code)).toMatchObject({ status: 422, body: { ok: false, error: { code: 'FAMILY.GUEST_TOKENS_UNAVAILABLE' } } });
    closeAllClients();
    await app!.stop();

    await start(data, FAMILY_TOKEN_SECRET);
    const redeemed = await redeem(app!, invite.code);
    expect(redeemed.status).toBe(200);
    await connect(app!, redeemed.body.data.guestId, 'family', { token: redeemed.body.data.token });
  });
});
