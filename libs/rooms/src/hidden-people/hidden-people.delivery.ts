import type { RecordedEvent } from '@haven/event-store';
// the file, not the lib's index (which loads Nest), so that jest can load this policy against real stores
import { channels, type DeliveryPolicy } from '@haven/realtime/delivery-policy';
import { isHiddenPeopleStream, type HiddenPeopleEvent } from './hidden-people.events';
import { forgetHiders } from './hidden-speakers';

const asHiddenPeopleEvent = (event: RecordedEvent) => event as unknown as HiddenPeopleEvent & RecordedEvent;

/**
 * A hidden list is its owner's alone: the person hidden is never told, and nobody else reads it (not staff: it says
 * whom a person chose not to read, not anything about the one hidden). Each node forgets what it kept of who hides
 * the person as the change passes (hidden-speakers.ts).
 */
export const hiddenPeopleDeliveryPolicy: DeliveryPolicy = {
  owns: (event) => isHiddenPeopleStream(event.streamId),
  recordsAbout: () => [],
  async route(recorded, db) {
    const event = asHiddenPeopleEvent(recorded);
    forgetHiders(db, event.data.hiddenUserId);
    // a family login may carry a participant's user id (an identity provider's choice): it is someone else
    return { deliveries: [{ to: [channels.user(event.data.userId)], except: [channels.role('family')], event: recorded }], joinBefore: [], leaveAfter: [] };
  },
  async visibleTo(viewer, events) {
    return events.filter((event) => viewer.role !== 'family' && asHiddenPeopleEvent(event).data.userId === viewer.userId);
  },
  async channelsAt() {
    return [];
  },
};
