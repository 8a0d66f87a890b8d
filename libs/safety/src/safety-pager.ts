import { postSignedWebhook, type WebhookOutcome } from '@haven/edge/signed-webhook';
import type { PageKind } from './domain/safety-pager.events';
import type { PagerConfig } from './safety-config';

export interface Page {
  alertId: string;
  kind: PageKind;
  attempt: number;
  fellDueAt: string;
}

export type PageOutcome = WebhookOutcome;

/**
 * The body a page carries: which alert and why, never who or what was written: a pager is outside the clinic's
 * records, and whoever is paged opens the safety queue to see the rest.
 */
export function pageBody(page: Page): string {
  return JSON.stringify({
    type: `safety.alert.${page.kind}`,
    alertId: page.alertId,
    kind: page.kind,
    fellDueAt: page.fellDueAt,
    attempt: page.attempt,
    // the same for every attempt of this page, for pagers that fold repeats into one incident
    dedupKey: `haven:${page.alertId}:${page.kind}`,
    message:
      page.kind === 'raised'
        ? 'A safety alert was raised: a person may be in crisis. Open the safety queue.'
        : 'A safety alert has gone unacknowledged and escalated to every clinician. Open the safety queue.',
  });
}

/** POSTs a page, signed (libs/edge signed-webhook.ts); a 2xx answer is a page sent. */
export function sendPage(pager: PagerConfig, page: Page, now: Date): Promise<PageOutcome> {
  return postSignedWebhook(pager, pageBody(page), { userAgent: 'haven-safety-pager', idempotencyKey: `${page.alertId}:${page.kind}`, now });
}
