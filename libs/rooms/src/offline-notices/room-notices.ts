import type { SqlExecutor } from '@haven/event-store';
import { createIndexStatement } from '@haven/projections';
import { roomAwayNoticesProjection } from '../read-models/room-away-notices.projection';
import { roomMessagesProjection } from '../read-models/room-messages.projection';
import { GROUP_KINDS_SQL, hiddenPeopleProjection } from '../hidden-people/hidden-people.projection';
import { noticeDue, notSuspendedNorToldSince, retryDue, type NoticeConversation, type NoticeDue, type NoticeSource, type NoticeWindow } from './notice-source';

/** how many notices one poll takes on */
const NOTICES_PER_POLL = 500;

const conversationOf = (roomKind: string): NoticeConversation =>
  roomKind === 'mentor_pair' || roomKind === 'family_session' ? roomKind : 'group';

/**
 * The rooms' notices, of three kinds:
 * - members (not family guests) with messages by others they have not read (after their read mark, posted while they
 *   were in the room, not deleted or redacted), posted within the window, unless they turned the room's away notices
 *   off (a report still reaches a moderator who did: it is their duty, not the room's chatter), and not of messages by people
 *   they hide in a group room they do not moderate;
 * - moderators of rooms with a report still open, made within the window (not the reporter, nor the author of what was
 *   reported), past their read mark;
 * - participants whose pair room opened within the window (a mentor took their request), not told of it, not read;
 * each with no notice about the room since they last read (or none within the repeat wait). And notices whose last
 * attempt failed or went unanswered, while the member still has not read that far.
 */
export const roomNotices: NoticeSource = {
  name: 'rooms',
  /**
   * It looks for messages posted within the last minutes, by an index on room_messages made only where notices are on:
   * elsewhere a post, and a rebuild of room_messages, need not keep it up.
   */
  async migrate(db) {
    await roomMessagesProjection.migrate(db);
    await roomAwayNoticesProjection.migrate(db);
    await hiddenPeopleProjection.migrate(db);
    await db.execute(createIndexStatement({ name: 'room_messages_by_posted_at', on: 'room_messages (posted_at)' }));
  },

  async due(db: SqlExecutor, window: NoticeWindow): Promise<NoticeDue[]> {
    const fresh = await db.query<{ user_id: string; room_id: string; kind: string; through: number | string }>(
      `select user_id, room_id, kind, max(through) as through from (
         select p.user_id, m.room_id, d.kind, m.position as through
         from room_messages m
         join room_directory d on d.room_id = m.room_id
         join room_membership_periods p on p.room_id = m.room_id and p.to_position is null and p.from_position < m.position
           and p.user_id <> m.author_id and p.global_role <> 'family'
         left join room_read_marks r on r.user_id = p.user_id and r.room_id = m.room_id
         left join offline_notices n on n.user_id = p.user_id and n.room_id = m.room_id
         where m.posted_at > $1 and m.posted_at <= $2 and m.deleted = 0 and m.redacted = 0
           and m.position > coalesce(r.position, 0)
           and not exists (select 1 from room_away_notices_off o where o.room_id = m.room_id and o.user_id = p.user_id)
           and not (p.moderator = 0 and d.kind in ${GROUP_KINDS_SQL}
             and exists (select 1 from hidden_people h where h.user_id = p.user_id and h.hidden_user_id = m.author_id))
           and (n.user_id is null or n.through <= coalesce(r.position, 0) or (n.last_attempt_at <= $3 and m.position > n.through))
         union all
         select p.user_id, rep.room_id, d.kind, rep.position as through
         from room_reports rep
         join room_directory d on d.room_id = rep.room_id
         join room_membership_periods p on p.room_id = rep.room_id and p.to_position is null and p.moderator = 1
           and p.user_id <> rep.reporter_id and p.user_id <> rep.author_id
         left join room_read_marks r on r.user_id = p.user_id and r.room_id = rep.room_id
         left join offline_notices n on n.user_id = p.user_id and n.room_id = rep.room_id
         where rep.status = 'open' and rep.reported_at > $1 and rep.reported_at <= $2
           and rep.position > coalesce(r.position, 0)
           and (n.user_id is null or n.through <= coalesce(r.position, 0) or (n.last_attempt_at <= $3 and rep.position > n.through))
         union all
         select p.user_id, d.room_id, d.kind, p.from_position as through
         from room_directory d
         join room_membership_periods p on p.room_id = d.room_id and p.to_position is null and p.global_role = 'participant'
         left join room_read_marks r on r.user_id = p.user_id and r.room_id = d.room_id
         where d.kind = 'mentor_pair' and d.created_at > $1 and d.created_at <= $2 and r.user_id is null
           and not exists (select 1 from offline_notices n where n.user_id = p.user_id and n.room_id = d.room_id)
       ) owed
       where ${notSuspendedNorToldSince('owed.user_id', '$4')}
       group by user_id, room_id, kind
       limit ${NOTICES_PER_POLL}`,
      [window.freshSince, window.dueBefore, window.repeatBefore, window.quietSince],
    );
    const retries = await db.query<{ user_id: string; room_id: string; kind: string; through: number | string; attempts: number | string }>(
      `select n.user_id, n.room_id, d.kind, n.through, n.attempts
       from offline_notices n
       join room_directory d on d.room_id = n.room_id
       join room_membership_periods p on p.room_id = n.room_id and p.user_id = n.user_id and p.to_position is null and p.global_role <> 'family'
       left join room_read_marks r on r.user_id = n.user_id and r.room_id = n.room_id
       where ${retryDue('n', '$1', '$2')} and n.through > coalesce(r.position, 0)
       limit ${NOTICES_PER_POLL}`,
      [window.now, window.freshSince],
    );
    const notice = (r: { user_id: string; room_id: string; kind: string; through: number | string }, attempts: number | string) =>
      noticeDue(r.user_id, { roomId: r.room_id }, conversationOf(r.kind), r.through, attempts);
    return [...fresh.map((r) => notice(r, 0)), ...retries.map((r) => notice(r, r.attempts))];
  },
};
