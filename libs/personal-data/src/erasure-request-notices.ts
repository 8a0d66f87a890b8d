import type { SqlExecutor } from '@haven/event-store';
import { noticeDue, notSuspendedNorToldSince, retryDue, type NoticeDue, type NoticeSource, type NoticeWindow } from '@haven/rooms/offline-notices/notice-source';
import { erasureRequestsProjection } from './erasure-requests.projection';

/** how many notices one poll takes on */
const NOTICES_PER_POLL = 500;

/**
 * Erasure requests' notices: an admin who is away from the app is told that someone's request to have their data
 * erased has waited the wait (OFFLINE_NOTICE_AFTER_SECONDS), once per request, while it is open (not answered by an
 * erasure, not withdrawn). The notice names the request by its event's id, never the person who asked. Haven has no
 * roster of a clinic's admins (the identity provider has), so it tells those who connected once (AdminSeen); an admin
 * is never told of their own request.
 */
export const erasureRequestNotices: NoticeSource = {
  name: 'erasure-requests',
  async migrate(db) {
    await erasureRequestsProjection.migrate(db);
  },

  async due(db: SqlExecutor, window: NoticeWindow): Promise<NoticeDue[]> {
    const fresh = await db.query<{ admin_id: string; request_id: string; position: number | string }>(
      `select a.user_id as admin_id, r.request_id, r.position
       from erasure_requests r
       cross join admins_seen a
       where r.requested_at > $1 and r.requested_at <= $2 and a.user_id <> r.user_id
         and not exists (select 1 from offline_notices n where n.user_id = a.user_id and n.room_id = r.request_id)
         and ${notSuspendedNorToldSince('a.user_id', '$3')}
       order by r.position
       limit ${NOTICES_PER_POLL}`,
      [window.freshSince, window.dueBefore, window.quietSince],
    );
    const retries = await db.query<{ user_id: string; room_id: string; through: number | string; attempts: number | string }>(
      `select n.user_id, n.room_id, n.through, n.attempts
       from offline_notices n
       join erasure_requests r on r.request_id = n.room_id
       where ${retryDue('n', '$1', '$2')}
       limit ${NOTICES_PER_POLL}`,
      [window.now, window.freshSince],
    );
    return [
      ...fresh.map((r) => noticeDue(r.admin_id, { requestId: r.request_id }, 'erasure_request', r.position, 0)),
      ...retries.map((r) => noticeDue(r.user_id, { requestId: r.room_id }, 'erasure_request', r.through, r.attempts)),
    ];
  },
};
