import type { Actor } from '@haven/domain';
import type { RecordedEvent } from '@haven/event-store';
import { channels, type DeliveryPolicy } from '@haven/realtime';
import { audienceOf, mentoringAudience, mentoringEventForm, type MentoringForm } from '../domain/mentoring.audience';
import { isMentoringStream, type MentoringEvent } from '../domain/mentoring.events';

const asMentoring = (event: RecordedEvent) => event as unknown as MentoringEvent & RecordedEvent;

/** What mentors see in place of a participant's stream and id: the requests as a whole, nobody in particular. */
export const ANONYMOUS_STREAM = 'mentor-requests';
export const ANONYMOUS_ACTOR = 'anonymous';

/**
 * Who sees a mentoring event, live and on catch-up, from the one audience function of the mentoring domain. Every
 * audience is a user or role channel, which a socket joins when it connects, so nothing moves between channels.
 */
export const mentoringDeliveryPolicy: DeliveryPolicy = {
  owns: (event) => isMentoringStream(event.streamId),

  async route(recorded) {
    const deliveries = mentoringAudience(asMentoring(recorded)).map((part) => ({
      to: [...part.users.map(channels.user), ...part.roles.map(channels.role)],
      // a family guest under a member's user id is someone else's login: it sees nothing of mentoring
      except: [...part.exceptUsers.map(channels.user), channels.role('family')],
      event: inForm(recorded, part.form),
    }));
    return { deliveries, joinBefore: [], leaveAfter: [] };
  },

  async visibleTo(viewer: Actor, events) {
    return events.flatMap((recorded) => {
      const part = audienceOf(viewer, asMentoring(recorded));
      return part ? [inForm(recorded, part.form)] : [];
    });
  },

  async channelsAt() {
    return [];
  },
};

/** The recorded event in a form; the anonymous forms also hide the stream (named after the participant) and the actor. */
function inForm(recorded: RecordedEvent, form: MentoringForm): RecordedEvent {
  if (form === 'full') return recorded;
  const { type, data } = mentoringEventForm(asMentoring(recorded), form);
  if (form === 'withoutReason') return { ...recorded, type, data };
  return { ...recorded, type, data, streamId: ANONYMOUS_STREAM, metadata: { ...recorded.metadata, actorId: ANONYMOUS_ACTOR } };
}
