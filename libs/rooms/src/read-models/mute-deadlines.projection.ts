import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import type { RoomEvent, RoomEventType } from '../domain/room.events';
import { isRoomEvent, roomIdOf } from './room-membership.projection';

/**
 * mute_deadlines: the mutes in force and when each ends. The mute-expiry processor reads what is due;
 * typing checks read whether a member is muted now. ISO times in UTC compare correctly as text. An archived room's
 * mutes never end by an event (the room decides nothing more), so archiving removes them: left due, they would be
 * fired on every poll forever and, past a hundred, hold back every other room's.
 */
export const muteDeadlinesProjection: Projection = {
  name: 'mute_deadlines',
  eventTypes: ['MemberMuted', 'MemberUnmuted', 'RoomArchived'] satisfies RoomEventType[],
  tables: ['mute_deadlines'],
  async migrate(db) {
    await db.execute(`create table if not exists mute_deadlines (
      room_id text not null, user_id text not null, muted_until text not null, reason text not null, primary key (room_id, user_id))`);
    await db.execute(`create index if not exists mute_deadlines_due on mute_deadlines (muted_until)`);
  },
  async apply(tx, recorded) {
    if (!isRoomEvent(recorded)) return;
    const event = recorded as unknown as RoomEvent & RecordedEvent;
    if (event.type === 'MemberMuted') {
      await tx.execute(
        `insert into mute_deadlines values ($1, $2, $3, $4)
         on conflict (room_id, user_id) do update set muted_until = excluded.muted_until, reason = excluded.reason`,
        [roomIdOf(recorded), event.data.userId, event.data.mutedUntil, event.data.reason],
      );
    } else if (event.type === 'MemberUnmuted') {
      await tx.execute(`delete from mute_deadlines where room_id = $1 and user_id = $2`, [roomIdOf(recorded), event.data.userId]);
    } else if (event.type === 'RoomArchived') {
      await tx.execute(`delete from mute_deadlines where room_id = $1`, [roomIdOf(recorded)]);
    }
  },
};

export interface DueMute {
  roomId: string;
  userId: string;
  mutedUntil: string;
}

export async function dueMutes(db: SqlExecutor, now: string, limit = 100): Promise<DueMute[]> {
  // archived rooms' rows left by a version that kept them are skipped here (room_directory is in the same database)
  const rows = await db.query(
    `select * from mute_deadlines m where muted_until <= $1
       and not exists (select 1 from room_directory d where d.room_id = m.room_id and d.archived = 1)
     order by muted_until limit $2`,
    [now, limit],
  );
  return rows.map((r) => ({ roomId: String(r.room_id), userId: String(r.user_id), mutedUntil: String(r.muted_until) }));
}

export async function mutedNow(db: SqlExecutor, roomId: string, userId: string, now: string) {
  const rows = await db.query<{ muted_until: string; reason: string }>(
    `select muted_until, reason from mute_deadlines where room_id = $1 and user_id = $2 and muted_until > $3`,
    [roomId, userId, now],
  );
  return rows.length === 0 ? null : { mutedUntil: rows[0].muted_until, reason: rows[0].reason };
}
