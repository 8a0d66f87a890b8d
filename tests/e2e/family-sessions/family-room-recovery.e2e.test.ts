import { randomUUID } from 'node:crypto';
import { openStorage } from '@haven/event-store';
import { sessionRoomIdOf } from '@haven/rooms/domain/linked-room-ids';
import { AppProcess, freshData, type AppData } from '../../support/app-process';
import { closeAllClients, connect, tokenFor } from '../../support/sockets';
import { STORES } from '../../support/stores';
import { post, waitInRoom } from '../rooms/rooms-helpers';

/*
 * A node that stopped after storing a family session, an invite's redemption and the guest's admission, before any of
 * the room's steps: the next node to start opens the room and lets the admitted guest in (the family-session
 * processor reads what is due from the family_sessions read model), so nobody is left outside.
 */
// the processors' recovery is the same code on every store: PostgreSQL (the one several nodes share) when it is up
describe.each(STORES.includes('postgres') ? (['postgres'] as const) : STORES)('a family session stored without its room on %s', (store) => {
  let app: AppProcess | undefined;
  afterEach(async () => {
    closeAllClients();
    await app?.stop();
  });

  async function appendSessionOnly(data: AppData) {
    const storage = await openStorage({ eventStore: data.store, sqlitePath: data.env.SQLITE_PATH, databaseUrl: data.env.DATABASE_URL, postgresSchema: data.env.POSTGRES_SCHEMA });
    const sessionId = randomUUID();
    const inviteId = randomUUID();
    const roomId = sessionRoomIdOf(sessionId);
    const guestId = `family-${inviteId}`;
    const now = Date.now();
    const at = new Date(now).toISOString();
    const event = (type: string, payload: Record<string, unknown>, actorId: string) => {
      const commandId = randomUUID();
      return { id: randomUUID(), type, data: { sessionId, ...payload }, metadata: { actorId, commandId, correlationId: commandId, causationId: null, occurredAt: at } };
    };
    try {
      await storage.events.append(
        `session-${sessionId}`,
        [
          event('FamilySessionScheduled', { participantId: 'pat', hostId: 'dr-kim', title: 'Family session', startsAt: at, endsAt: new Date(now + 3_600_000).toISOString(), roomId, scheduledAt: at }, 'dr-kim'),
          event('FamilyInviteIssued', { inviteId, codeHash: 'h', inviteeLabel: 'Mom', expiresAt: new Date(now + 3_000_000).toISOString(), invitedBy: 'pat', issuedAt: at }, 'pat'),
          event('FamilyInviteRedeemed', { inviteId, guestId, inviteeLabel: 'Mom', redeemedAt: at }, 'system'),
          event('FamilyGuestAdmitted', { guestId, roomId, by: 'dr-kim', admittedAt: at }, 'dr-kim'),
        ],
        'no_stream',
      );
    } finally {
      await storage.close();
    }
    return { sessionId, roomId, guestId };
  }

  it('the next node to start opens the room and lets the admitted guest in', async () => {
    const data = freshData(store);
    app = await AppProcess.start(data);
    await app.stop();
    const { sessionId, roomId, guestId } = await appendSessionOnly(data);
    app = await AppProcess.start(data);

    const pat = await connect(app, 'pat', 'participant', { lastPosition: 0 });
    await waitInRoom(pat, roomId, 'FamilySessionRoomOpened');
    await waitInRoom(pat, roomId, 'MemberJoined', (e) => e.data.userId === guestId);
    const guest = await connect(app, guestId, 'family', { token: await tokenFor(guestId, 'family', sessionId) });
    const { messageId } = await post(guest, roomId, 'made it in');
    await waitInRoom(pat, roomId, 'MessagePosted', (e) => e.data.messageId === messageId);
  });
});
