import type { DomainEvent } from '@haven/domain';

/**
 * The system takes its `attempt`-th turn at telling a member's devices, through the clinic's push gateway
 * (OFFLINE_NOTICE_URL), that a room holds something for them, up to position `through`. Its command id names the
 * attempt, so of several nodes polling the same due notice one appends it and only that one sends.
 */
export type OfflineNoticeAttempted = DomainEvent<
  'OfflineNoticeAttempted',
  { userId: string; roomId: string; through: number; attempt: number; attemptedAt: string }
>;
/** The gateway took the notice (a 2xx answer). */
export type OfflineNoticeSent = DomainEvent<'OfflineNoticeSent', { userId: string; roomId: string; through: number; attempt: number; sentAt: string }>;
/** The gateway did not take it: `reason` is `http_<status>`, `timeout` or `unreachable`; another attempt may follow. */
export type OfflineNoticeFailed = DomainEvent<
  'OfflineNoticeFailed',
  { userId: string; roomId: string; through: number; attempt: number; reason: string; failedAt: string }
>;

export type OfflineNoticeEvent = OfflineNoticeAttempted | OfflineNoticeSent | OfflineNoticeFailed;
export type OfflineNoticeEventType = OfflineNoticeEvent['type'];

const STREAM_PREFIX = 'notices-';
/**
 * One stream per member and room: the notices sent about it. Ids, positions and times only (a notice carries no words),
 * so an erasure has nothing here to shred. The room id (a uuid) comes first so that any user id parses back.
 */
export const noticeStreamName = (roomId: string, userId: string) => `${STREAM_PREFIX}${roomId}-${userId}`;
export const isNoticeStream = (streamId: string): boolean => streamId.startsWith(STREAM_PREFIX);

/** A notice is tried at most this many times; the waits between are 30 s, then 2 minutes. */
export const NOTICE_MAX_ATTEMPTS = 3;
export function noticeRetryAt(attemptedAt: string, attempt: number): string | null {
  if (attempt >= NOTICE_MAX_ATTEMPTS) return null;
  return new Date(Date.parse(attemptedAt) + 30_000 * 4 ** (attempt - 1)).toISOString();
}
