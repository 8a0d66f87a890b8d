import type { DomainEvent } from '@haven/domain';

/**
 * What a notice is about: a room (its messages, a report, a pair room opened); an open mentor request, told to a
 * mentor who may take it; a family session whose guests wait to be admitted, told to its host. The ids are uuids, so
 * one key holds any of them (offline_notices.room_id, the stream name).
 */
export type NoticeSubject = { roomId: string } | { requestId: string } | { sessionId: string };
export const subjectIdOf = (subject: NoticeSubject): string =>
  'roomId' in subject ? subject.roomId : 'requestId' in subject ? subject.requestId : subject.sessionId;
/** the subject's own field only, whatever else `data` carries */
export const subjectOf = (data: NoticeSubject): NoticeSubject =>
  'roomId' in data ? { roomId: data.roomId } : 'requestId' in data ? { requestId: data.requestId } : { sessionId: data.sessionId };

/**
 * The system takes its `attempt`-th turn at telling a person's devices, through the clinic's push gateway
 * (OFFLINE_NOTICE_URL), that a room, a mentor request or a session's lobby holds something for them, up to position
 * `through`. Its
 * command id names the attempt, so of several nodes polling the same due notice one appends it and only that one
 * sends.
 */
export type OfflineNoticeAttempted = DomainEvent<'OfflineNoticeAttempted', NoticeOf<{ attemptedAt: string }>>;
/** The gateway took the notice (a 2xx answer). */
export type OfflineNoticeSent = DomainEvent<'OfflineNoticeSent', NoticeOf<{ sentAt: string }>>;
/** The gateway did not take it: `reason` is `http_<status>`, `timeout` or `unreachable`; another attempt may follow. */
export type OfflineNoticeFailed = DomainEvent<'OfflineNoticeFailed', NoticeOf<{ reason: string; failedAt: string }>>;
type NoticeOf<T> = { userId: string } & NoticeSubject & { through: number; attempt: number } & T;

export type OfflineNoticeEvent = OfflineNoticeAttempted | OfflineNoticeSent | OfflineNoticeFailed;
export type OfflineNoticeEventType = OfflineNoticeEvent['type'];

const STREAM_PREFIX = 'notices-';
/**
 * One stream per person and subject (a room, a mentor request, a family session): the notices sent about it. Ids,
 * positions and times only (a notice carries no words), so an erasure has nothing here to shred. The subject's id (a
 * uuid) comes first so that any user id parses back.
 */
export const noticeStreamName = (subject: NoticeSubject, userId: string) => `${STREAM_PREFIX}${subjectIdOf(subject)}-${userId}`;
export const isNoticeStream = (streamId: string): boolean => streamId.startsWith(STREAM_PREFIX);

/** A notice is tried at most this many times; the waits between are 30 s, then 2 minutes. */
export const NOTICE_MAX_ATTEMPTS = 3;
export function noticeRetryAt(attemptedAt: string, attempt: number): string | null {
  if (attempt >= NOTICE_MAX_ATTEMPTS) return null;
  return new Date(Date.parse(attemptedAt) + 30_000 * 4 ** (attempt - 1)).toISOString();
}
