import { randomUUID } from 'node:crypto';
import type { AppProcess } from '../../support/app-process';
import { connect, type TestClient } from '../../support/sockets';
import { accepted, waitInRoom } from '../rooms/rooms-helpers';

/** A family member redeems an invite code over HTTP, with no token (the code is the credential). */
export async function redeem(app: AppProcess, code: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${app.url}/family-sessions/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  return { status: response.status, body: await response.json() };
}

/**
 * A clinician schedules a session for a participant, starting now and lasting `hours`; resolves once the participant
 * has seen its room open (their socket may be on another node than the clinician's).
 */
export async function scheduleSession(clinician: TestClient, participant: TestClient, hours = 2): Promise<{ sessionId: string; roomId: string }> {
  const now = Date.now();
  const session = await accepted<{ sessionId: string; roomId: string }>(clinician, 'family.schedule', {
    participantId: participant.userId,
    title: 'Family session',
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + hours * 3_600_000).toISOString(),
  });
  await waitInRoom(participant, session.roomId, 'FamilySessionRoomOpened');
  return session;
}

/** a fresh user id, so that tests sharing an app never meet */
export const someone = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

/** a fresh clinician schedules a session for a fresh participant; resolves with both and the session */
export async function scheduledFor(app: AppProcess) {
  const kim = await connect(app, someone('dr-kim'), 'clinician');
  const pat = await connect(app, someone('pat'), 'participant');
  return { kim, pat, ...(await scheduleSession(kim, pat)) };
}

/**
 * A family member redeems an invite `inviter` sent, and connects with the guest token. Redeeming is limited to 10 a
 * minute per client address: a file that redeems more needs another app.
 */
export async function guestOfSession(app: AppProcess, inviter: TestClient, sessionId: string, inviteeLabel = 'Mom') {
  const invite = await accepted<{ inviteId: string; code: string }>(inviter, 'family.invite', { sessionId, inviteeLabel });
  const redeemed = await redeem(app, invite.code);
  expect(redeemed.status).toBe(200);
  const { token, guestId } = redeemed.body.data as { token: string; guestId: string };
  const guest = await connect(app, guestId, 'family', { token });
  return { guest, guestId, invite, redeemed: redeemed.body.data };
}
