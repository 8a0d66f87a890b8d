import { createHmac } from 'node:crypto';

/** how long a receiver has to answer before the post counts as failed (`timeout`) */
export const WEBHOOK_TIMEOUT_MS = 5000;

/** Where a webhook goes, and the secret that signs it (null: unsigned). */
export interface WebhookTarget {
  url: string;
  secret: string | null;
}

export type WebhookOutcome = { sent: true } | { sent: false; reason: string };

/** `sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>`, as X-Haven-Signature carries it. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * POSTs a JSON body to a clinic's service (its pager, its push gateway), signed with X-Haven-Timestamp and
 * X-Haven-Signature; a 2xx answer is sent. Redirects are not followed: the body goes to the configured URL only. A
 * failure is told by a reason that names no one: `http_<status>`, `timeout` or `unreachable`.
 */
export async function postSignedWebhook(
  target: WebhookTarget,
  body: string,
  { userAgent, idempotencyKey, now }: { userAgent: string; idempotencyKey: string; now: Date },
): Promise<WebhookOutcome> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': userAgent,
    'idempotency-key': idempotencyKey,
    'x-haven-timestamp': timestamp,
  };
  if (target.secret) headers['x-haven-signature'] = webhookSignature(target.secret, timestamp, body);
  try {
    const response = await fetch(target.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
    await response.body?.cancel().catch(() => undefined);
    return response.ok ? { sent: true } : { sent: false, reason: `http_${response.status}` };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    return { sent: false, reason: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'unreachable' };
  }
}

/** A webhook URL from the environment: http:// or https://, else a start-time error naming the variable. */
export function webhookUrlFrom(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be an http:// or https:// URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${name} must be an http:// or https:// URL`);
  return url.toString();
}

/** A webhook's signing secret from the environment: null when unset, else at least 32 characters. */
export function webhookSecretFrom(name: string, raw: string | undefined): string | null {
  const secret = raw?.trim() || null;
  if (secret !== null && secret.length < 32) throw new Error(`${name} must be at least 32 characters`);
  return secret;
}
