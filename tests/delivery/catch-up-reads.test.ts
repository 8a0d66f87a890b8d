import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io';
import type { Actor } from '@haven/domain';
import type { Storage } from '@haven/event-store';
import { LogFollower, type StaffReads } from '@haven/realtime/log-follower';
import { roomDeliveryPolicy } from '@haven/rooms/delivery/room-delivery.policy';
import { allReadModels } from '../../apps/api/src/read-models';
import { describeOnBothStores } from '../support/storage-suites';
import { send, withReadModels } from './delivery-harness';

/**
 * A staff catch-up is a read of the records it sends (PersonalDataRead): the log follower asks for the record before it
 * sends the first event of a batch, and a catch-up whose record fails sends nothing. The real recorder, its roles and
 * its window are proven through the app (tests/e2e/personal-data/reads-record.e2e.test.ts); here a recorder that
 * watches the socket tells when it was asked.
 */
const fran: Actor = { userId: 'fran', role: 'facilitator' };
const alice: Actor = { userId: 'alice', role: 'participant' };
const bob: Actor = { userId: 'bob', role: 'participant' };
const drKim: Actor = { userId: 'dr-kim', role: 'clinician' };

const silent = { log: () => undefined, error: () => undefined };

/** What attach uses of a socket: its emits, counted, and the channels it joins. */
function fakeSocket() {
  const emitted: { type: string }[] = [];
  const socket = { emit: (_name: string, event: { type: string }) => emitted.push(event), join: () => undefined };
  return { socket: socket as unknown as Socket, emitted };
}

describeOnBothStores('the record of a staff catch-up', (open) => {
  describe('asked of the recorder by the log follower', () => {
    let storage: Storage;
    const roomId = randomUUID();
    beforeAll(async () => {
      storage = await withReadModels(await open());
      await send(storage, roomId, fran, 'CreateRoom', { name: 'Evening', topic: '', kind: 'peer_support', capacity: 10, joinRule: 'open' });
      await send(storage, roomId, alice, 'JoinRoom', {});
      await send(storage, roomId, bob, 'JoinRoom', {});
      await send(storage, roomId, alice, 'PostMessage', { messageId: 'm1', text: 'hello group' });
      await send(storage, roomId, bob, 'ReportMessage', { reportId: 'r1', messageId: 'm1', reason: 'unkind' });
      await send(storage, roomId, fran, 'MuteMember', { userId: 'bob', durationSeconds: 300, reason: 'cool down' });
    });
    afterAll(() => storage.close());

    /** a follower over the store, caught up with it (no server: live delivery is not what is tested here) */
    async function followerWith(reads: StaffReads): Promise<LogFollower> {
      const follower = new LogFollower(storage, allReadModels, [roomDeliveryPolicy], silent, undefined, reads);
      await follower.start(undefined as never);
      await follower.waitFor(await storage.events.headPosition());
      return follower;
    }

    it('asks for the record before the batch is sent, naming whom its records are about; the conversation alone names nobody', async () => {
      const asked: { by: string; what: string; subjects: string[]; sentBefore: number }[] = [];
      const { socket, emitted } = fakeSocket();
      const follower = await followerWith({
        // as an append would, the record takes a turn of the event loop; what was sent meanwhile counts against it
        record: async (actor, read) => {
          await new Promise((resolve) => setImmediate(resolve));
          asked.push({ by: actor.userId, what: read.what, subjects: read.subjects, sentBefore: emitted.length });
        },
      });
      try {
        await follower.attach(socket, fran, 0);
        expect(emitted.map((e) => e.type)).toEqual(expect.arrayContaining(['MessagePosted', 'MessageReported', 'MemberMuted']));
        // the report names its author and reporter, the mute bob; the reader and repeats are the recorder's to drop
        expect(asked).toEqual([{ by: 'fran', what: 'socket.catch-up', subjects: ['alice', 'bob', 'bob'], sentBefore: 0 }]);

        // a catch-up holding only the room's conversation asks for nothing
        const postedAt = await storage.events.headPosition();
        await send(storage, roomId, alice, 'PostMessage', { messageId: 'm2', text: 'anyone around tonight?' });
        await follower.waitFor(await storage.events.headPosition());
        const later = fakeSocket();
        await follower.attach(later.socket, drKim, postedAt);
        expect(later.emitted.map((e) => e.type)).toEqual([]); // dr-kim is in no room: the post is not theirs
        await follower.attach(later.socket, fran, postedAt);
        expect(later.emitted.map((e) => e.type)).toEqual(['MessagePosted']);
        expect(asked).toHaveLength(1);
      } finally {
        await follower.stop();
      }
    });

    it('sends nothing when the record cannot be made', async () => {
      const { socket, emitted } = fakeSocket();
      const follower = await followerWith({ record: async () => Promise.reject(new Error('the store went away')) });
      try {
        await expect(follower.attach(socket, fran, 0)).rejects.toThrow('the store went away');
        expect(emitted).toEqual([]);
        // the delivery queue goes on: a catch-up with nothing to record still works
        const { socket: other, emitted: sentToAlice } = fakeSocket();
        await follower.attach(other, alice, 0);
        expect(sentToAlice.map((e) => e.type)).toContain('MessagePosted');
      } finally {
        await follower.stop();
      }
    });
  });
});
