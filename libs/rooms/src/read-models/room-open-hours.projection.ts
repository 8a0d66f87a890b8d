import type { RecordedEvent } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import { canonicalJson } from '@haven/domain';
import type { OpenHours } from '../domain/room-open-hours';
import type { RoomEvent, RoomEventType } from '../domain/room.events';
import { isRoomEvent, roomIdOf } from './room-membership.projection';

/**
 * room_open_hours: each group's open hours now (rooms.setOpenHours), as JSON; no row: open at all hours. A table of
 * its own, so that an upgraded deployment builds it from the log; room answers join it.
 */
export const roomOpenHoursProjection: Projection = {
  name: 'room_open_hours',
  eventTypes: ['OpenHoursSet'] satisfies RoomEventType[],
  tables: ['room_open_hours'],
  async migrate(db) {
    await db.execute(`create table if not exists room_open_hours (room_id text primary key, open_hours text not null, set_at text not null)`);
  },
  async apply(tx, recorded: RecordedEvent) {
    if (!isRoomEvent(recorded)) return;
    const event = recorded as unknown as RoomEvent & RecordedEvent;
    if (event.type !== 'OpenHoursSet') return;
    const roomId = roomIdOf(recorded);
    const { openHours, setAt } = event.data;
    if (openHours === null) await tx.execute(`delete from room_open_hours where room_id = $1`, [roomId]);
    else {
      await tx.execute(
        `insert into room_open_hours values ($1, $2, $3) on conflict (room_id) do update set open_hours = excluded.open_hours, set_at = excluded.set_at`,
        [roomId, canonicalJson(openHours), setAt],
      );
    }
  },
};

/** A room's open hours from the column `open_hours` of a row that joined room_open_hours (null: none). */
export const openHoursOfRow = (row: Record<string, unknown>): OpenHours | null => (typeof row.open_hours === 'string' ? (JSON.parse(row.open_hours) as OpenHours) : null);

