import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import type { SafetyEvent } from './domain/safety-alert.events';
import { isPagerStream, PAGE_GIVE_UP_MINUTES, PAGE_KINDS, pageRetryAt, type PageKind, type SafetyPagerEvent } from './domain/safety-pager.events';

/**
 * safety_pages: the pages each alert calls for (one when raised, one when escalated) and when the next attempt is due.
 * Whether the clinic has a pager, and which kinds it wants, is the processor's to know: the table is the same either way.
 */
export const safetyPagesProjection: Projection = {
  name: 'safety_pages',
  eventTypes: ['SafetyAlertRaised', 'SafetyAlertEscalated', 'SafetyAlertPageAttempted', 'SafetyAlertPaged'] satisfies (SafetyEvent | SafetyPagerEvent)['type'][],
  tables: ['safety_pages'],
  async migrate(db) {
    await db.execute(`create table if not exists safety_pages (
      alert_id text not null, kind text not null, fell_due_at text not null, due_at text not null, attempts integer not null,
      paged integer not null, paged_at text, primary key (alert_id, kind))`);
    // pages are looked for among those fallen due within the last PAGE_GIVE_UP_MINUTES: older rows (an alert nobody
    // acknowledged for a day, a kind the clinic does not page) stay out of every poll
    await db.execute(`create index if not exists safety_pages_recent on safety_pages (paged, fell_due_at)`);
  },
  async apply(tx, recorded: RecordedEvent) {
    const event = recorded as unknown as (SafetyEvent | SafetyPagerEvent) & RecordedEvent;
    const due = (alertId: string, kind: PageKind, at: string) =>
      tx.execute(`insert into safety_pages values ($1, $2, $3, $3, 0, 0, null) on conflict (alert_id, kind) do nothing`, [alertId, kind, at]);
    switch (event.type) {
      case 'SafetyAlertRaised':
        if (recorded.streamId.startsWith('safety-')) await due(event.data.alertId, 'raised', event.data.raisedAt);
        return;
      case 'SafetyAlertEscalated':
        if (recorded.streamId.startsWith('safety-')) await due(event.data.alertId, 'escalated', event.data.escalatedAt);
        return;
      case 'SafetyAlertPageAttempted':
        if (!isPagerStream(recorded.streamId)) return;
        // the next attempt is due then, whatever becomes of this one (its node may stop before it can say)
        await tx.execute(`update safety_pages set attempts = $3, due_at = $4 where alert_id = $1 and kind = $2`, [
          event.data.alertId,
          event.data.kind,
          event.data.attempt,
          pageRetryAt(event.data.attemptedAt, event.data.attempt),
        ]);
        return;
      case 'SafetyAlertPaged':
        if (!isPagerStream(recorded.streamId)) return;
        await tx.execute(`update safety_pages set paged = 1, paged_at = $3 where alert_id = $1 and kind = $2`, [event.data.alertId, event.data.kind, event.data.pagedAt]);
        return;
      default:
        return;
    }
  },
};

export interface PageDue {
  alertId: string;
  kind: PageKind;
  attempts: number;
  fellDueAt: string;
}

/**
 * Pages due now of these kinds, oldest first: not yet through, their alert still raised (nobody has acknowledged or
 * resolved it), and fallen due less than PAGE_GIVE_UP_MINUTES ago.
 */
export async function pagesDue(db: SqlExecutor, now: Date, kinds: readonly PageKind[]): Promise<PageDue[]> {
  if (kinds.length === 0) return [];
  const giveUpBefore = new Date(now.getTime() - PAGE_GIVE_UP_MINUTES * 60_000).toISOString();
  const inKinds = kinds.map((_, i) => `$${i + 3}`).join(', ');
  const rows = await db.query<{ alert_id: string; kind: PageKind; attempts: number | string; fell_due_at: string }>(
    `select p.alert_id, p.kind, p.attempts, p.fell_due_at from safety_pages p join safety_queue q on q.alert_id = p.alert_id
     where p.paged = 0 and p.due_at <= $1 and p.fell_due_at > $2 and q.status = 'raised' and p.kind in (${inKinds})
     order by p.due_at limit 20`,
    [now.toISOString(), giveUpBefore, ...kinds],
  );
  return rows.map((r) => ({ alertId: r.alert_id, kind: r.kind, attempts: Number(r.attempts), fellDueAt: r.fell_due_at }));
}

/** Pages tried at least once and not through while their alert waits for someone: for an alert on a broken pager. */
export async function pagesNotThrough(db: SqlExecutor): Promise<number> {
  const [row] = await db.query<{ count: number | string }>(
    `select count(*) as count from safety_pages p join safety_queue q on q.alert_id = p.alert_id
     where p.paged = 0 and p.attempts > 0 and q.status = 'raised'`,
  );
  return Number(row.count);
}

/** How paging about one alert went, for the safety queue: `sent` (with when), `failing` (tried, not taken), `not_sent`. */
export interface PageStatus {
  kind: PageKind;
  status: 'sent' | 'failing' | 'not_sent';
  attempts: number;
  pagedAt: string | null;
}

/** The page status of each of these alerts, by alert id (kinds the clinic does not page are left out). */
export async function pageStatuses(db: SqlExecutor, alertIds: readonly string[], kinds: readonly PageKind[]): Promise<Map<string, PageStatus[]>> {
  const statuses = new Map<string, PageStatus[]>();
  if (alertIds.length === 0 || kinds.length === 0) return statuses;
  type Row = { alert_id: string; kind: PageKind; attempts: number | string; paged: number | string; paged_at: string | null };
  const rows: Row[] = [];
  // in chunks: a queue can hold more alerts than a statement takes parameters
  for (let i = 0; i < alertIds.length; i += 500) {
    const chunk = alertIds.slice(i, i + 500);
    const placeholders = chunk.map((_, j) => `$${j + 1}`).join(', ');
    rows.push(...(await db.query<Row>(`select alert_id, kind, attempts, paged, paged_at from safety_pages where alert_id in (${placeholders})`, chunk)));
  }
  // a raise's page before an escalation's
  rows.sort((a, b) => PAGE_KINDS.indexOf(a.kind) - PAGE_KINDS.indexOf(b.kind));
  for (const r of rows) {
    if (!kinds.includes(r.kind)) continue;
    const attempts = Number(r.attempts);
    const status = Number(r.paged) === 1 ? 'sent' : attempts > 0 ? 'failing' : 'not_sent';
    statuses.set(r.alert_id, [...(statuses.get(r.alert_id) ?? []), { kind: r.kind, status, attempts, pagedAt: r.paged_at }]);
  }
  return statuses;
}
