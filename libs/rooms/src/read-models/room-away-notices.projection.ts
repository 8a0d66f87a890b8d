import type { RecordedEvent } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import type { RoomEvent, RoomEventType } from '../domain/room.events';
import { isRoomEvent, roomIdOf } from './room-membership.projection';

/**
 * room_away_notices_off: who turned off being told, while away, of a room's messages (rooms.setAwayNotices), one row
 * each; no row is the default (told). A table of its own, so that an upgraded deployment builds it from the log. The
 * rooms' notice source leaves these members out of message notices (room-notices.ts).
 */
export const roomAwayNoticesProjection: Projection = {
  name: 'room_away_notices_off',
  eventTypes: ['AwayNoticesSet'] satisfies RoomEventType[],
  tables: ['room_away_notices_off'],
  async migrate(db) {
    await db.execute(`create table if not exists room_away_notices_off (room_id text not null, user_id text not null, primary key (room_id, user_id))`);
  },
  async apply(tx, recorded: RecordedEvent) {
    if (!isRoomEvent(recorded)) return;
    const event = recorded as unknown as RoomEvent & RecordedEvent;
    if (event.type !== 'AwayNoticesSet') return;
    const roomId = roomIdOf(recorded);
    if (event.data.on) await tx.execute(`delete from room_away_notices_off where room_id = $1 and user_id = $2`, [roomId, event.data.userId]);
    else await tx.execute(`insert into room_away_notices_off values ($1, $2) on conflict (room_id, user_id) do nothing`, [roomId, event.data.userId]);
  },
};
