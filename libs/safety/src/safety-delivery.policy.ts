import type { Actor } from '@haven/domain';
import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
// the file, not the lib's index (which loads Nest), so that jest can load this policy against real stores
import { channels, idsIn, type Delivery, type DeliveryPolicy } from '@haven/realtime/delivery-policy';
import type { ConversationPort } from './conversation-port';
import { ON_CALL_STREAM } from './domain/on-call.decider';
import type { SafetyEvent } from './domain/safety-alert.events';
import { onCallAt } from './on-call.projection';
import type { SafetyConfig } from './safety-config';

const isSafetyEvent = (event: RecordedEvent) => event.streamId.startsWith('safety-');
const isOnCallEvent = (event: RecordedEvent) => event.streamId === ON_CALL_STREAM;
/** who handles alerts learns who is on call */
const ON_CALL_AUDIENCE = ['clinician', 'admin'];
const asSafety = (event: RecordedEvent) => event as unknown as SafetyEvent & RecordedEvent;

/**
 * Who sees a safety event. Staff (the conversation's moderators and the clinicians on call; on escalation every
 * clinician) get the full event. The person it is about gets a gentle form: help resources when it is raised,
 * "someone is on it" when acknowledged, the outcome when resolved; never the staff note or the escalation.
 * Nobody else in the conversation learns anything.
 *
 * The clinicians on call are those of SAFETY_ON_CALL and those who had gone on call themselves (the on-call stream)
 * at the event's position, live and on catch-up alike; when there are none, every clinician.
 */
export function createSafetyDeliveryPolicy(ports: ConversationPort[], config: SafetyConfig): DeliveryPolicy {
  const portOf = (kind: string) => ports.find((p) => p.kind === kind)!;
  const onCallAtPosition = async (db: SqlExecutor, position: number): Promise<string[]> => [...new Set([...config.onCall, ...(await onCallAt(db, position))])];

  const subjectForm = (event: SafetyEvent & RecordedEvent): RecordedEvent | null => {
    const base = { alertId: event.data.alertId, conversation: event.data.conversation };
    switch (event.type) {
      case 'SafetyAlertRaised':
        return { ...event, type: 'SafetyHelpOffered', data: { ...base, staffNotified: true, heldMessageId: event.data.heldMessage?.messageId ?? null, ...config.resources } };
      case 'SafetyAlertAcknowledged':
        return { ...event, type: 'SafetyHelpOnTheWay', data: { ...base, acknowledgedAt: event.data.acknowledgedAt } };
      case 'SafetyAlertResolved':
        return { ...event, type: 'SafetyAlertClosed', data: { ...base, outcome: event.data.outcome, resolvedAt: event.data.resolvedAt } };
      case 'SafetyAlertEscalated':
        return null;
    }
  };

  return {
    owns: (event) => isSafetyEvent(event) || isOnCallEvent(event),
    // an alert is about its person (GET /safety/alerts); who is on call is staff's rota, about nobody
    recordsAbout: (event) => (isSafetyEvent(event) ? idsIn(event.data, ['userId']) : []),

    async route(recorded, db) {
      if (isOnCallEvent(recorded)) return { deliveries: [{ to: ON_CALL_AUDIENCE.map(channels.role), except: [], event: recorded }], joinBefore: [], leaveAfter: [] };
      const event = asSafety(recorded);
      const onCall = await onCallAtPosition(db, recorded.position);
      const onCallChannels = onCall.length > 0 ? onCall.map(channels.user) : [channels.role('clinician')];
      const port = portOf(event.data.conversation.kind);
      const subject = channels.user(event.data.userId);
      const staff = [port.moderatorChannel(event.data.conversation.id), ...onCallChannels];
      if (event.type === 'SafetyAlertEscalated') staff.push(channels.role('clinician'));
      const deliveries: Delivery[] = [{ to: staff, except: [subject], event: recorded }];
      const form = subjectForm(event);
      // A family socket under the subject's user id may be someone else's login (a relative's under the participant's
      // id), so the user channel excepts role:family. A family guest who raised the alert is reached through its guest
      // channel in the conversation (its session's room), which holds only that guest's logins of that session.
      if (form) {
        deliveries.push({ to: [subject], except: [channels.role('family')], event: form });
        const guest = port.guestChannel?.(event.data.conversation.id, event.data.userId);
        if (guest) deliveries.push({ to: [guest], except: [], event: form });
      }
      return { deliveries, joinBefore: [], leaveAfter: [] };
    },

    async visibleTo(viewer: Actor, events, db: SqlExecutor) {
      const visible: RecordedEvent[] = [];
      for (const recorded of events) {
        if (isOnCallEvent(recorded)) {
          if (ON_CALL_AUDIENCE.includes(viewer.role)) visible.push(recorded);
          continue;
        }
        const event = asSafety(recorded);
        if (viewer.role === 'family') {
          // never staff; the subject only as a guest of the conversation (see route)
          const { kind, id } = event.data.conversation;
          const guest = event.data.userId === viewer.userId && (await portOf(kind).isGuestAt?.(db, viewer, id, recorded.position));
          const form = guest ? subjectForm(event) : null;
          if (form) visible.push(form);
          continue;
        }
        if (event.data.userId === viewer.userId) {
          const form = subjectForm(event);
          if (form) visible.push(form);
          continue;
        }
        // only clinicians go on call themselves, so the roster is read only for them
        const onCallThen = config.onCall.includes(viewer.userId) || viewer.role !== 'clinician' ? config.onCall : await onCallAtPosition(db, recorded.position);
        const onCall = onCallThen.length > 0 ? onCallThen.includes(viewer.userId) : viewer.role === 'clinician';
        const allClinicians = event.type === 'SafetyAlertEscalated' && viewer.role === 'clinician';
        const { kind, id } = event.data.conversation;
        if (onCall || allClinicians || (await portOf(kind).isModeratorAt(db, viewer.userId, id, recorded.position))) visible.push(recorded);
      }
      return visible;
    },

    async channelsAt() {
      return []; // staff channels are the conversations' moderator channels and role channels, joined elsewhere
    },
  };
}
