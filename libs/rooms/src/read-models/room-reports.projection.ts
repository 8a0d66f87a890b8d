import type { RecordedEvent, SqlExecutor, SqlValue } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import type { RoomEvent, RoomEventType } from '../domain/room.events';
import { isRoomEvent, roomIdOf } from './room-membership.projection';
import { messageViewOf, type MessageView } from './room-messages.projection';

/**
 * room_reports: reports per room (each room's moderation queue), open until a moderator resolves them with an outcome.
 * A report id is the client's choice and unique within its room only, so rows are keyed by room and report id.
 */
export const roomReportsProjection: Projection = {
  name: 'room_reports',
  eventTypes: ['MessageReported', 'ReportResolved'] satisfies RoomEventType[],
  tables: ['room_reports'],
  async migrate(db) {
    // its first version, moderation_queue, keyed reports by report id alone: a report in one room that reused another
    // room's report id was lost, and resolving it resolved the other room's report. This one is built from the log
    // under its own name (a new checkpoint starts at 0).
    await db.execute(`drop table if exists moderation_queue`);
    await db.execute(`create table if not exists room_reports (
      room_id text not null, report_id text not null, message_id text not null, author_id text not null,
      reporter_id text not null, reason text not null, status text not null, outcome text, note text,
      resolved_by text, reported_at text not null, resolved_at text, position bigint not null,
      primary key (room_id, report_id))`);
    await db.execute(`create index if not exists room_reports_by_room on room_reports (room_id, status, position)`);
  },
  async apply(tx, recorded) {
    if (!isRoomEvent(recorded)) return;
    const event = recorded as unknown as RoomEvent & RecordedEvent;
    if (event.type === 'MessageReported') {
      const d = event.data;
      await tx.execute(
        `insert into room_reports values ($1, $2, $3, $4, $5, $6, 'open', null, null, null, $7, null, $8) on conflict (room_id, report_id) do nothing`,
        [roomIdOf(recorded), d.reportId, d.messageId, d.authorId, d.reporterId, d.reason, d.reportedAt, recorded.position],
      );
    } else if (event.type === 'ReportResolved') {
      const d = event.data;
      await tx.execute(
        `update room_reports set status = 'resolved', outcome = $3, note = $4, resolved_by = $5, resolved_at = $6 where room_id = $1 and report_id = $2`,
        [roomIdOf(recorded), d.reportId, d.outcome, d.note, d.by, d.resolvedAt],
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
  /**
   * the reported message as the room's moderators read it now (text null once its author deleted it): a pair room's
   * clinicians read no history, and this is how they see what they are asked about, and only that
   */
  message: MessageView | null;
}

/** whom a list of reports is about: each report's reporter and the author of the reported message */
export const reportSubjects = (reports: ReportView[]): string[] => reports.flatMap((report) => [report.reporterId, report.authorId]);

/**
 * A page of a room's queue, oldest first: at most `limit` reports after position `after`, without those about the
 * reader's own messages (the author of a reported message never learns who reported it or why, moderator or not).
 */
export async function roomReports(
  db: SqlExecutor,
  roomId: string,
  readerId: string,
  status: 'open' | 'resolved' | undefined,
  page: { after: number; limit: number },
): Promise<ReportView[]> {
  const params: SqlValue[] = [roomId, readerId, page.after, page.limit];
  const inStatus = status ? ` and status = $${params.push(status)}` : '';
  const selected = `select * from room_reports where room_id = $1 and author_id <> $2 and position > $3${inStatus} order by position limit $4`;
  const rows = await db.query(selected, params);
  const messages = await reportedMessages(db, selected, params);
  return rows.map((r) => reportViewOf(r, messages.get(messageKey(r)) ?? null));
}

const reportViewOf = (r: Record<string, unknown>, message: MessageView | null): ReportView => ({
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
  message,
});

const messageKey = (r: Record<string, unknown>) => `${String(r.room_id)} ${String(r.message_id)}`;

/**
 * The messages the reports a selection picks are about, as moderators read them, keyed by room and message: one query
 * over the same selection, however many rooms it spans.
 */
async function reportedMessages(db: SqlExecutor, selectReports: string, params: SqlValue[]): Promise<Map<string, MessageView>> {
  const rows = await db.query(
    `with reported as (${selectReports}) select m.* from room_messages m join reported q on q.room_id = m.room_id and q.message_id = m.message_id`,
    params,
  );
  return new Map(rows.map((m) => [messageKey(m), messageViewOf(m, true)]));
}

export interface QueuedReportView extends ReportView {
  roomId: string;
  roomName: string;
  roomKind: string;
}

/**
 * One moderation queue across rooms: every room's for clinicians and admins (`everyRoom`), else the rooms the reader
 * moderates now, never as a family login; oldest first, at most `limit`; without reports about the reader's own
 * messages. How a clinician finds the reports of mentor pairs' rooms, which no room list shows.
 */
export async function moderationQueue(
  db: SqlExecutor,
  reader: { userId: string; everyRoom: boolean },
  status?: 'open' | 'resolved',
  limit = 200,
): Promise<QueuedReportView[]> {
  const params: SqlValue[] = [reader.userId, limit];
  const inStatus = status ? ` and r.status = $${params.push(status)}` : '';
  const inRooms = reader.everyRoom
    ? ''
    : ` and r.room_id in (select room_id from room_membership_periods
          where user_id = $1 and to_position is null and moderator = 1 and global_role <> 'family')`;
  const selected = `select r.*, d.name as room_name, d.kind as room_kind from room_reports r join room_directory d on d.room_id = r.room_id
      where r.author_id <> $1${inStatus}${inRooms} order by r.position limit $2`;
  const rows = await db.query(selected, params);
  const messages = await reportedMessages(db, selected, params);
  return rows.map((r) => ({
    roomId: String(r.room_id),
    roomName: String(r.room_name),
    roomKind: String(r.room_kind),
    ...reportViewOf(r, messages.get(messageKey(r)) ?? null),
  }));
}

/** How many reports in the room wait for a moderator, leaving out those about the reader's own messages (as the queue does). */
export async function openReportCount(db: SqlExecutor, roomId: string, readerId: string): Promise<number> {
  const [row] = await db.query<{ count: number | string }>(
    `select count(*) as count from room_reports where room_id = $1 and status = 'open' and author_id <> $2`,
    [roomId, readerId],
  );
  return Number(row.count);
}
