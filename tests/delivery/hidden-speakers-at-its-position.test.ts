import { randomUUID } from 'node:crypto';
import type { Actor } from '@haven/domain';
import type { Storage } from '@haven/event-store';
import { projectEvent } from '@haven/projections';
import { roomDeliveryPolicy } from '@haven/rooms/delivery/room-delivery.policy';
import { hiddenPeopleStreamName } from '@haven/rooms/hidden-people/hidden-people.events';
import { allReadModels } from '../../apps/api/src/read-models';
import { describeOnBothStores } from '../support/storage-suites';
import { nextMoment, receivedLive, send, withReadModels } from './delivery-harness';

/**
 * With several nodes on one database, the node delivering a message may find hidden_people already moved on by another
 * node's later events. Who in a group is spared a message by someone they hide is decided as at the message: here
 * every read model is projected to the head before the messages are routed, as on the slower node.
 */
const member = (userId: string): Actor => ({ userId, role: 'participant' });
const [xavier, hana, ivy] = [member('xavier'), member('hana'), member('ivy')];
const fran: Actor = { userId: 'fran', role: 'facilitator' };

async function hide(storage: Storage, by: string, hidden: string, on: boolean): Promise<void> {
  const commandId = randomUUID();
  const type = on ? 'PersonHidden' : 'PersonUnhidden';
  const data = on ? { userId: by, hiddenUserId: hidden, hiddenAt: nextMoment() } : { userId: by, hiddenUserId: hidden, unhiddenAt: nextMoment() };
  const metadata = { actorId: by, commandId, correlationId: commandId, causationId: null, occurredAt: nextMoment() };
  await storage.events.append(hiddenPeopleStreamName(by), [{ id: randomUUID(), type, data, metadata }], 'any');
}

describeOnBothStores('a group message, routed after later hidings were projected', (open) => {
  let storage: Storage;
  beforeEach(async () => (storage = await withReadModels(await open())));
  afterEach(() => storage.close());

  it('spares the readers who hid its author at it, not those who hid or unhid them a moment after', async () => {
    const roomId = randomUUID();
    await send(storage, roomId, fran, 'CreateRoom', { name: 'Evening', topic: '', kind: 'peer_support', capacity: 10, joinRule: 'open' });
    for (const person of [xavier, hana, ivy]) await send(storage, roomId, person, 'JoinRoom', {});
    await hide(storage, 'ivy', 'xavier', true);
    await send(storage, roomId, xavier, 'PostMessage', { messageId: 'm1', text: 'hello all' });
    const routed = (await storage.events.readAll({ after: 0, limit: 100 })).filter((event) => event.type === 'MessagePosted');
    // a moment later: hana hides xavier, ivy no longer does
    await hide(storage, 'hana', 'xavier', true);
    await hide(storage, 'ivy', 'xavier', false);
    for (const event of await storage.events.readAll({ after: 0, limit: 100 })) await projectEvent(storage.sql, allReadModels, event);

    const got = async (viewer: Actor) => (await receivedLive(viewer, routed, storage.sql, [roomDeliveryPolicy])).map((event) => event.data.text);
    expect({ hana: await got(hana), ivy: await got(ivy), xavier: await got(xavier) }).toEqual({ hana: ['hello all'], ivy: [], xavier: ['hello all'] });
  });
});
