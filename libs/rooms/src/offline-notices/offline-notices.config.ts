import { webhookSecretFrom, webhookUrlFrom, type WebhookTarget } from '@haven/edge/signed-webhook';

/** OFFLINE_NOTICE_URL, OFFLINE_NOTICE_SECRET, OFFLINE_NOTICE_AFTER_SECONDS (README, "Telling people who are away"). */
export interface OfflineNoticesConfig extends WebhookTarget {
  /** how long a message waits unread before a member who is not connected is told of it */
  afterSeconds: number;
}

export const DEFAULT_NOTICE_AFTER_SECONDS = 60;

/** The clinic's push gateway for offline notices, or null when it has none; a mistake stops the start. */
export function offlineNoticesConfigFrom(env: Record<string, string | undefined>): OfflineNoticesConfig | null {
  const raw = env.OFFLINE_NOTICE_URL?.trim();
  if (!raw) {
    if (env.OFFLINE_NOTICE_SECRET?.trim() || env.OFFLINE_NOTICE_AFTER_SECONDS?.trim()) {
      throw new Error('OFFLINE_NOTICE_SECRET and OFFLINE_NOTICE_AFTER_SECONDS need OFFLINE_NOTICE_URL');
    }
    return null;
  }
  const after = env.OFFLINE_NOTICE_AFTER_SECONDS?.trim() || String(DEFAULT_NOTICE_AFTER_SECONDS);
  const afterSeconds = Number(after);
  if (!/^\d+$/.test(after) || afterSeconds < 10 || afterSeconds > 3600) {
    throw new Error(`OFFLINE_NOTICE_AFTER_SECONDS must be a whole number of seconds from 10 to 3600 (got "${after}")`);
  }
  return {
    url: webhookUrlFrom('OFFLINE_NOTICE_URL', raw),
    secret: webhookSecretFrom('OFFLINE_NOTICE_SECRET', env.OFFLINE_NOTICE_SECRET),
    afterSeconds,
  };
}
