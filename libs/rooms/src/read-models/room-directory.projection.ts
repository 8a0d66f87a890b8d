import { SYSTEM_ACTOR } from '@haven/domain';
import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import type { RoomKind } from '../domain/room.commands';
import type { OpenHours } from '../domain/room-open-hours';
import { FAMILY_SESSION_ROOM, PAIR_ROOM, type RoomEvent, type RoomEventType } from '../domain/room.events';
import { isRoomEvent, roomIdOf } from './room-membership.projection';
import { openHoursOfRow, roomOpenHoursProjection } from './room-open-hours.projection';

/** room_directory: one row per room with its settings and member count, for listing and showing rooms. */
export const roomDirectoryProjection: Projection = {
  name: 'room_directory',
  eventTypes: ['RoomCreated', 'PairRoomOpened', 'FamilySessionRoomOpened', 'RoomRenamed', 'TopicChanged', 'JoinRuleChanged', 'RoomArchived', 'RoomLocked', 'RoomUnlocked', 'SlowModeSet', 'MemberJoined', 'MemberLeft', 'MemberRemoved', 'MemberBanned'] satisfies RoomEventType[],
  tables: ['room_directory'],
  async migrate(db) {
    await db.execute(`create table if not exists room_directory (
      room_id text primary key, name text not null, topic text not null, kind text not null, capacity integer not null,
      join_rule text not null, archived integer not null, locked integer not null, slow_mode_seconds integer not null,
      member_count integer not null, created_by text not null, created_at text not null, last_position bigint not null)`);
    // its answers join a room's open hours: made here too, whichever read model migrates first
    await roomOpenHoursProjection.migrate(db);
  },
  async apply(tx, recorded) {
    if (!isRoomEvent(recorded)) return;
    const event = recorded as unknown as RoomEvent & RecordedEvent;
    const roomId = roomIdOf(recorded);
    const set = (assignments: string, params: unknown[]) =>
      tx.execute(`update room_directory set ${assignments}, last_position = $2 where room_id = $1`, [
        roomId,
        recorded.position,
        ...(params as never[]),
      ]);
    switch (event.type) {
      case 'RoomCreated': {
        const d = event.data;
        await tx.execute(
          `insert into room_directory values ($1, $2, $3, $4, $5, $6, 0, 0, 0, 1, $7, $8, $9) on conflict (room_id) do nothing`,
          [roomId, d.name, d.topic, d.kind, d.capacity, d.joinRule, d.createdBy, d.createdAt, recorded.position],
        );
        return;
      }
      case 'PairRoomOpened':
      case 'FamilySessionRoomOpened': {
        const { name, topic, kind, capacity, joinRule } = event.type === 'PairRoomOpened' ? PAIR_ROOM : FAMILY_SESSION_ROOM;
        await tx.execute(
          `insert into room_directory values ($1, $2, $3, $4, $5, $6, 0, 0, 0, 2, $7, $8, $9) on conflict (room_id) do nothing`,
          [roomId, name, topic, kind, capacity, joinRule, SYSTEM_ACTOR.userId, event.data.openedAt, recorded.position],
        );
        return;
      }
      case 'RoomRenamed':
        await set('name = $3', [event.data.name]);
        return;
      case 'TopicChanged':
        await set('topic = $3', [event.data.topic]);
        return;
      case 'JoinRuleChanged':
        await set('join_rule = $3', [event.data.joinRule]);
        return;
      case 'RoomArchived':
        await set('archived = 1', []);
        return;
      case 'RoomLocked':
      case 'RoomUnlocked':
        await set('locked = $3', [event.type === 'RoomLocked' ? 1 : 0]);
        return;
      case 'SlowModeSet':
        await set('slow_mode_seconds = $3', [event.data.intervalSeconds]);
        return;
      case 'MemberJoined':
        await set('member_count = member_count + 1', []);
        return;
      case 'MemberLeft':
      case 'MemberRemoved':
        await set('member_count = member_count - 1', []);
        return;
      case 'MemberBanned':
        if (event.data.wasMember) await set('member_count = member_count - 1', []);
        return;
      default:
        return;
    }
  },
};

export interface RoomSummary {
  roomId: string;
  name: string;
  topic: string;
  kind: string;
  capacity: number;
  joinRule: string;
  archived: boolean;
  locked: boolean;
  slowModeSeconds: number;
  memberCount: number;
  createdBy: string;
  createdAt: string;
  /** when members other than its facilitators and staff may speak (rooms.setOpenHours); null: at all hours */
  openHours: OpenHours | null;
}

const toSummary = (r: Record<string, unknown>): RoomSummary => ({
  roomId: String(r.room_id),
  name: String(r.name),
  topic: String(r.topic),
  kind: String(r.kind),
  capacity: Number(r.capacity),
  joinRule: String(r.join_rule),
  archived: Number(r.archived) === 1,
  locked: Number(r.locked) === 1,
  slowModeSeconds: Number(r.slow_mode_seconds),
  memberCount: Number(r.member_count),
  createdBy: String(r.created_by),
  createdAt: String(r.created_at),
  openHours: openHoursOfRow(r),
});

const WITH_OPEN_HOURS = `select d.*, o.open_hours from room_directory d left join room_open_hours o on o.room_id = d.room_id`;

/** Whether anyone may find the room: not archived, not closed (listRooms applies the same rule in SQL). */
export const findableByAnyone = (room: RoomSummary): boolean => !room.archived && room.joinRule !== 'closed';

/**
 * Rooms a user can find: not archived, not closed (staff see all). Mentor pairs' and family sessions' rooms are for
 * nobody's list, staff's included: they are found through their pairing or session.
 */
export async function listRooms(db: SqlExecutor, includeAll: boolean): Promise<RoomSummary[]> {
  const listed = `kind not in ('mentor_pair', 'family_session')`;
  const rows = await db.query(
    includeAll
      ? `${WITH_OPEN_HOURS} where ${listed} order by created_at`
      : `${WITH_OPEN_HOURS} where archived = 0 and join_rule <> 'closed' and ${listed} order by created_at`,
  );
  return rows.map(toSummary);
}

export async function findRoom(db: SqlExecutor, roomId: string): Promise<RoomSummary | null> {
  const rows = await db.query(`${WITH_OPEN_HOURS} where d.room_id = $1`, [roomId]);
  return rows.length === 0 ? null : toSummary(rows[0]);
}

/** The room's kind (null: no such room); it never changes once the room exists. */
export async function roomKind(db: SqlExecutor, roomId: string): Promise<RoomKind | null> {
  const rows = await db.query<{ kind: string }>(`select kind from room_directory where room_id = $1`, [roomId]);
  return rows.length === 0 ? null : (rows[0].kind as RoomKind);
}
