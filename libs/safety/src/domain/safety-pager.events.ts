import type { DomainEvent } from '@haven/domain';

/** What a page is about: an alert just raised, or one that escalated because nobody acknowledged it in time. */
export type PageKind = 'raised' | 'escalated';
export const PAGE_KINDS: readonly PageKind[] = ['raised', 'escalated'];

/**
 * The system takes its `attempt`-th turn at paging the clinic's on-call service (SAFETY_PAGER_URL) about an alert. Its
 * command id names the attempt, so of several nodes polling the same due page one appends it and only that one sends.
 */
export type SafetyAlertPageAttempted = DomainEvent<'SafetyAlertPageAttempted', { alertId: string; kind: PageKind; attempt: number; attemptedAt: string }>;
/** The pager accepted the page (a 2xx answer). */
export type SafetyAlertPaged = DomainEvent<'SafetyAlertPaged', { alertId: string; kind: PageKind; attempt: number; pagedAt: string }>;
/** The pager did not take it: `reason` is `http_<status>`, `timeout` or `unreachable`; another attempt follows (pageRetryAt). */
export type SafetyAlertPageFailed = DomainEvent<'SafetyAlertPageFailed', { alertId: string; kind: PageKind; attempt: number; reason: string; failedAt: string }>;

export type SafetyPagerEvent = SafetyAlertPageAttempted | SafetyAlertPaged | SafetyAlertPageFailed;

const STREAM_PREFIX = 'pager-';
/** One stream per alert: every attempt to page about it and how each went. Ids and times only: nothing to erase. */
export const pagerStreamName = (alertId: string) => `${STREAM_PREFIX}${alertId}`;
export const isPagerStream = (streamId: string): boolean => streamId.startsWith(STREAM_PREFIX);

/** A failed or unanswered attempt is tried again after 10 s, then 20 s, 40 s... at most 5 minutes apart. */
export function pageRetryAt(attemptedAt: string, attempt: number): string {
  const waitMs = Math.min(10_000 * 2 ** (attempt - 1), 300_000);
  return new Date(Date.parse(attemptedAt) + waitMs).toISOString();
}

/** Paging stops an hour after the page fell due: by then the alert is in the queue, escalated, and in the log as unpaged. */
export const PAGE_GIVE_UP_MINUTES = 60;
