import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'socket.io';
import { openStorage, type NewEvent, type Storage } from '@haven/event-store';
import { LogFollower } from '@haven/realtime/log-follower';
import { roomDeliveryPolicy } from '@haven/rooms/delivery/room-delivery.policy';
import { allReadModels } from '../../apps/api/src/read-models';
import { withReadModels } from './delivery-harness';

/**
 * On SQLite every await of the store resolves without a turn of the event loop, so a loop of them holds up the whole
 * node: a long catch-up of one socket kept every other socket and HTTP request waiting until it was through. The log
 * follower takes a turn between batches of a catch-up (and between transactions of its catch-up at start,
 * tests/projections/catch-up-read-models.test.ts).
 */
describe('a long catch-up on SQLite', () => {
  const directory = mkdtempSync(join(tmpdir(), 'haven-turns-'));
  let storage: Storage;
  beforeAll(async () => {
    storage = await withReadModels(await openStorage({ eventStore: 'sqlite', sqlitePath: join(directory, 'events.sqlite') }));
    // 3,000 events (three catch-up batches) no read model or delivery policy has anything to do with
    for (let i = 0; i < 30; i++) {
      const events: NewEvent[] = Array.from({ length: 100 }, () => {
        const commandId = randomUUID();
        return { id: randomUUID(), type: 'Noted', data: {}, metadata: { actorId: 'fran', commandId, correlationId: commandId, causationId: null, occurredAt: '2030-01-06T10:00:00.000Z' } };
      });
      await storage.events.append(`note-${i}`, events, 'no_stream');
    }
  });
  afterAll(async () => {
    await storage.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('lets the event loop turn while it reads the log', async () => {
    const follower = new LogFollower(storage, allReadModels, [roomDeliveryPolicy], { log: () => undefined, error: () => undefined });
    await follower.start(undefined as never);
    await follower.waitFor(await storage.events.headPosition());
    try {
      const socket = { emit: () => true, join: () => undefined } as unknown as Socket;
      let attached = false;
      const attach = follower.attach(socket, { userId: 'alice', role: 'participant' }, 0).then(() => (attached = true));
      const turnedBeforeAttached = await new Promise<boolean>((resolve) => setImmediate(() => resolve(!attached)));
      await attach;
      expect(turnedBeforeAttached).toBe(true);
    } finally {
      await follower.stop();
    }
  });
});
