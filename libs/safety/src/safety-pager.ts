import { createHmac } from 'node:crypto';
import type { PageKind } from './domain/safety-pager.events';
import type { PagerConfig } from './safety-config';

/** how long the pager has to answer before the attempt counts as failed (`timeout`) */
export const PAGE_TIMEOUT_MS = 5000;

export interface Page {
  alertId: string;
  kind: PageKind;
  attempt: number;
  fellDueAt: string;
}

export type PageOutcome = { sent: true } | { sent: false; reason: string };

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

/** `sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>`, as X-Haven-Signature carries it. */
export function pageSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** POSTs a page; a 2xx answer is a page sent. Redirects are not followed: the body goes to the configured URL only. */
export async function sendPage(pager: PagerConfig, page: Page, now: Date): Promise<PageOutcome> {
  const body = pageBody(page);
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'haven-safety-pager',
    'idempotency-key': `${page.alertId}:${page.kind}`,
    'x-haven-timestamp': timestamp,
  };
  if (pager.secret) headers['x-haven-signature'] = pageSignature(pager.secret, timestamp, body);
  try {
    const response = await fetch(pager.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(PAGE_TIMEOUT_MS) });
    await response.body?.cancel().catch(() => undefined);
    return response.ok ? { sent: true } : { sent: false, reason: `http_${response.status}` };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    return { sent: false, reason: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'unreachable' };
  }
}
