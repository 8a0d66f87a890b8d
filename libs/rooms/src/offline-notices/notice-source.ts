import type { SqlExecutor } from '@haven/event-store';
import type { NoticeSubject } from './offline-notice.events';

/** What kind of conversation a notice is about: a push gateway may word it differently, never with more. */
export type NoticeConversation = 'group' | 'mentor_pair' | 'family_session' | 'mentor_request' | 'erasure_request';

export interface NoticeDue {
  userId: string;
  subject: NoticeSubject;
  conversation: NoticeConversation;
  /** the newest position the notice is about: an unread message, a report, a pair room's opening, a request, a guest's arrival */
  through: number;
  /** the attempt this one follows (0: a new notice) */
  attempts: number;
}

export interface NoticeWindow {
  /** what happened up to then is due (now less the wait, OFFLINE_NOTICE_AFTER_SECONDS) */
  dueBefore: string;
  /** what happened before then is not told any more: after downtime, a rebuild or turning notices on, no flood of
   * old news */
  freshSince: string;
  /** a member told of a room before then, who has not read since, may be told of newer messages again */
  repeatBefore: string;
  /** a person sent a notice since then is told of nothing else yet (retries of that notice go on) */
  quietSince: string;
  now: string;
}

/**
 * Where notices come from: each bounded context with something to tell people who are away (rooms: unread messages,
 * reports, a pair room opened; mentoring: open requests a mentor may take; family sessions: guests waiting for the
 * host to admit them). Each asks its own read models with the
 * claims in offline_notices (user_id, room_id: the subject's id); the processor asks whether they are connected,
 * claims and sends.
 */
export interface NoticeSource {
  /** for the logs: which context's query failed */
  name: string;
  /**
   * Notices due in the window: new ones, and those whose last attempt failed or went unanswered and whose retry is
   * due (NoticeDue.attempts > 0); for people not suspended, and new ones only for people not told anything since
   * `quietSince`.
   */
  due(db: SqlExecutor, window: NoticeWindow): Promise<NoticeDue[]>;
  /** makes what its query reads: Nest does not order the modules' start hooks, so the follower may not have yet */
  migrate(db: SqlExecutor): Promise<void>;
}

/** SQL: the person `userColumn` names is not suspended (suspended people are never told). */
const notSuspended = (userColumn: string) => `not exists (select 1 from access_suspensions suspended where suspended.user_id = ${userColumn})`;

/**
 * SQL: the person `userColumn` names is not suspended, and was told nothing since `quietSince` (a placeholder). Its
 * aliases are long so as not to hide a caller's (`s.host_id` would be the suspension's column inside the subquery).
 */
export const notSuspendedNorToldSince = (userColumn: string, quietSince: string) =>
  `${notSuspended(userColumn)}
   and not exists (select 1 from offline_notices told where told.user_id = ${userColumn} and told.last_attempt_at > ${quietSince})`;

/**
 * SQL: the claim `n` (an offline_notices row) failed or went unanswered, its next attempt is due by `now` and it is
 * still within the window (`freshSince`), for a person not suspended. `now` and `freshSince` are placeholders.
 */
export const retryDue = (n: string, now: string, freshSince: string) =>
  `${n}.sent = 0 and ${n}.retry_at is not null and ${n}.retry_at <= ${now} and ${n}.last_attempt_at > ${freshSince}
   and ${notSuspended(`${n}.user_id`)}`;

/** A due notice from a source's row (positions and counts come back from PostgreSQL as strings). */
export const noticeDue = (userId: string, subject: NoticeSubject, conversation: NoticeConversation, through: number | string, attempts: number | string): NoticeDue => ({
  userId,
  subject,
  conversation,
  through: Number(through),
  attempts: Number(attempts),
});
