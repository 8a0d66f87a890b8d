import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import type { RoomEvent, RoomEventType } from '../domain/room.events';
import { isRoomEvent, roomIdOf } from './room-membership.projection';
import { messageViewOf, type MessageView } from './room-messages.projection';

/**
 * room_pins: the messages pinned in each room now. A table of its own (not a column of room_messages), so that a
 * deployment upgraded to pins builds it from the log as a new read model, with room_messages as it was.
 */
export const roomPinsProjection: Projection = {
  name: 'room_pins',
  eventTypes: ['MessagePinned', 'MessageUnpinned'] satisfies RoomEventType[],
  tables: ['room_pins'],
  async migrate(db) {
    await db.execute(`create table if not exists room_pins (
      room_id text not null, message_id text not null, pinned_by text not null, pinned_at text not null, position bigint not null,
      primary key (room_id, message_id))`);
  },
  async apply(tx, recorded) {
    if (!isRoomEvent(recorded)) return;
    const event = recorded as unknown as RoomEvent & RecordedEvent;
    const roomId = roomIdOf(recorded);
    if (event.type === 'MessagePinned') {
      await tx.execute(`insert into room_pins values ($1, $2, $3, $4, $5) on conflict (room_id, message_id) do nothing`, [
        roomId,
        event.data.messageId,
        event.data.by,
        event.data.pinnedAt,
        recorded.position,
      ]);
    } else if (event.type === 'MessageUnpinned') {
      await tx.execute(`delete from room_pins where room_id = $1 and message_id = $2`, [roomId, event.data.messageId]);
    }
  },
};

export interface PinnedMessage {
  /** who pinned it, when, and the position of its MessagePinned */
  pinnedBy: string;
  pinnedAt: string;
  position: number;
  /** the message as the history shows it, edits applied */
  message: MessageView;
}

/** The messages pinned in a room now, in the order they were pinned. */
export async function roomPins(db: SqlExecutor, roomId: string, asModerator: boolean): Promise<PinnedMessage[]> {
  const rows = await db.query<Record<string, unknown>>(
    `select m.*, p.pinned_by, p.pinned_at, p.position as pin_position
     from room_pins p join room_messages m on m.room_id = p.room_id and m.message_id = p.message_id
     where p.room_id = $1 order by p.position`,
    [roomId],
  );
  return rows.map((row) => ({
    pinnedBy: String(row.pinned_by),
    pinnedAt: String(row.pinned_at),
    position: Number(row.pin_position),
    message: messageViewOf(row, asModerator),
  }));
}
