import type { Actor } from '@haven/domain';
import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
// the file, not the lib's index (which loads Nest), so that jest can load this policy against real stores
import { channels, type Delivery, type DeliveryPolicy } from '@haven/realtime/delivery-policy';
import type { ConversationPort } from './conversation-port';
import type { SafetyEvent } from './domain/safety-alert.events';
import type { SafetyConfig } from './safety-config';

const isSafetyEvent = (event: RecordedEvent) => event.streamId.startsWith('safety-');
const asSafety = (event: RecordedEvent) => event as unknown as SafetyEvent & RecordedEvent;

/**
 * Who sees a safety event. Staff (the conversation's moderators and the clinicians on call; on escalation every
 * clinician) get the full event. The person it is about gets a gentle form: help resources when it is raised,
 * "someone is on it" when acknowledged, the outcome when resolved; never the staff note or the escalation.
 * Nobody else in the conversation learns anything.
 */
export function createSafetyDeliveryPolicy(ports: ConversationPort[], config: SafetyConfig): DeliveryPolicy {
  const portOf = (kind: string) => ports.find((p) => p.kind === kind)!;
  const onCallChannels = config.onCall.length > 0 ? config.onCall.map(channels.user) : [channels.role('clinician')];

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
    owns: isSafetyEvent,

    async route(recorded) {
      const event = asSafety(recorded);
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
        const onCall = config.onCall.length > 0 ? config.onCall.includes(viewer.userId) : viewer.role === 'clinician';
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
