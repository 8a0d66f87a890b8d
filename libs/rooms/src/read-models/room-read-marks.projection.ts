import type { RecordedEvent } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import type { ReadMarked, RoomEventType } from '../domain/room.events';
import { isRoomEvent, roomIdOf } from './room-membership.projection';

/**
 * room_read_marks: how far each member has read each room (`rooms.markRead`), for their own unread counts. A private
 * read receipt is still a mark: privacy hides it from the others, not from its owner. Keyed by user first: it is read
 * one user's marks at a time (GET /me/rooms).
 */
export const roomReadMarksProjection: Projection = {
  name: 'room_read_marks',
  eventTypes: ['ReadMarked'] satisfies RoomEventType[],
  tables: ['room_read_marks'],
  async migrate(db) {
    await db.execute(`create table if not exists room_read_marks (
      room_id text not null, user_id text not null, position bigint not null, primary key (user_id, room_id))`);
  },
  async apply(tx, recorded: RecordedEvent) {
    if (!isRoomEvent(recorded) || recorded.type !== 'ReadMarked') return;
    const { userId, position } = (recorded as unknown as ReadMarked).data;
    // the decider only marks forward, but a mark never moves back here either (a member who left and came back)
    await tx.execute(
      `insert into room_read_marks values ($1, $2, $3)
       on conflict (user_id, room_id) do update set position = excluded.position where excluded.position > room_read_marks.position`,
      [roomIdOf(recorded), userId, position],
    );
  },
};
