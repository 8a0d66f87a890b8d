import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import type { RoomEvent, RoomEventType } from '../domain/room.events';
import { isRoomEvent, roomIdOf } from './room-membership.projection';

/** moderation_queue: reports per room, open until a moderator resolves them with an outcome. */
export const moderationQueueProjection: Projection = {
  name: 'moderation_queue',
  eventTypes: ['MessageReported', 'ReportResolved'] satisfies RoomEventType[],
  tables: ['moderation_queue'],
  async migrate(db) {
    await db.execute(`create table if not exists moderation_queue (
      report_id text primary key, room_id text not null, message_id text not null, author_id text not null,
      reporter_id text not null, reason text not null, status text not null, outcome text, note text,
      resolved_by text, reported_at text not null, resolved_at text, position bigint not null)`);
    await db.execute(`create index if not exists moderation_queue_by_room on moderation_queue (room_id, status, position)`);
  },
  async apply(tx, recorded) {
    if (!isRoomEvent(recorded)) return;
    const event = recorded as unknown as RoomEvent & RecordedEvent;
    if (event.type === 'MessageReported') {
      const d = event.data;
      await tx.execute(
        `insert into moderation_queue values ($1, $2, $3, $4, $5, $6, 'open', null, null, null, $7, null, $8) on conflict (report_id) do nothing`,
        [d.reportId, roomIdOf(recorded), d.messageId, d.authorId, d.reporterId, d.reason, d.reportedAt, recorded.position],
      );
    } else if (event.type === 'ReportResolved') {
      const d = event.data;
      await tx.execute(
        `update moderation_queue set status = 'resolved', outcome = $2, note = $3, resolved_by = $4, resolved_at = $5 where report_id = $1`,
        [d.reportId, d.outcome, d.note, d.by, d.resolvedAt],
      );
    }
  },
};

export interface ReportView {
  reportId: string;
  messageId: string;
  authorId: string;
  reporterId: string;
  reason: string;
  status: 'open' | 'resolved';
  outcome: string | null;
  note: string | null;
  resolvedBy: string | null;
  reportedAt: string;
  resolvedAt: string | null;
  position: number;
}

export async function roomReports(db: SqlExecutor, roomId: string, status?: 'open' | 'resolved'): Promise<ReportView[]> {
  const rows = status
    ? await db.query(`select * from moderation_queue where room_id = $1 and status = $2 order by position`, [roomId, status])
    : await db.query(`select * from moderation_queue where room_id = $1 order by position`, [roomId]);
  return rows.map((r) => ({
    reportId: String(r.report_id),
    messageId: String(r.message_id),
    authorId: String(r.author_id),
    reporterId: String(r.reporter_id),
    reason: String(r.reason),
    status: r.status as 'open' | 'resolved',
    outcome: (r.outcome as string | null) ?? null,
    note: (r.note as string | null) ?? null,
    resolvedBy: (r.resolved_by as string | null) ?? null,
    reportedAt: String(r.reported_at),
    resolvedAt: (r.resolved_at as string | null) ?? null,
    position: Number(r.position),
  }));
}
