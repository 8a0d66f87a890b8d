import type { Actor } from '@haven/domain';
import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
// the file, not the lib's index (which loads Nest)
import { channels, idsIn, type DeliveryPolicy } from '@haven/realtime/delivery-policy';
import { isMentorProfileStream, speaks, type MentorProfileEvent } from '../domain/mentor-profile';
import { audienceOf, mentoringAudience, mentoringEventForm, type MentoringForm } from '../domain/mentoring.audience';
import { isMentoringStream, type MentoringEvent } from '../domain/mentoring.events';
import { awayOf, isAboutAStoredRequest, languagesOfMentor, languagesOfRequests, mentorsNotOffered, mentorsNotOfferedAt } from '../read-models/mentoring.projection';
// the file, not the lib's index (which loads Nest)
import { hiddenIdsOf } from '@haven/rooms/hidden-people/hidden-people.projection';

const asMentoring = (event: RecordedEvent) => event as unknown as MentoringEvent & RecordedEvent;

/** What mentors see in place of a participant's stream and id: the requests as a whole, nobody in particular. */
export const ANONYMOUS_STREAM = 'mentor-requests';
export const ANONYMOUS_ACTOR = 'anonymous';

/** a family guest under a member's user id is someone else's login: it sees nothing of mentoring */
const NO_FAMILY = channels.role('family');

/**
 * Who sees a mentoring event, live and on catch-up, from the one audience function of the mentoring domain. Every
 * audience is a user or role channel, which a socket joins when it connects, so nothing moves between channels. A
 * request, and what becomes of it, goes to the mentors who mentor in its language, are not away and do not hide its
 * participant (read models say who does not, who is away, and who hides whom).
 */
export const mentoringDeliveryPolicy: DeliveryPolicy = {
  owns: (event) => isMentoringStream(event.streamId) || isMentorProfileStream(event.streamId),
  // a request names who asked (when the form sent shows it), a pairing both people (GET /mentoring/requests, /pairings)
  recordsAbout: (event) => (isMentoringStream(event.streamId) ? idsIn(event.data, ['participantId', 'mentorId']) : []),

  async route(recorded, db) {
    if (isMentorProfileStream(recorded.streamId)) {
      const { mentorId } = (recorded as unknown as MentorProfileEvent).data;
      if (recorded.type === 'MentorSeen') return { deliveries: [], joinBefore: [], leaveAfter: [] };
      return { deliveries: [{ to: [channels.user(mentorId)], except: [NO_FAMILY], event: recorded }], joinBefore: [], leaveAfter: [] };
    }
    const event = asMentoring(recorded);
    const language = (await languagesOf(db, [event])).get(event);
    // a request is not offered to mentors who hide its participant (rooms.hidePerson); unlike excludedMentors, which the
    // participant reads, this is decided here, so that nobody learns who hides them. As the projection of this very
    // event found them: the read models may have moved on since, on another node
    const elsewhere =
      language === undefined ? [] : ((await mentorsNotOfferedAt(db, recorded.position)) ?? (await mentorsNotOffered(db, language, event.data.participantId, recorded.position)));
    const deliveries = mentoringAudience(event, elsewhere).map((part) => ({
      to: [...part.users.map(channels.user), ...part.roles.map(channels.role)],
      except: [...part.exceptUsers.map(channels.user), NO_FAMILY],
      event: inForm(recorded, part.form),
    }));
    return { deliveries, joinBefore: [], leaveAfter: [] };
  },

  async visibleTo(viewer: Actor, events, db) {
    // what the mentor set, to that mentor; MentorSeen (Haven's note of their first connection) to nobody
    const profileOwn = (recorded: RecordedEvent) =>
      viewer.role === 'mentor' && recorded.type !== 'MentorSeen' && (recorded as unknown as MentorProfileEvent).data.mentorId === viewer.userId;
    const mentoring = events.filter((recorded) => !isMentorProfileStream(recorded.streamId)).map(asMentoring);
    // a mentor's languages and away as they are now: one who takes up Spanish, or comes back, finds today's open
    // requests on catch-up too
    const mine = viewer.role === 'mentor' ? await languagesOfMentor(db, viewer.userId) : null;
    const away = viewer.role === 'mentor' && (await awayOf(db, viewer.userId)) !== null;
    const hidden = viewer.role === 'mentor' ? new Set(await hiddenIdsOf(db, viewer.userId)) : new Set<string>();
    const requestLanguages = mine === null && !away && hidden.size === 0 ? new Map<MentoringEvent, string>() : await languagesOf(db, mentoring);
    return events.flatMap((recorded) => {
      if (isMentorProfileStream(recorded.streamId)) return profileOwn(recorded) ? [recorded] : [];
      const event = asMentoring(recorded);
      const language = requestLanguages.get(event);
      const elsewhere = language !== undefined && (away || !speaks(mine, language) || hidden.has(event.data.participantId)) ? [viewer.userId] : [];
      const part = audienceOf(viewer, event, elsewhere);
      return part ? [inForm(recorded, part.form)] : [];
    });
  },

  async channelsAt() {
    return [];
  },
};

/** The language of the request each event is about (events about no request, a pairing's end or feedback, are left out). */
async function languagesOf(db: SqlExecutor, events: readonly MentoringEvent[]): Promise<Map<MentoringEvent, string>> {
  const languages = new Map<MentoringEvent, string>();
  const byRequest: [MentoringEvent, string][] = [];
  for (const event of events) {
    if (event.type === 'MentorRequested') languages.set(event, event.data.language);
    else if (isAboutAStoredRequest(event)) byRequest.push([event, event.data.requestId]);
  }
  const stored = await languagesOfRequests(db, [...new Set(byRequest.map(([, requestId]) => requestId))]);
  for (const [event, requestId] of byRequest) {
    const language = stored.get(requestId);
    if (language !== undefined) languages.set(event, language);
  }
  return languages;
}

/** The recorded event in a form; the anonymous forms also hide the stream (named after the participant) and the actor. */
function inForm(recorded: RecordedEvent, form: MentoringForm): RecordedEvent {
  if (form === 'full') return recorded;
  const { type, data } = mentoringEventForm(asMentoring(recorded), form);
  if (form === 'withoutReason') return { ...recorded, type, data };
  return { ...recorded, type, data, streamId: ANONYMOUS_STREAM, metadata: { ...recorded.metadata, actorId: ANONYMOUS_ACTOR } };
}
