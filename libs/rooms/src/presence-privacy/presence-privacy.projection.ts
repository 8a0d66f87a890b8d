import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import { placeholderList } from '@haven/event-store/sql-database';
import type { Projection } from '@haven/projections';
import { isPresenceStream, type PresenceVisibilityEvent } from './presence-privacy';

/** presence_hidden: who asked not to be shown online (rooms.setPresenceVisible), one row each. */
export const presenceHiddenProjection: Projection = {
  name: 'presence_hidden',
  eventTypes: ['PresenceVisibilitySet'] satisfies PresenceVisibilityEvent['type'][],
  tables: ['presence_hidden'],
  async migrate(db) {
    await db.execute(`create table if not exists presence_hidden (user_id text primary key, hidden_at text not null)`);
  },
  async apply(tx, recorded: RecordedEvent) {
    if (!isPresenceStream(recorded.streamId)) return;
    const { userId, visible, setAt } = (recorded as unknown as PresenceVisibilityEvent & RecordedEvent).data;
    if (visible) await tx.execute(`delete from presence_hidden where user_id = $1`, [userId]);
    else await tx.execute(`insert into presence_hidden values ($1, $2) on conflict (user_id) do nothing`, [userId, setAt]);
  },
};

/** Whether this person asked not to be shown online. */
export async function hidesPresence(db: SqlExecutor, userId: string): Promise<boolean> {
  return (await db.query(`select 1 from presence_hidden where user_id = $1`, [userId])).length > 0;
}

/** Those of `userIds` who asked not to be shown online. */
export async function presenceHiddenAmong(db: SqlExecutor, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db.query<{ user_id: string }>(`select user_id from presence_hidden where user_id in (${placeholderList(userIds.length)})`, [...userIds]);
  return new Set(rows.map((row) => row.user_id));
}
