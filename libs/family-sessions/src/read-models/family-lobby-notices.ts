import type { SqlExecutor } from '@haven/event-store';
import { noticeDue, notSuspendedNorToldSince, retryDue, type NoticeDue, type NoticeSource, type NoticeWindow } from '@haven/rooms/offline-notices/notice-source';
import { familyLobbyProjection } from './family-lobby.projection';
import { familySessionsProjection } from './family-sessions.projection';

/** how many notices one poll takes on */
const NOTICES_PER_POLL = 500;

/**
 * Family sessions' notices: a session's host who is away from the app is told that family members have waited the
 * wait (OFFLINE_NOTICE_AFTER_SECONDS) to be admitted, in a session not ended; again when another arrives while they
 * still wait. Only the host: other clinicians may admit too, but a lobby is its host's to open.
 */
export const familyLobbyNotices: NoticeSource = {
  name: 'family-lobby',
  async migrate(db) {
    await familySessionsProjection.migrate(db);
    await familyLobbyProjection.migrate(db);
  },

  async due(db: SqlExecutor, window: NoticeWindow): Promise<NoticeDue[]> {
    const fresh = await db.query<{ host_id: string; session_id: string; through: number | string }>(
      `select s.host_id, l.session_id, max(l.position) as through
       from family_lobby l
       join family_sessions s on s.session_id = l.session_id
       left join offline_notices n on n.user_id = s.host_id and n.room_id = l.session_id
       where s.status = 'scheduled' and l.redeemed_at > $1 and l.redeemed_at <= $2
         and (n.user_id is null or l.position > n.through)
         and ${notSuspendedNorToldSince('s.host_id', '$3')}
       group by s.host_id, l.session_id
       limit ${NOTICES_PER_POLL}`,
      [window.freshSince, window.dueBefore, window.quietSince],
    );
    const retries = await db.query<{ user_id: string; room_id: string; through: number | string; attempts: number | string }>(
      `select n.user_id, n.room_id, n.through, n.attempts
       from offline_notices n
       join family_sessions s on s.session_id = n.room_id and s.host_id = n.user_id
       where ${retryDue('n', '$1', '$2')} and s.status = 'scheduled'
         and exists (select 1 from family_lobby l where l.session_id = n.room_id)
       limit ${NOTICES_PER_POLL}`,
      [window.now, window.freshSince],
    );
    return [
      ...fresh.map((r) => noticeDue(r.host_id, { sessionId: r.session_id }, 'family_session', r.through, 0)),
      ...retries.map((r) => noticeDue(r.user_id, { sessionId: r.room_id }, 'family_session', r.through, r.attempts)),
    ];
  },
};
