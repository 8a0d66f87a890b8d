import { postSignedWebhook, type WebhookOutcome, type WebhookTarget } from '@haven/edge/signed-webhook';
import type { NoticeDue } from './offline-notices.projection';

/** What kind of conversation a notice is about: a push gateway may word it differently, never with more. */
export type NoticeConversation = 'group' | 'mentor_pair' | 'family_session';

export const conversationOf = (roomKind: string): NoticeConversation =>
  roomKind === 'mentor_pair' || roomKind === 'family_session' ? roomKind : 'group';

/**
 * The body a notice carries: whom to tell, about which room, how far; never who wrote, what, or the room's name. A push
 * gateway hands it on to services outside the clinic (a phone's lock screen, the platform's push service), so it says
 * only that something waits in Haven; the app fetches the rest once the person opens it.
 */
export function noticeBody(notice: NoticeDue, attempt: number): string {
  return JSON.stringify({
    type: 'conversation.unread',
    userId: notice.userId,
    roomId: notice.roomId,
    conversation: conversationOf(notice.roomKind),
    through: notice.through,
    attempt,
    // the same for every notice about this room until it is read, for gateways that replace an earlier notice
    collapseKey: `haven:${notice.roomId}`,
    message: 'You have new messages in Haven.',
  });
}

/** POSTs a notice, signed (libs/edge signed-webhook.ts); a 2xx answer is a notice sent. */
export function sendNotice(target: WebhookTarget, notice: NoticeDue, attempt: number, now: Date): Promise<WebhookOutcome> {
  return postSignedWebhook(target, noticeBody(notice, attempt), {
    userAgent: 'haven-offline-notices',
    idempotencyKey: `${notice.roomId}:${notice.userId}:${notice.through}`,
    now,
  });
}
