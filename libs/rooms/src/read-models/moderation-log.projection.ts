import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import type { RoomEvent, RoomEventType } from '../domain/room.events';
import { isRoomEvent, roomIdOf } from './room-membership.projection';

/** moderation_log: who did what to whom, when and why, per room (one row per moderation event). */
export const moderationLogProjection: Projection = {
  name: 'moderation_log',
  eventTypes: ['MemberMuted', 'MemberUnmuted', 'MemberWarned', 'MemberRemoved', 'MemberBanned', 'MemberUnbanned', 'MessageRedacted', 'SlowModeSet', 'RoomLocked', 'RoomUnlocked', 'FacilitatorAppointed', 'FacilitatorRemoved', 'ReportResolved', 'MessagePinned', 'MessageUnpinned', 'AgreementSet', 'OpenHoursSet'] satisfies RoomEventType[],
  tables: ['moderation_log'],
  async migrate(db) {
    await db.execute(`create table if not exists moderation_log (
      position bigint primary key, room_id text not null, action text not null, actor_id text not null,
      target_user_id text, message_id text, reason text, detail text, at text not null)`);
    await db.execute(`create index if not exists moderation_log_by_room on moderation_log (room_id, position)`);
  },
  async apply(tx, recorded) {
    if (!isRoomEvent(recorded)) return;
    const entry = logEntryOf(recorded as unknown as RoomEvent & RecordedEvent);
    if (!entry) return;
    await tx.execute(`insert into moderation_log values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (position) do nothing`, [
      recorded.position,
      roomIdOf(recorded),
      recorded.type,
      entry.actor,
      entry.target ?? null,
      entry.messageId ?? null,
      entry.reason ?? null,
      entry.detail ?? null,
      entry.at,
    ]);
  },
};

interface LogEntry {
  actor: string;
  at: string;
  target?: string;
  messageId?: string;
  reason?: string | null;
  detail?: string;
}

function logEntryOf(event: RoomEvent): LogEntry | null {
  switch (event.type) {
    case 'MemberMuted':
      return { actor: event.data.by, at: event.data.mutedAt, target: event.data.userId, reason: event.data.reason, detail: `until ${event.data.mutedUntil}` };
    case 'MemberUnmuted':
      return { actor: event.data.by, at: event.data.unmutedAt, target: event.data.userId, detail: event.data.reason };
    case 'MemberWarned':
      return { actor: event.data.by, at: event.data.warnedAt, target: event.data.userId, messageId: event.data.messageId ?? undefined, reason: event.data.reason };
    case 'MemberRemoved':
      return { actor: event.data.by, at: event.data.removedAt, target: event.data.userId, reason: event.data.reason };
    case 'MemberBanned':
      return { actor: event.data.by, at: event.data.bannedAt, target: event.data.userId, reason: event.data.reason };
    case 'MemberUnbanned':
      return { actor: event.data.by, at: event.data.unbannedAt, target: event.data.userId };
    case 'MessageRedacted':
      return { actor: event.data.by, at: event.data.redactedAt, target: event.data.authorId, messageId: event.data.messageId, reason: event.data.reason };
    case 'SlowModeSet':
      return { actor: event.data.by, at: event.data.setAt, detail: `${event.data.intervalSeconds} s` };
    case 'RoomLocked':
      return { actor: event.data.by, at: event.data.lockedAt, reason: event.data.reason };
    case 'RoomUnlocked':
      return { actor: event.data.by, at: event.data.unlockedAt, reason: event.data.reason };
    case 'FacilitatorAppointed':
      return { actor: event.data.by, at: event.data.appointedAt, target: event.data.userId };
    case 'FacilitatorRemoved':
      return { actor: event.data.by, at: event.data.removedAt, target: event.data.userId };
    case 'ReportResolved':
      return { actor: event.data.by, at: event.data.resolvedAt, messageId: event.data.messageId, reason: event.data.note, detail: event.data.outcome };
    case 'MessagePinned':
      return { actor: event.data.by, at: event.data.pinnedAt, target: event.data.authorId, messageId: event.data.messageId };
    case 'MessageUnpinned':
      // a deletion or a redaction unpins as it goes: the MessageRedacted has its own entry, and a deletion is no moderation
      return event.data.cause === 'unpinned' ? { actor: event.data.by, at: event.data.unpinnedAt, messageId: event.data.messageId } : null;
    case 'AgreementSet':
      // who changed what members are asked to accept, and when (the words are in the event and in room_agreements)
      return { actor: event.data.by, at: event.data.setAt, detail: event.data.text === null ? 'removed' : `version ${event.data.version}` };
    case 'OpenHoursSet': {
      // when members may speak: "mon 09:00-17:00, … (America/Chicago)", or removed
      const hours = event.data.openHours;
      return { actor: event.data.by, at: event.data.setAt, detail: hours === null ? 'removed' : `${hours.windows.map((w) => `${w.day} ${w.from}-${w.until}`).join(', ')} (${hours.timeZone})` };
    }
    default:
      return null;
  }
}

export interface ModerationLogEntry {
  position: number;
  action: string;
  actorId: string;
  targetUserId: string | null;
  messageId: string | null;
  reason: string | null;
  detail: string | null;
  at: string;
}

/** A page of a room's moderation log, oldest first: at most `limit` entries after position `after`. */
export async function moderationLog(db: SqlExecutor, roomId: string, page: { after: number; limit: number }): Promise<ModerationLogEntry[]> {
  const rows = await db.query(`select * from moderation_log where room_id = $1 and position > $2 order by position limit $3`, [roomId, page.after, page.limit]);
  return rows.map((r) => ({
    position: Number(r.position),
    action: String(r.action),
    actorId: String(r.actor_id),
    targetUserId: (r.target_user_id as string | null) ?? null,
    messageId: (r.message_id as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    detail: (r.detail as string | null) ?? null,
    at: String(r.at),
  }));
}
