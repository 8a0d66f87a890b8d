import type { RecordedEvent } from '@haven/event-store';
// the file, not the lib's index (which loads Nest), so that jest can load this policy against real stores
import { channels, type DeliveryPolicy } from '@haven/realtime/delivery-policy';
import { isNoticePreferencesStream } from './notice-preferences/notice-preferences.events';
import { isPresenceStream } from './presence-privacy/presence-privacy';

/** the streams of a person's own settings, each event naming its owner as `userId` */
const isOwnSettingsStream = (streamId: string) => isNoticePreferencesStream(streamId) || isPresenceStream(streamId);
const ownerOf = (event: RecordedEvent) => (event.data as { userId: string }).userId;

/**
 * A person's own settings (notice preferences, being shown online) are theirs alone: their other devices hear of a
 * change, nobody else (not staff).
 */
export const ownSettingsDeliveryPolicy: DeliveryPolicy = {
  owns: (event) => isOwnSettingsStream(event.streamId),
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
