import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import { isPersonStream, type AccessReinstated, type AccessSuspended } from './domain/person.events';

/** access_suspensions: the people whose access an admin suspended and has not reinstated, since when and by whom. */
export const accessSuspensionsProjection: Projection = {
  name: 'access_suspensions',
  eventTypes: ['AccessSuspended', 'AccessReinstated'],
  tables: ['access_suspensions'],
  async migrate(db) {
    await db.execute(`create table if not exists access_suspensions (user_id text primary key, suspended_by text not null, since text not null)`);
  },
  async apply(tx, recorded) {
    if (!isPersonStream(recorded.streamId)) return;
    const event = recorded as unknown as (AccessSuspended | AccessReinstated) & RecordedEvent;
    if (event.type === 'AccessSuspended') {
      await tx.execute(`insert into access_suspensions values ($1, $2, $3) on conflict (user_id) do nothing`, [event.data.userId, event.data.by, event.data.suspendedAt]);
    } else if (event.type === 'AccessReinstated') {
      await tx.execute(`delete from access_suspensions where user_id = $1`, [event.data.userId]);
    }
  },
};

export async function isSuspended(db: SqlExecutor, userId: string): Promise<boolean> {
  return (await db.query(`select 1 from access_suspensions where user_id = $1`, [userId])).length > 0;
}

/** Everyone suspended now, earliest first. */
export async function suspendedPeople(db: SqlExecutor): Promise<{ userId: string; suspendedBy: string; since: string }[]> {
  const rows = await db.query(`select user_id, suspended_by, since from access_suspensions order by since, user_id`);
  return rows.map((r) => ({ userId: String(r.user_id), suspendedBy: String(r.suspended_by), since: String(r.since) }));
}
