import { randomUUID } from 'node:crypto';
import type { Actor, DomainEvent } from '@haven/domain';
import type { RecordedEvent, Storage } from '@haven/event-store';
import { mentoringDeliveryPolicy } from '@haven/mentoring/delivery/mentoring-delivery.policy';
import { mentorProfileStreamName } from '@haven/mentoring/domain/mentor-profile';
import { menteeStreamName } from '@haven/mentoring/domain/mentoring.events';
import { projectEvent } from '@haven/projections';
import { hiddenPeopleStreamName } from '@haven/rooms/hidden-people/hidden-people.events';
import { allReadModels } from '../../apps/api/src/read-models';
import { describeOnBothStores } from '../support/storage-suites';
import { nextMoment, receivedLive, withReadModels } from './delivery-harness';

/**
 * With several nodes on one database, the node delivering an event may find the read models already moved on by
 * another node's later events. Who a mentor request (and what becomes of it) goes to live is decided by the mentors'
 * languages, away and hidden lists as they were at the event (PROTOCOL, known gap 13, for what is still read as it is
 * now): here every read model is projected to the head before the earlier events are routed, as on the slower node.
 */
const mentor = (userId: string): Actor => ({ userId, role: 'mentor' });
const [milo, mia, hana, maria] = [mentor('milo'), mentor('mia'), mentor('hana'), mentor('maria')];

async function append(storage: Storage, streamId: string, event: DomainEvent): Promise<void> {
  const commandId = randomUUID();
  await storage.events.append(streamId, [{ id: randomUUID(), ...event, metadata: { actorId: 'someone', commandId, correlationId: commandId, causationId: null, occurredAt: nextMoment() } }], 'any');
}

describeOnBothStores('mentoring delivery, routed after later events were projected', (open) => {
  let storage: Storage;
  beforeEach(async () => (storage = await withReadModels(await open())));
  afterEach(() => storage.close());

  it("goes to the mentors it was for at its position, whatever they changed just after", async () => {
    await append(storage, mentorProfileStreamName('maria'), { type: 'MentorLanguagesSet', data: { mentorId: 'maria', languages: ['es'], setAt: nextMoment() } });
    const request = { requestId: randomUUID(), participantId: 'alice' };
    await append(storage, menteeStreamName('alice'), {
      type: 'MentorRequested',
      data: { ...request, topics: ['sleep'], language: 'es', availability: 'evenings', note: null, excludedMentors: [], requestedAt: nextMoment() },
    });
    await append(storage, menteeStreamName('alice'), {
      type: 'PairingStarted',
      data: { ...request, pairingId: randomUUID(), mentorId: 'max', roomId: randomUUID(), startedAt: nextMoment() },
    });
    const routed = await storage.events.readAll({ after: 0, limit: 100 });
    // a moment later: milo mentors in English only, mia is away, hana hides alice, maria drops Spanish
    await append(storage, mentorProfileStreamName('milo'), { type: 'MentorLanguagesSet', data: { mentorId: 'milo', languages: ['en'], setAt: nextMoment() } });
    await append(storage, mentorProfileStreamName('mia'), { type: 'MentorAwaySet', data: { mentorId: 'mia', away: true, until: null, setAt: nextMoment() } });
    await append(storage, hiddenPeopleStreamName('hana'), { type: 'PersonHidden', data: { userId: 'hana', hiddenUserId: 'alice', hiddenAt: nextMoment() } });
    await append(storage, mentorProfileStreamName('maria'), { type: 'MentorLanguagesSet', data: { mentorId: 'maria', languages: ['fr'], setAt: nextMoment() } });
    for (const event of await storage.events.readAll({ after: 0, limit: 100 })) await projectEvent(storage.sql, allReadModels, event);

    const mentoring = routed.filter((event: RecordedEvent) => event.streamId === menteeStreamName('alice'));
    for (const viewer of [milo, mia, hana, maria]) {
      const types = (await receivedLive(viewer, mentoring, storage.sql, [mentoringDeliveryPolicy])).map((event) => event.type);
      expect({ viewer: viewer.userId, types }).toEqual({ viewer: viewer.userId, types: ['MentorRequested', 'MentorRequestTaken'] });
    }
  });
});
