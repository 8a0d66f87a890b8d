import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import { canonicalJson } from '@haven/domain';
import type { Projection } from '@haven/projections';
import type { SafetyEvent } from './domain/safety-alert.events';

/** safety_queue: every safety alert, its held message and where it stands; also what is due for escalation. */
export const safetyQueueProjection: Projection = {
  name: 'safety_queue',
  eventTypes: ['SafetyAlertRaised', 'SafetyAlertAcknowledged', 'SafetyAlertEscalated', 'SafetyAlertResolved'] satisfies SafetyEvent['type'][],
  tables: ['safety_queue'],
  async migrate(db) {
    await db.execute(`create table if not exists safety_queue (
      alert_id text primary key, conversation_kind text not null, conversation_id text not null, user_id text not null,
      source text not null, categories text not null, held_message text, status text not null, escalated integer not null,
      raised_at text not null, escalate_at text not null, acknowledged_by text, acknowledged_at text,
      resolved_by text, resolved_at text, outcome text, note text, position bigint not null)`);
    await db.execute(`create index if not exists safety_queue_due on safety_queue (status, escalated, escalate_at)`);
    // the queue is read in pages by position, of one status or all (GET /safety/alerts)
    await db.execute(`create index if not exists safety_queue_by_status on safety_queue (status, position)`);
    await db.execute(`create index if not exists safety_queue_by_position on safety_queue (position)`);
  },
  async apply(tx, recorded) {
    if (!recorded.streamId.startsWith('safety-')) return;
    const event = recorded as unknown as SafetyEvent & RecordedEvent;
    const id = event.data.alertId;
    switch (event.type) {
      case 'SafetyAlertRaised': {
        const d = event.data;
        await tx.execute(
          `insert into safety_queue values ($1, $2, $3, $4, $5, $6, $7, 'raised', 0, $8, $9, null, null, null, null, null, null, $10)
           on conflict (alert_id) do nothing`,
          [id, d.conversation.kind, d.conversation.id, d.userId, d.source, JSON.stringify(d.categories), d.heldMessage ? canonicalJson(d.heldMessage) : null, d.raisedAt, d.escalateAt, recorded.position],
        );
        return;
      }
      case 'SafetyAlertAcknowledged':
        await tx.execute(`update safety_queue set status = 'acknowledged', acknowledged_by = $2, acknowledged_at = $3 where alert_id = $1`, [id, event.data.by, event.data.acknowledgedAt]);
        return;
      case 'SafetyAlertEscalated':
        await tx.execute(`update safety_queue set escalated = 1 where alert_id = $1`, [id]);
        return;
      case 'SafetyAlertResolved':
        await tx.execute(
          `update safety_queue set status = 'resolved', resolved_by = $2, resolved_at = $3, outcome = $4, note = $5 where alert_id = $1`,
          [id, event.data.by, event.data.resolvedAt, event.data.outcome, event.data.note],
        );
        return;
    }
  },
};

export interface SafetyAlertView {
  alertId: string;
  conversation: { kind: string; id: string };
  userId: string;
  source: string;
  categories: string[];
  heldMessage: { messageId: string; text: string; contentWarning: string | null; edit: boolean } | null;
  status: 'raised' | 'acknowledged' | 'resolved';
  escalated: boolean;
  raisedAt: string;
  escalateAt: string;
  acknowledgedBy: string | null;
  resolvedBy: string | null;
  outcome: string | null;
  note: string | null;
  position: number;
}

const toView = (r: Record<string, unknown>): SafetyAlertView => ({
  alertId: String(r.alert_id),
  conversation: { kind: String(r.conversation_kind), id: String(r.conversation_id) },
  userId: String(r.user_id),
  source: String(r.source),
  categories: JSON.parse(String(r.categories)) as string[],
  heldMessage: r.held_message ? (JSON.parse(String(r.held_message)) as SafetyAlertView['heldMessage']) : null,
  status: r.status as SafetyAlertView['status'],
  escalated: Number(r.escalated) === 1,
  raisedAt: String(r.raised_at),
  escalateAt: String(r.escalate_at),
  acknowledgedBy: (r.acknowledged_by as string | null) ?? null,
  resolvedBy: (r.resolved_by as string | null) ?? null,
  outcome: (r.outcome as string | null) ?? null,
  note: (r.note as string | null) ?? null,
  position: Number(r.position),
});

/** A page of the queue, oldest first: at most `limit` alerts after position `after`, of one status or any. */
export async function safetyAlerts(db: SqlExecutor, status: string | undefined, page: { after: number; limit: number }): Promise<SafetyAlertView[]> {
  const rows = status
    ? await db.query(`select * from safety_queue where status = $1 and position > $2 order by position limit $3`, [status, page.after, page.limit])
    : await db.query(`select * from safety_queue where position > $1 order by position limit $2`, [page.after, page.limit]);
  return rows.map(toView);
}

export async function findSafetyAlert(db: SqlExecutor, alertId: string): Promise<SafetyAlertView | null> {
  const rows = await db.query(`select * from safety_queue where alert_id = $1`, [alertId]);
  return rows.length === 0 ? null : toView(rows[0]);
}

/**
 * The newest alert about this user in this conversation that is not resolved and holds no message (an "I need help
 * now" or a report's reason), or null.
 */
export async function openAlertWithoutMessage(db: SqlExecutor, userId: string, conversation: { kind: string; id: string }): Promise<string | null> {
  const rows = await db.query<{ alert_id: string }>(
    `select alert_id from safety_queue where user_id = $1 and conversation_kind = $2 and conversation_id = $3
       and held_message is null and status <> 'resolved' order by position desc limit 1`,
    [userId, conversation.kind, conversation.id],
  );
  return rows[0]?.alert_id ?? null;
}

/** How many alerts are open (raised or acknowledged), and how many of those escalated: for metrics, counts only. */
export async function openAlertCounts(db: SqlExecutor): Promise<{ status: string; escalated: number; count: number }[]> {
  const rows = await db.query<{ status: string; escalated: number | string; count: number | string }>(
    `select status, escalated, count(*) as count from safety_queue where status <> 'resolved' group by status, escalated`,
  );
  return rows.map((r) => ({ status: r.status, escalated: Number(r.escalated), count: Number(r.count) }));
}

export async function alertsDueForEscalation(db: SqlExecutor, now: string): Promise<string[]> {
  const rows = await db.query<{ alert_id: string }>(
    `select alert_id from safety_queue where status = 'raised' and escalated = 0 and escalate_at <= $1 order by escalate_at limit 100`,
    [now],
  );
  return rows.map((r) => r.alert_id);
}
