import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import { isPersonStream, type PersonEvent } from './domain/person.events';

/**
 * erasure_requests: who asked for their data to be erased and was not answered yet (an erasure answers, a withdrawal
 * ends it), with the request's event id and position: what an away notice to admins names instead of the person.
 * admins_seen: the admins Haven knows, from their first connection (AdminSeen; the identity provider holds the list),
 * whom those notices go to. One read model, not two: each is a checkpoint row in the claim every event makes.
 */
export const erasureRequestsProjection: Projection = {
  name: 'erasure_requests',
  // 2: the request's event id and position; admins_seen
  version: 2,
  eventTypes: ['ErasureRequested', 'ErasureRequestWithdrawn', 'PersonalDataErased', 'AdminSeen'] satisfies PersonEvent['type'][],
  tables: ['erasure_requests', 'admins_seen'],
  async migrate(db) {
    await db.execute(`create table if not exists erasure_requests (
      user_id text primary key, requested_at text not null, request_id text not null, position bigint not null)`);
    await db.execute(`create table if not exists admins_seen (user_id text primary key, seen_at text not null)`);
  },
  async apply(tx, recorded: RecordedEvent) {
    if (!isPersonStream(recorded.streamId)) return;
    const event = recorded as unknown as PersonEvent & RecordedEvent;
    if (event.type === 'ErasureRequested') {
      await tx.execute(`insert into erasure_requests values ($1, $2, $3, $4) on conflict (user_id) do nothing`, [
        event.data.userId,
        event.data.requestedAt,
        recorded.id,
        recorded.position,
      ]);
    } else if (event.type === 'ErasureRequestWithdrawn' || event.type === 'PersonalDataErased') {
      await tx.execute(`delete from erasure_requests where user_id = $1`, [event.data.userId]);
    } else if (event.type === 'AdminSeen') {
      await tx.execute(`insert into admins_seen values ($1, $2) on conflict (user_id) do nothing`, [event.data.userId, event.data.seenAt]);
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
