import type { Actor } from '@haven/domain';
import type { SqlExecutor } from '@haven/event-store';
import type { OpenHours } from '../domain/room-open-hours';
import { findRoom } from './room-directory.projection';
import { periodsOfActor, periodsOfUser } from './room-membership.projection';
import { unreadIn } from './room-messages.projection';
import { openReportCount } from './room-reports.projection';
import { agreementOf } from './room-agreements.projection';
import { hiddenIdsOf } from '../hidden-people/hidden-people.projection';
import { GROUP_KINDS } from '../hidden-people/hidden-speakers';

/** A room the reader is in now, with what is new in it for them. */
export interface MyRoom {
  roomId: string;
  name: string;
  /** a group's kind, or `mentor_pair` / `family_session` (whose pairing or session names the people) */
  kind: string;
  archived: boolean;
  locked: boolean;
  moderator: boolean;
  /** the position of the reader's current join */
  since: number;
  /** the reader's read mark (`rooms.markRead`), 0 before the first */
  readPosition: number;
  /** messages by others after the read mark, posted while the reader was in the room, not deleted, not by people they hide */
  unread: number;
  /** the newest message the reader may read there, not deleted */
  newestMessage: { position: number; postedAt: string } | null;
  /** for the room's moderators: reports waiting in its queue (not those about their own messages); null for others */
  openReports: number | null;
  /** whether the reader is told of its messages while away (rooms.setAwayNotices): true unless they turned it off */
  awayNotices: boolean;
  /** the group's agreement, its version and whether the reader accepted it (GET /rooms/:roomId/agreement has its words); null: none */
  agreement: { version: number; accepted: boolean } | null;
  /** when members other than its facilitators and staff may speak (rooms.setOpenHours); null: at all hours */
  openHours: OpenHours | null;
}

/**
 * Every room the login is a member of now, pair and family session rooms included (a family login: its session's
 * room once admitted), the most recently active first: what a client shows when it opens, before catch-up or live
 * events move the counts on.
 */
export async function roomsOf(db: SqlExecutor, actor: Actor): Promise<MyRoom[]> {
  const periods = periodsOfActor(await periodsOfUser(db, actor.userId), actor);
  const marks = new Map(
    (await db.query<{ room_id: string; position: number | string }>(`select room_id, position from room_read_marks where user_id = $1`, [actor.userId])).map(
      (r) => [r.room_id, Number(r.position)],
    ),
  );
  const noticesOff = new Set(
    (await db.query<{ room_id: string }>(`select room_id from room_away_notices_off where user_id = $1`, [actor.userId])).map((r) => r.room_id),
  );
  // people the reader hides: left out of the counts of group rooms they do not moderate, as from delivery
  const hidden = await hiddenIdsOf(db, actor.userId);
  const rooms: MyRoom[] = [];
  for (const current of periods.filter((p) => p.to === null)) {
    const room = await findRoom(db, current.roomId);
    if (!room) continue;
    const readPosition = marks.get(current.roomId) ?? 0;
    const hiddenHere = !current.moderator && GROUP_KINDS.has(room.kind) ? hidden : [];
    const { unread, newest } = await unreadIn(db, current.roomId, actor.userId, readPosition, periods.filter((p) => p.roomId === current.roomId), hiddenHere);
    rooms.push({
      roomId: room.roomId,
      name: room.name,
      kind: room.kind,
      archived: room.archived,
      locked: room.locked,
      moderator: current.moderator,
      since: current.from,
      readPosition,
      unread,
      newestMessage: newest,
      openReports: current.moderator ? await openReportCount(db, current.roomId, actor.userId) : null,
      awayNotices: !noticesOff.has(current.roomId),
      agreement: await agreementStanding(db, current.roomId, actor.userId),
      openHours: room.openHours,
    });
  }
  const activity = (room: MyRoom) => room.newestMessage?.position ?? room.since;
  return rooms.sort((a, b) => activity(b) - activity(a));
}

async function agreementStanding(db: SqlExecutor, roomId: string, userId: string): Promise<MyRoom['agreement']> {
  const agreement = await agreementOf(db, roomId, userId);
  return agreement && { version: agreement.version, accepted: agreement.accepted };
}
