import type { DomainEvent, Role } from '@haven/domain';

/**
 * A member of staff was shown records naming these people (`subjects`): a safety queue, a moderation queue or log, a
 * list of pairings or sessions. `what` names the answer (`safety.alerts`, `rooms.reports`...), `params` the ids in its
 * path. One event stands for every read of the same answer about the same people by the same reader in a window of
 * READS_WINDOW_MINUTES starting at `readAt`'s window; ids only, so nothing in it is erased.
 */
export type PersonalDataRead = DomainEvent<
  'PersonalDataRead',
  { by: string; role: Role; what: string; params: Record<string, string>; subjects: string[]; readAt: string }
>;

export type ReadsEvent = PersonalDataRead;

const STREAM_PREFIX = 'reads-';
/** One stream per reader: every record they were shown about others. */
export const readsStreamName = (readerId: string) => `${STREAM_PREFIX}${readerId}`;
export const isReadsStream = (streamId: string): boolean => streamId.startsWith(STREAM_PREFIX);
