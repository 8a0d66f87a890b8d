import type { Actor } from '@haven/domain';
import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import { channels, type DeliveryPolicy } from '@haven/realtime/delivery-policy';
import { isPersonStream, type PersonalDataErased } from './domain/person.events';

/** The rooms context's answer to "which rooms has this user ever been a member of" (room ids). */
export interface RoomsEverJoined {
  roomsOf(db: SqlExecutor, userId: string): Promise<string[]>;
}

const isErasure = (event: RecordedEvent) => event.type === 'PersonalDataErased' && isPersonStream(event.streamId);
const staff = (viewer: Actor) => viewer.role === 'clinician' || viewer.role === 'admin';

/**
 * An erasure tells the clients that may hold the person's words to drop them: everyone in a room the person was ever
 * in (so, who read them there), and clinicians and admins (who read every queue); live and on catch-up alike. They get
 * `{ userId, erasedAt }`, not which keys or who erased. Nobody else learns of it: the id would reach people who never
 * met the person. Mentors who saw an anonymous request of theirs are not told, as that would name who asked.
 * An export (PersonalDataExported) goes to nobody.
 */
export function createPersonDeliveryPolicy(rooms: RoomsEverJoined): DeliveryPolicy {
  return {
    owns: isErasure,

    async route(recorded, db) {
      const { userId } = (recorded as unknown as PersonalDataErased).data;
      const roomIds = await rooms.roomsOf(db, userId);
      const to = [...roomIds.map(channels.room), channels.role('clinician'), channels.role('admin')];
      return { deliveries: [{ to, except: [], event: notice(recorded) }], joinBefore: [], leaveAfter: [] };
    },

    async visibleTo(viewer, events, db) {
      if (staff(viewer)) return events.map(notice);
      const mine = new Set(await rooms.roomsOf(db, viewer.userId));
      const visible: RecordedEvent[] = [];
      for (const recorded of events) {
        const theirs = await rooms.roomsOf(db, (recorded as unknown as PersonalDataErased).data.userId);
        if (theirs.some((roomId) => mine.has(roomId))) visible.push(notice(recorded));
      }
      return visible;
    },

    async channelsAt() {
      return [];
    },
  };
}

function notice(recorded: RecordedEvent): RecordedEvent {
  const { userId, erasedAt } = (recorded as unknown as PersonalDataErased).data;
  return { ...recorded, data: { userId, erasedAt } };
}
