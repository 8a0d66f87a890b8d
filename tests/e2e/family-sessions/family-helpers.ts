import type { AppProcess } from '../../support/app-process';
import type { TestClient } from '../../support/sockets';
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
