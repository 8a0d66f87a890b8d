import { createHash } from 'node:crypto';
import { postSignedWebhook, type WebhookOutcome, type WebhookTarget } from '@haven/edge/signed-webhook';
import type { NoticeDue } from './notice-source';
import { subjectIdOf } from './offline-notice.events';

/**
 * The body a notice carries: whom to tell, about which rooms (new messages, a report for a moderator, a pair room a
 * mentor just opened), mentor requests (for a mentor who may take one) or family sessions (family waiting, for the
 * host), how far; never who wrote, asked or waits, what, or a room's name. A push gateway hands it on to services outside the clinic (a phone's lock screen, the platform's push
 * service), so it says only that something waits in Haven; the app fetches the rest once the person opens it.
 */
export function noticeBody(userId: string, notices: readonly ClaimedNotice[]): string {
  return JSON.stringify({
    type: 'conversation.unread',
    userId,
    conversations: notices.map(({ notice, attempt }) => ({ ...notice.subject, conversation: notice.conversation, through: notice.through, attempt })),
    // the same for every notice: a device shows the latest one, not a stack of them
    collapseKey: 'haven:unread',
    message: 'Something new is waiting for you in Haven.',
  });
}

/** A notice this node claimed the attempt of. */
export interface ClaimedNotice {
  notice: NoticeDue;
  attempt: number;
}

/**
 * POSTs a person's notices, signed (libs/edge signed-webhook.ts); a 2xx answer is every one of them sent. The
 * idempotency key names the person and each subject's position and attempt, so a resend of this very POST has the same.
 */
export function sendNotice(target: WebhookTarget, userId: string, notices: readonly ClaimedNotice[], now: Date): Promise<WebhookOutcome> {
  const what = notices.map(({ notice, attempt }) => `${subjectIdOf(notice.subject)}:${notice.through}:${attempt}`).join(',');
  return postSignedWebhook(target, noticeBody(userId, notices), {
    userAgent: 'haven-offline-notices',
    idempotencyKey: `${userId}:${createHash('sha256').update(what).digest('base64url')}`,
    now,
  });
}
