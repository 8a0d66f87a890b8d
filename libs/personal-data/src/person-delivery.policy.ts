import { isOverseer, OVERSEER_ROLES, type Actor } from '@haven/domain';
import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import { channels, idsIn, type DeliveryPolicy } from '@haven/realtime/delivery-policy';
import { isPersonStream, type AccessSuspended, type ErasureRequested, type PersonalDataErased } from './domain/person.events';

/** The rooms context's answer to "which rooms has this user ever been a member of" (room ids). */
export interface RoomsEverJoined {
  roomsOf(db: SqlExecutor, userId: string): Promise<string[]>;
}

const isErasure = (event: RecordedEvent) => event.type === 'PersonalDataErased' && isPersonStream(event.streamId);
const isAccessChange = (event: RecordedEvent) => (event.type === 'AccessSuspended' || event.type === 'AccessReinstated') && isPersonStream(event.streamId);
const isErasureRequest = (event: RecordedEvent) => (event.type === 'ErasureRequested' || event.type === 'ErasureRequestWithdrawn') && isPersonStream(event.streamId);
const staff = (viewer: Actor) => isOverseer(viewer.role);

/**
 * An erasure tells the clients that may hold the person's words to drop them: everyone in a room the person was ever
 * in (so, who read them there), and clinicians and admins (who read every queue); live and on catch-up alike. They get
 * `{ userId, erasedAt }`, not which keys or who erased. Nobody else learns of it: the id would reach people who never
 * met the person. Mentors who saw an anonymous request of theirs are not told, as that would name who asked.
 * An export (PersonalDataExported) goes to nobody.
 * A suspension or reinstatement goes to clinicians and admins, the reason included; the suspended person's connections
 * end on every node, with `session.ended` first (their tokens are refused from then on: see identity's verifier).
 * A person's request for erasure, or its withdrawal, goes to admins (who answer it) and to that person's devices.
 */
export function createPersonDeliveryPolicy(rooms: RoomsEverJoined): DeliveryPolicy {
  return {
    owns: (event) => isErasure(event) || isAccessChange(event) || isErasureRequest(event),
    // a suspension (GET /people/suspended) or an erasure names its person
    recordsAbout: (event) => idsIn(event.data, ['userId']),

    async route(recorded, db) {
      if (isErasureRequest(recorded)) {
        const { userId } = (recorded as unknown as ErasureRequested).data;
        return { deliveries: [{ to: [channels.role('admin'), channels.user(userId)], except: [channels.role('family')], event: recorded }], joinBefore: [], leaveAfter: [] };
      }
      if (isAccessChange(recorded)) {
        // a suspended clinician is told by `session.ended`, not by the record of it with its reason
        const { userId } = (recorded as unknown as AccessSuspended).data;
        const staffOnly = { deliveries: [{ to: OVERSEER_ROLES.map(channels.role), except: [channels.user(userId)], event: recorded }], joinBefore: [], leaveAfter: [] };
        if (recorded.type !== 'AccessSuspended') return staffOnly;
        return { ...staffOnly, endSessions: [{ userId, code: 'AUTH.SUSPENDED', message: 'this account is suspended; ask the clinic' }] };
      }
      const { userId } = (recorded as unknown as PersonalDataErased).data;
      const roomIds = await rooms.roomsOf(db, userId);
      const to = [...roomIds.map(channels.room), ...OVERSEER_ROLES.map(channels.role)];
      return { deliveries: [{ to, except: [], event: notice(recorded) }], joinBefore: [], leaveAfter: [] };
    },

    async visibleTo(viewer, all, db) {
      // a request for erasure: admins, and the person who asked
      const requests = all.filter((event) => isErasureRequest(event) && viewer.role !== 'family' && (viewer.role === 'admin' || (event as unknown as ErasureRequested).data.userId === viewer.userId));
      const rest = await visibleOthers(viewer, all.filter((event) => !isErasureRequest(event)), db);
      return requests.length === 0 ? rest : [...requests, ...rest].sort((a, b) => a.position - b.position);
    },

    async channelsAt() {
      return [];
    },
  };

  async function visibleOthers(viewer: Actor, all: RecordedEvent[], db: SqlExecutor): Promise<RecordedEvent[]> {
    const aboutOthers = (event: RecordedEvent) => (event as unknown as AccessSuspended).data.userId !== viewer.userId;
    const changes = staff(viewer) ? all.filter((event) => isAccessChange(event) && aboutOthers(event)) : [];
    const events = all.filter(isErasure);
    if (staff(viewer)) return [...changes, ...events.map(notice)].sort((a, b) => a.position - b.position);
    const mine = new Set(await rooms.roomsOf(db, viewer.userId));
    const visible: RecordedEvent[] = [];
    for (const recorded of events) {
      const theirs = await rooms.roomsOf(db, (recorded as unknown as PersonalDataErased).data.userId);
      if (theirs.some((roomId) => mine.has(roomId))) visible.push(notice(recorded));
    }
    return visible;
  }
}

/** What others are told of an erasure: whose and when, not which keys nor who erased (`actorId: "staff"`, as in a guest's forms). */
function notice(recorded: RecordedEvent): RecordedEvent {
  const { userId, erasedAt } = (recorded as unknown as PersonalDataErased).data;
  return { ...recorded, metadata: { ...recorded.metadata, actorId: 'staff' }, data: { userId, erasedAt } };
}
