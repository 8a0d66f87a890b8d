import { randomUUID } from 'node:crypto';
import type { AppProcess } from '../support/app-process';
import { connect, settle, type Ack, type TestClient } from '../support/sockets';
import { STORES } from '../support/stores';
import { createRoom, joinAll, oneAppPerFile } from './rooms/rooms-helpers';

/**
 * How socket messages are dispatched and answered (HavenIoAdapter binds gateway handlers itself rather than
 * through Nest's per-socket rxjs pipelines): concurrency, acks, the `error` event, failures and disconnects.
 */

async function roomWith(facilitator: TestClient, ...members: TestClient[]): Promise<string> {
  const roomId = await createRoom(facilitator);
  await joinAll(roomId, ...members);
  return roomId;
}

const post = (client: TestClient, roomId: string, text: string) => client.send('rooms.post', { commandId: randomUUID(), roomId, text });

describe.each(STORES)('socket messages on %s', (store) => {
  // one app for the file: each test has rooms of its own, and its clients are closed after it
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));

  /** fran's new room with alice in it */
  async function franAndAliceInARoom() {
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    return { fran, alice, roomId: await roomWith(fran, alice) };
  }

  it('answers each message of a concurrent burst on one socket through its own ack, failures included', async () => {
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const rooms = [await roomWith(fran, alice), await roomWith(fran, alice)];

    // presence answers with the room asked about, so each ack must reach the message it answers
    const asked = Array.from({ length: 30 }, (_, i) => ({ roomId: rooms[i % 2], valid: i % 3 !== 0 }));
    const acks = await Promise.all(asked.map(({ roomId, valid }) => alice.send('rooms.presence', valid ? { roomId } : { roomId: 'not-a-uuid' })));
    expect(acks).toEqual(
      asked.map(({ roomId, valid }) =>
        valid
          ? { ok: true, data: { roomId, online: expect.arrayContaining(['alice', 'fran']) } }
          : { ok: false, error: { code: 'VALIDATION.FAILED', message: expect.any(String), details: expect.any(Object) } },
      ),
    );
    expect(await post(alice, rooms[0], 'after the burst')).toMatchObject({ ok: true });
    // messages in flight must not each hang a listener on the socket
    expect(app.logs).not.toContain('MaxListenersExceededWarning');
  });

  it('keeps serving a socket after its handler threw, and splits data from the ack as Nest does', async () => {
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const roomId = await roomWith(fran);

    // the domain refuses (the handler throws): a structured ack, and the next message on that socket is handled
    expect(await post(alice, roomId, 'not a member yet')).toMatchObject({ ok: false, error: { code: 'ROOM.NOT_A_MEMBER', message: expect.any(String) } });
    expect((await alice.send('rooms.join', { commandId: randomUUID(), roomId })).ok).toBe(true);
    expect(await post(alice, roomId, 'now I am')).toMatchObject({ ok: true });

    // several arguments before the ack arrive as one array payload, which validation refuses
    const twoArguments = await alice.socket.timeout(10000).emitWithAck('rooms.post', { commandId: randomUUID(), roomId, text: 'a' }, 'b');
    expect(twoArguments).toMatchObject({ ok: false, error: { code: 'VALIDATION.FAILED' } });
    expect(await post(alice, roomId, 'still fine')).toMatchObject({ ok: true });
  });

  it("validates every gateway's payloads (the app's one pipe): each failing field named, unknown fields refused", async () => {
    const { alice, roomId } = await franAndAliceInARoom();
    const refusedFields = async (message: string, payload: unknown) => {
      const ack = await alice.send(message, payload);
      expect(ack).toMatchObject({ ok: false, error: { code: 'VALIDATION.FAILED' } });
      return (ack as { error: { details: { errors: { property: string }[] } } }).error.details.errors.map((e) => e.property).sort();
    };
    // the rooms, realtime and safety gateways
    expect(await refusedFields('rooms.post', { commandId: randomUUID(), roomId, text: 'hi', sneaky: true })).toEqual(['sneaky']);
    expect(await refusedFields('sync', { after: '42' })).toEqual(['after']);
    expect(await refusedFields('safety.helpNow', { commandId: 'not an id!', conversationKind: 'room', conversationId: roomId })).toEqual(['commandId']);
    expect(await refusedFields('safety.acknowledge', { commandId: randomUUID() })).toEqual(['alertId']);
    expect(await post(alice, roomId, 'valid again')).toMatchObject({ ok: true });
  });

  it('without an ack, tells only that socket through an `error` event, and the socket keeps working', async () => {
    const { fran, alice, roomId } = await franAndAliceInARoom();
    const errorsOf = (client: TestClient) => {
      const errors: unknown[] = [];
      client.socket.on('error', (body: unknown) => errors.push(body));
      return errors;
    };
    const aliceErrors = errorsOf(alice);
    const franErrors = errorsOf(fran);

    alice.socket.emit('rooms.post', { commandId: randomUUID(), roomId });
    alice.socket.emit('rooms.post', { commandId: randomUUID(), roomId, text: 'no ack wanted' });
    await fran.waitForEvent((e) => e.type === 'MessagePosted' && e.data.text === 'no ack wanted');
    await settle();
    expect(aliceErrors).toEqual([{ ok: false, error: expect.objectContaining({ code: 'VALIDATION.FAILED' }) }]);
    expect(franErrors).toEqual([]);
    expect(await post(alice, roomId, 'with an ack again')).toMatchObject({ ok: true });
  });

  it('stays up when a client leaves with messages in flight, and serves the others and a reconnect', async () => {
    const { fran, alice, roomId } = await franAndAliceInARoom();

    for (let i = 0; i < 10; i++) void post(alice, roomId, `leaving ${i}`).catch(() => undefined);
    alice.close();
    await settle();
    expect(await post(fran, roomId, 'anyone there?')).toMatchObject({ ok: true });

    const back = await connect(app, 'alice', 'participant');
    expect(await post(back, roomId, 'back again')).toMatchObject({ ok: true });
    await fran.waitForEvent((e) => e.type === 'MessagePosted' && e.data.text === 'back again');
    expect((await fetch(`${app.url}/health`)).ok).toBe(true);
  });
});
