import type { RecordedEvent } from '@haven/event-store';
// the file, not the lib's index (which loads Nest), so that jest can load this policy against real stores
import { channels, type DeliveryPolicy } from '@haven/realtime/delivery-policy';
import { isNoticePreferencesStream, type NoticePreferencesEvent } from './notice-preferences.events';

const ownerOf = (event: RecordedEvent) => (event as unknown as NoticePreferencesEvent & RecordedEvent).data.userId;

/** A person's notice preferences are theirs alone: their other devices hear of a change, nobody else (not staff). */
export const noticePreferencesDeliveryPolicy: DeliveryPolicy = {
  owns: (event) => isNoticePreferencesStream(event.streamId),
  recordsAbout: () => [],
  async route(recorded) {
    // a family login may carry a participant's user id (an identity provider's choice): it is someone else
    return { deliveries: [{ to: [channels.user(ownerOf(recorded))], except: [channels.role('family')], event: recorded }], joinBefore: [], leaveAfter: [] };
  },
  async visibleTo(viewer, events) {
    return events.filter((event) => viewer.role !== 'family' && ownerOf(event) === viewer.userId);
  },
  async channelsAt() {
    return [];
  },
};
