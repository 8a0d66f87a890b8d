import { randomUUID } from 'node:crypto';
import { openStorage } from '@haven/event-store';
import { pairRoomIdOf } from '@haven/rooms/domain/linked-room-ids';
import { AppProcess, freshData, type AppData } from '../../support/app-process';
import { closeAllClients, connect } from '../../support/sockets';
import { headPosition, STORES } from '../../support/stores';
import { accepted, httpGet, post, waitInRoom } from '../rooms/rooms-helpers';

/*
 * A node that stopped between storing a pairing and opening its room: the pairing is in the log, the room is not.
 * The next node to start opens it (the pair-room processor reads what is due from the mentoring read model), so the
 * pair is never left without a room.
 */
// the processors' recovery is the same code on every store: PostgreSQL (the one several nodes share) when it is up
describe.each(STORES.includes('postgres') ? (['postgres'] as const) : STORES)('a pairing stored without its room on %s', (store) => {
  let app: AppProcess | undefined;
  afterEach(async () => {
    closeAllClients();
    await app?.stop();
  });

  /** what a node appends when a mentor accepts, written straight into the store while no node runs */
  async function appendPairingOnly(data: AppData, participantId: string, requestId: string, mentorId: string) {
    const storage = await openStorage({
      eventStore: data.store,
      sqlitePath: data.env.SQLITE_PATH,
      databaseUrl: data.env.DATABASE_URL,
      postgresSchema: data.env.POSTGRES_SCHEMA,
    });
    const pairingId = randomUUID();
    const roomId = pairRoomIdOf(pairingId);
    const commandId = randomUUID();
    const at = new Date().toISOString();
    try {
      await storage.events.append(
        `mentee-${participantId}`,
        [
          {
            id: randomUUID(),
            type: 'PairingStarted',
            data: { pairingId, requestId, participantId, mentorId, roomId, startedAt: at },
            metadata: { actorId: mentorId, commandId, correlationId: commandId, causationId: null, occurredAt: at },
          },
        ],
        0,
      );
    } finally {
      await storage.close();
    }
    return { pairingId, roomId };
  }

  it('the next node to start opens the room, and the pair can talk in it', async () => {
    const data = freshData(store);
    app = await AppProcess.start(data);
    const pat = await connect(app, 'pat', 'participant');
    const { requestId } = await accepted<{ requestId: string }>(pat, 'mentoring.request', { topics: ['sleep'], language: 'en', availability: 'mornings' });
    closeAllClients();
    await app.stop();

    const { pairingId, roomId } = await appendPairingOnly(data, 'pat', requestId, 'mona');
    app = await AppProcess.start(data);
    const mona = await connect(app, 'mona', 'mentor');
    // the processor opens the room on its first poll (DEADLINE_POLL_MS, 1 s by default)
    await waitInRoom(mona, roomId, 'PairRoomOpened').catch(async () => {
      throw new Error(`no PairRoomOpened; pairings: ${JSON.stringify((await httpGet(app!, mona, '/mentoring/pairings')).body)}`);
    });
    expect((await httpGet(app, mona, '/mentoring/pairings')).body.data).toEqual([
      expect.objectContaining({ pairingId, roomId, participantId: 'pat', status: 'active', roomOpened: true }),
    ]);

    const back = await connect(app, 'pat', 'participant', { lastPosition: (await headPosition(app.url)) - 1 });
    await waitInRoom(back, roomId, 'PairRoomOpened');
    const { messageId } = await post(mona, roomId, 'sorry for the wait, I am here now');
    await waitInRoom(back, roomId, 'MessagePosted', (e) => e.data.messageId === messageId);
  });
});
