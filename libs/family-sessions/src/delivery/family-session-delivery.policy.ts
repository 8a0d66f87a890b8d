import { ROLES, type Actor } from '@haven/domain';
import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import { channels, idsIn, type DeliveryPolicy } from '@haven/realtime/delivery-policy';
import { familyAudienceOf, familyEventForm, familySessionAudience, type FamilyForm } from '../domain/family-session.audience';
import { isFamilySessionStream, type FamilySessionEvent } from '../domain/family-session.events';
import { findFamilySession } from '../read-models/family-sessions.projection';

const asFamily = (event: RecordedEvent) => event as unknown as FamilySessionEvent & RecordedEvent;
/** every role's channel but family's: what a guest part excepts, so only family logins get it */
const NOT_FAMILY = ROLES.filter((role) => role !== 'family').map(channels.role);

/**
 * Who sees a family-session event, live and on catch-up, from the one audience function of the context. The session's
 * participant and host come from the family_sessions read model (at or past the event's position).
 */
export const familySessionDeliveryPolicy: DeliveryPolicy = {
  owns: (event) => isFamilySessionStream(event.streamId),
  // whose session it is and its guests (GET /family-sessions/:id)
  recordsAbout: (event) => idsIn(event.data, ['participantId', 'guestId', 'guestIds']),

  async route(recorded, db) {
    const event = asFamily(recorded);
    const session = await sessionOf(event, db);
    const deliveries = familySessionAudience(event, session).map((part) => ({
      to: [...part.users.map(channels.user), ...part.roles.map(channels.role)],
      // the session's people never through a family login under their user id; a guest only through one
      except: part.form === 'guest' ? NOT_FAMILY : [channels.role('family')],
      event: inForm(recorded, part.form),
    }));
    return { deliveries, joinBefore: [], leaveAfter: [] };
  },

  async visibleTo(viewer: Actor, events, db) {
    const visible: RecordedEvent[] = [];
    for (const recorded of events) {
      const event = asFamily(recorded);
      const part = familyAudienceOf(viewer, event, await sessionOf(event, db));
      if (part) visible.push(inForm(recorded, part.form));
    }
    return visible;
  },

  async channelsAt() {
    return [];
  },
};

async function sessionOf(event: FamilySessionEvent, db: SqlExecutor): Promise<{ participantId: string; hostId: string }> {
  if (event.type === 'FamilySessionScheduled') return event.data;
  const session = await findFamilySession(db, event.data.sessionId);
  // every event of a session follows its FamilySessionScheduled, which the read model has applied by now
  return session ?? { participantId: 'system', hostId: 'system' };
}

function inForm(recorded: RecordedEvent, form: FamilyForm): RecordedEvent {
  const data = familyEventForm(asFamily(recorded), form);
  // a guest does not learn which staff member acted
  const metadata = form === 'guest' ? { ...recorded.metadata, actorId: 'staff' } : recorded.metadata;
  return { ...recorded, data, metadata };
}
