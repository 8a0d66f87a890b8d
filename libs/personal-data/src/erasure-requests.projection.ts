import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import { isPersonStream, type PersonEvent } from './domain/person.events';

/** erasure_requests: who asked for their data to be erased and was not answered yet (an erasure answers, a withdrawal ends it). */
export const erasureRequestsProjection: Projection = {
  name: 'erasure_requests',
  eventTypes: ['ErasureRequested', 'ErasureRequestWithdrawn', 'PersonalDataErased'] satisfies PersonEvent['type'][],
  tables: ['erasure_requests'],
  async migrate(db) {
    await db.execute(`create table if not exists erasure_requests (user_id text primary key, requested_at text not null)`);
  },
  async apply(tx, recorded: RecordedEvent) {
    if (!isPersonStream(recorded.streamId)) return;
    const event = recorded as unknown as PersonEvent & RecordedEvent;
    if (event.type === 'ErasureRequested') {
      await tx.execute(`insert into erasure_requests values ($1, $2) on conflict (user_id) do nothing`, [event.data.userId, event.data.requestedAt]);
    } else if (event.type === 'ErasureRequestWithdrawn' || event.type === 'PersonalDataErased') {
      await tx.execute(`delete from erasure_requests where user_id = $1`, [event.data.userId]);
    }
  },
};

/** The open requests, oldest first: an admin's queue. */
export async function openErasureRequests(db: SqlExecutor): Promise<{ userId: string; requestedAt: string }[]> {
  const rows = await db.query(`select user_id, requested_at from erasure_requests order by requested_at, user_id`);
  return rows.map((r) => ({ userId: String(r.user_id), requestedAt: String(r.requested_at) }));
}

/** The person's own open request, or null. */
export async function erasureRequestOf(db: SqlExecutor, userId: string): Promise<{ requestedAt: string } | null> {
  const [row] = await db.query(`select requested_at from erasure_requests where user_id = $1`, [userId]);
  return row ? { requestedAt: String(row.requested_at) } : null;
}
