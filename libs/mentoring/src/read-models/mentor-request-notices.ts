import type { SqlExecutor } from '@haven/event-store';
import { noticeDue, notSuspendedNorToldSince, retryDue, type NoticeDue, type NoticeSource, type NoticeWindow } from '@haven/rooms/offline-notices/notice-source';
import { hiddenPeopleProjection } from '@haven/rooms/hidden-people/hidden-people.projection';
import { speaks } from '../domain/mentor-profile';
import { mentoringProjection } from './mentoring.projection';

/** how many notices one poll takes on */
const NOTICES_PER_POLL = 500;

/**
 * Mentoring's notices: a mentor who is away from the app is told that a request they may take has been waiting for
 * the wait (OFFLINE_NOTICE_AFTER_SECONDS), once per request, while it is open. "May take" is what their list shows
 * (openRequestsFor): in a language they mentor in, not excluded from it, not declined by them, not their own, not of
 * someone they hide, and they are not away; and they have room for another pair (fewer active pairings than MENTOR_MAX_ACTIVE_PAIRINGS, or than their own
 * capacity when lower: accepting would be refused). Haven has no roster of a clinic's mentors (the identity provider has), so only the
 * mentors it knows are told: who connected once (MentorSeen), set their languages, topics or capacity, had a pairing, or
 * declined a request.
 */
export const mentorRequestNotices = ({ maxActivePairings }: { maxActivePairings: number }): NoticeSource => ({
  name: 'mentor-requests',
  // the rooms' hidden_people too: this source may run before the read models' migrations
  async migrate(db) {
    await mentoringProjection.migrate(db);
    await hiddenPeopleProjection.migrate(db);
  },

  async due(db: SqlExecutor, window: NoticeWindow): Promise<NoticeDue[]> {
    const fresh = await db.query<{ mentor_id: string; request_id: string; position: number | string; language: string; excluded_mentors: string; languages: string | null }>(
      `select m.mentor_id, r.request_id, r.position, r.language, r.excluded_mentors, l.languages
       from mentor_requests r
       cross join (select mentor_id from mentor_languages union select mentor_id from mentor_topics
                   union select mentor_id from mentor_pairings union select mentor_id from mentor_request_declines
                   union select mentor_id from mentor_capacity union select mentor_id from mentor_seen) m
       left join mentor_languages l on l.mentor_id = m.mentor_id
       where r.status = 'open' and r.requested_at > $1 and r.requested_at <= $2 and m.mentor_id <> r.participant_id
         and not exists (select 1 from mentor_away a where a.mentor_id = m.mentor_id)
         and not exists (select 1 from mentor_request_declines d where d.request_id = r.request_id and d.mentor_id = m.mentor_id)
         and not exists (select 1 from hidden_people h where h.user_id = m.mentor_id and h.hidden_user_id = r.participant_id)
         and not exists (select 1 from offline_notices n where n.user_id = m.mentor_id and n.room_id = r.request_id)
         and ${notSuspendedNorToldSince('m.mentor_id', '$3')}
         and (select count(*) from mentor_pairings p where p.mentor_id = m.mentor_id and p.status = 'active')
             < coalesce((select case when c.pairs < $4 then c.pairs else $4 end from mentor_capacity c where c.mentor_id = m.mentor_id), $4)
       order by r.position
       limit ${NOTICES_PER_POLL}`,
      [window.freshSince, window.dueBefore, window.quietSince, maxActivePairings],
    );
    const retries = await db.query<{ user_id: string; room_id: string; through: number | string; attempts: number | string }>(
      `select n.user_id, n.room_id, n.through, n.attempts
       from offline_notices n
       join mentor_requests r on r.request_id = n.room_id
       where ${retryDue('n', '$1', '$2')} and r.status = 'open'
         and not exists (select 1 from mentor_away a where a.mentor_id = n.user_id)
         and not exists (select 1 from mentor_request_declines d where d.request_id = r.request_id and d.mentor_id = n.user_id)
         and not exists (select 1 from hidden_people h where h.user_id = n.user_id and h.hidden_user_id = r.participant_id)
       limit ${NOTICES_PER_POLL}`,
      [window.now, window.freshSince],
    );
    return [
      ...fresh
        .filter((r) => !(JSON.parse(r.excluded_mentors) as string[]).includes(r.mentor_id))
        .filter((r) => speaks(r.languages === null ? null : (JSON.parse(r.languages) as string[]), r.language))
        .map((r) => noticeDue(r.mentor_id, { requestId: r.request_id }, 'mentor_request', r.position, 0)),
      ...retries.map((r) => noticeDue(r.user_id, { requestId: r.room_id }, 'mentor_request', r.through, r.attempts)),
    ];
  },
});
