import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import { createIndexStatement, type Projection } from '@haven/projections';
import { roomMessagesProjection } from '../read-models/room-messages.projection';
import { isNoticeStream, noticeRetryAt, type OfflineNoticeEvent, type OfflineNoticeEventType } from './offline-notice.events';

/**
 * offline_notices: the latest notice each member was sent about each room (up to which position, how many attempts,
 * whether one got through, when the next attempt is due). Whether a member is owed a notice is asked of this table
 * with the room's messages, memberships and read marks (noticesDue).
 */
export const offlineNoticesProjection: Projection = {
  name: 'offline_notices',
  eventTypes: ['OfflineNoticeAttempted', 'OfflineNoticeSent'] satisfies OfflineNoticeEventType[],
  tables: ['offline_notices'],
  async migrate(db) {
    await db.execute(`create table if not exists offline_notices (
      user_id text not null, room_id text not null, through bigint not null, attempts integer not null, sent integer not null,
      last_attempt_at text not null, retry_at text, primary key (user_id, room_id))`);
    await db.execute(`create index if not exists offline_notices_retries on offline_notices (sent, retry_at)`);
  },
  async apply(tx, recorded: RecordedEvent) {
    if (!isNoticeStream(recorded.streamId)) return;
    const event = recorded as unknown as OfflineNoticeEvent & RecordedEvent;
    switch (event.type) {
      case 'OfflineNoticeAttempted': {
        const { userId, roomId, through, attempt, attemptedAt } = event.data;
        // the next attempt is due then, whatever becomes of this one (its node may stop before it can say)
        await tx.execute(
          `insert into offline_notices values ($1, $2, $3, $4, 0, $5, $6)
           on conflict (user_id, room_id) do update set through = excluded.through, attempts = excluded.attempts, sent = 0,
             last_attempt_at = excluded.last_attempt_at, retry_at = excluded.retry_at`,
          [userId, roomId, through, attempt, attemptedAt, noticeRetryAt(attemptedAt, attempt)],
        );
        return;
      }
      case 'OfflineNoticeSent':
        await tx.execute(`update offline_notices set sent = 1, retry_at = null where user_id = $1 and room_id = $2 and through = $3`, [
          event.data.userId,
          event.data.roomId,
          event.data.through,
        ]);
        return;
      default:
        return;
    }
  },
};

export interface NoticeDue {
  userId: string;
  roomId: string;
  /** the room directory's kind: a group's kind, `mentor_pair` or `family_session` */
  roomKind: string;
  /** the newest position the notice is about: an unread message, a report, or the pair room's opening */
  through: number;
  /** the attempt this one follows (0: a new notice) */
  attempts: number;
}

export interface NoticeWindow {
  /** messages posted up to then are due (now less the wait, OFFLINE_NOTICE_AFTER_SECONDS) */
  dueBefore: string;
  /** messages posted before then are not told any more: after downtime, a rebuild or turning notices on, no flood of
   * old news */
  freshSince: string;
  /** a member told of a room before then, who has not read since, may be told of newer messages again */
  repeatBefore: string;
  /** a person sent a notice since then is told of no other room yet (retries of that notice go on) */
  quietSince: string;
  now: string;
}

/**
 * noticesDue looks for messages posted within the last minutes, by an index on room_messages made only where notices
 * are on (at start, by the processor): elsewhere a post, and a rebuild of room_messages, need not keep it up. The two
 * tables are made first if need be: Nest does not order the modules' start hooks, so the follower may not have yet.
 */
export async function migrateNoticeIndexes(db: SqlExecutor): Promise<void> {
  await roomMessagesProjection.migrate(db);
  await offlineNoticesProjection.migrate(db);
  await db.execute(createIndexStatement({ name: 'room_messages_by_posted_at', on: 'room_messages (posted_at)' }));
}

/** how many notices one poll takes on */
const NOTICES_PER_POLL = 500;

/**
 * The notices due, of three kinds:
 * - members (not family guests) with messages by others they have not read (after their read mark, posted while they
 *   were in the room, not deleted or redacted), posted within the window;
 * - moderators of rooms with a report still open, made within the window (not the reporter, nor the author of what was
 *   reported), past their read mark;
 * - participants whose pair room opened within the window (a mentor took their request), not told of it, not read;
 * each with no notice about the room since they last read (or none within the repeat wait), for people not suspended
 * and not told of any room within the quiet time. And notices whose last attempt failed or went unanswered, while the
 * member still has not read that far. Whether they are connected is the processor's to ask.
 */
export async function noticesDue(db: SqlExecutor, window: NoticeWindow): Promise<NoticeDue[]> {
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
     where not exists (select 1 from access_suspensions s where s.user_id = owed.user_id)
       and not exists (select 1 from offline_notices q where q.user_id = owed.user_id and q.last_attempt_at > $4)
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
     where n.sent = 0 and n.retry_at is not null and n.retry_at <= $1 and n.last_attempt_at > $2 and n.through > coalesce(r.position, 0)
       and not exists (select 1 from access_suspensions s where s.user_id = n.user_id)
     limit ${NOTICES_PER_POLL}`,
    [window.now, window.freshSince],
  );
  return [
    ...fresh.map((r) => ({ userId: r.user_id, roomId: r.room_id, roomKind: r.kind, through: Number(r.through), attempts: 0 })),
    ...retries.map((r) => ({ userId: r.user_id, roomId: r.room_id, roomKind: r.kind, through: Number(r.through), attempts: Number(r.attempts) })),
  ];
}

/** Notices attempted since then that the gateway has not taken (yet, or at all): an operator's sign the gateway fails. */
export async function offlineNoticesNotTaken(db: SqlExecutor, since: string): Promise<number> {
  const [row] = await db.query<{ count: number | string }>(`select count(*) as count from offline_notices where sent = 0 and last_attempt_at > $1`, [since]);
  return Number(row.count);
}
