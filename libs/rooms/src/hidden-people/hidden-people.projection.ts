import type { Role } from '@haven/domain';
import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import { ROOM_KINDS } from '../domain/room.commands';
import { isHiddenPeopleStream, type HiddenPeopleEvent } from './hidden-people.events';

/** the room kinds hiding covers, in SQL: the groups (the kinds CreateRoom makes); a mentor pair or a family session is none */
export const GROUP_KINDS_SQL = `(${ROOM_KINDS.map((kind) => `'${kind}'`).join(', ')})`;

/**
 * hidden_people: who hides whom now (rooms.hidePerson), one row each. Delivery reads it by the hidden person (whom to
 * leave out of a message's emit), catch-up, history and unread counts by the reader. hidden_people_changes: each change,
 * at its position, so that delivery can tell who hid someone as at an earlier message (hidersAt): with several nodes,
 * the node delivering it may find the table already moved on by another node's later events.
 */
export const hiddenPeopleProjection: Projection = {
  name: 'hidden_people',
  // 2: hidden_people_changes
  version: 2,
  eventTypes: ['PersonHidden', 'PersonUnhidden'] satisfies HiddenPeopleEvent['type'][],
  tables: ['hidden_people', 'hidden_people_changes'],
  async migrate(db) {
    await db.execute(`create table if not exists hidden_people (
      user_id text not null, hidden_user_id text not null, hidden_at text not null, primary key (user_id, hidden_user_id))`);
    await db.execute(`create index if not exists hidden_people_by_hidden on hidden_people (hidden_user_id)`);
    await db.execute(`create table if not exists hidden_people_changes (
      hidden_user_id text not null, position bigint not null, user_id text not null, hidden integer not null, primary key (hidden_user_id, position))`);
  },
  async apply(tx, recorded: RecordedEvent) {
    if (!isHiddenPeopleStream(recorded.streamId)) return;
    const event = recorded as unknown as HiddenPeopleEvent & RecordedEvent;
    await tx.execute(`insert into hidden_people_changes values ($1, $2, $3, $4) on conflict do nothing`, [
      event.data.hiddenUserId,
      recorded.position,
      event.data.userId,
      event.type === 'PersonHidden' ? 1 : 0,
    ]);
    if (event.type === 'PersonHidden') {
      await tx.execute(`insert into hidden_people values ($1, $2, $3) on conflict (user_id, hidden_user_id) do nothing`, [
        event.data.userId,
        event.data.hiddenUserId,
        event.data.hiddenAt,
      ]);
    } else if (event.type === 'PersonUnhidden') {
      await tx.execute(`delete from hidden_people where user_id = $1 and hidden_user_id = $2`, [event.data.userId, event.data.hiddenUserId]);
    }
  },
};

/** The people this reader hides, with since when, oldest first. */
export async function hiddenPeopleOf(db: SqlExecutor, userId: string): Promise<{ userId: string; hiddenAt: string }[]> {
  const rows = await db.query<{ hidden_user_id: string; hidden_at: string }>(
    `select hidden_user_id, hidden_at from hidden_people where user_id = $1 order by hidden_at, hidden_user_id`,
    [userId],
  );
  return rows.map((r) => ({ userId: r.hidden_user_id, hiddenAt: r.hidden_at }));
}

/** The ids of the people this reader hides, for the reads that leave them out. */
export async function hiddenIdsOf(db: SqlExecutor, userId: string): Promise<string[]> {
  return (await hiddenPeopleOf(db, userId)).map((person) => person.userId);
}

/** Whether this reader hides this person now. */
export async function hides(db: SqlExecutor, userId: string, hiddenUserId: string): Promise<boolean> {
  return (await db.query(`select 1 from hidden_people where user_id = $1 and hidden_user_id = $2`, [userId, hiddenUserId])).length > 0;
}

/** Who hides this person now. */
export async function hidersOf(db: SqlExecutor, hiddenUserId: string): Promise<string[]> {
  const rows = await db.query<{ user_id: string }>(`select user_id from hidden_people where hidden_user_id = $1`, [hiddenUserId]);
  return rows.map((r) => r.user_id);
}

/**
 * Who hid this person as at `position`: who hides them now, with the changes after it undone, newest first. One
 * statement, so one snapshot of both tables on PostgreSQL.
 */
export async function hidersAt(db: Pick<SqlExecutor, 'query'>, hiddenUserId: string, position: number): Promise<string[]> {
  const rows = await db.query<{ user_id: string; hidden: number | string | null; position: number | string | null }>(
    `select user_id, null as hidden, null as position from hidden_people where hidden_user_id = $1
     union all
     select user_id, hidden, position from hidden_people_changes where hidden_user_id = $1 and position > $2`,
    [hiddenUserId, position],
  );
  const hiders = new Set(rows.filter((r) => r.position === null).map((r) => r.user_id));
  const later = rows.filter((r) => r.position !== null).sort((a, b) => Number(b.position) - Number(a.position));
  for (const change of later) {
    if (Number(change.hidden) === 1) hiders.delete(change.user_id);
    else hiders.add(change.user_id);
  }
  return [...hiders];
}

/**
 * The role a person had in the group rooms they shared with the reader (not necessarily at the same time), a staff
 * role first if they ever had one there; null when they never shared one. What HidePerson decides on.
 */
export async function seenInGroupAs(db: SqlExecutor, readerId: string, userId: string): Promise<Role | null> {
  const [row] = await db.query<{ global_role: Role }>(
    `select t.global_role from room_membership_periods t
     join room_directory d on d.room_id = t.room_id and d.kind in ${GROUP_KINDS_SQL}
     where t.user_id = $2 and exists (select 1 from room_membership_periods r where r.room_id = t.room_id and r.user_id = $1)
     order by case when t.global_role in ('participant', 'mentor') then 1 else 0 end, t.from_position desc
     limit 1`,
    [readerId, userId],
  );
  return row?.global_role ?? null;
}

/**
 * Of the people this participant hides, those seen as mentors in a room: mentoring offers the participant's requests to
 * none of them (their requests' excludedMentors), so that asking for a mentor never pairs them with someone they hide.
 */
export async function hiddenMentorsOf(db: SqlExecutor, userId: string): Promise<string[]> {
  const rows = await db.query<{ hidden_user_id: string }>(
    `select h.hidden_user_id from hidden_people h
     where h.user_id = $1 and exists (select 1 from room_membership_periods p where p.user_id = h.hidden_user_id and p.global_role = 'mentor')
     order by h.hidden_user_id`,
    [userId],
  );
  return rows.map((r) => r.hidden_user_id);
}
