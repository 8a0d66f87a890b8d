import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import { isNoticeStream, noticeRetryAt, subjectIdOf, type OfflineNoticeEvent, type OfflineNoticeEventType } from './offline-notice.events';

/**
 * offline_notices: the latest notice each person was sent about each room or mentor request (room_id: the subject's
 * id, a uuid either way; up to which position, how many attempts, whether one got through, when the next attempt is
 * due). Whether someone is owed a notice is asked of this table with a source's own read models (NoticeSource).
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
        const { userId, through, attempt, attemptedAt } = event.data;
        // the next attempt is due then, whatever becomes of this one (its node may stop before it can say)
        await tx.execute(
          `insert into offline_notices values ($1, $2, $3, $4, 0, $5, $6)
           on conflict (user_id, room_id) do update set through = excluded.through, attempts = excluded.attempts, sent = 0,
             last_attempt_at = excluded.last_attempt_at, retry_at = excluded.retry_at`,
          [userId, subjectIdOf(event.data), through, attempt, attemptedAt, noticeRetryAt(attemptedAt, attempt)],
        );
        return;
      }
      case 'OfflineNoticeSent':
        await tx.execute(`update offline_notices set sent = 1, retry_at = null where user_id = $1 and room_id = $2 and through = $3`, [
          event.data.userId,
          subjectIdOf(event.data),
          event.data.through,
        ]);
        return;
      default:
        return;
    }
  },
};

/** Notices attempted since then that the gateway has not taken (yet, or at all): an operator's sign the gateway fails. */
export async function offlineNoticesNotTaken(db: SqlExecutor, since: string): Promise<number> {
  const [row] = await db.query<{ count: number | string }>(`select count(*) as count from offline_notices where sent = 0 and last_attempt_at > $1`, [since]);
  return Number(row.count);
}
