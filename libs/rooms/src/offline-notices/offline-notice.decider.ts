import { DomainError, type CommandContext, type Decider } from '@haven/domain';
import { NOTICE_MAX_ATTEMPTS, subjectOf, type NoticeSubject, type OfflineNoticeEvent } from './offline-notice.events';

type NoticeTarget = { userId: string } & NoticeSubject & { through: number; attempt: number };
export type AttemptNotice = { type: 'AttemptNotice'; data: NoticeTarget; context: CommandContext };
export type RecordNoticeOutcome = {
  type: 'RecordNoticeOutcome';
  data: NoticeTarget & { outcome: { sent: true } | { sent: false; reason: string } };
  context: CommandContext;
};
export type OfflineNoticeCommand = AttemptNotice | RecordNoticeOutcome;

/** The latest notice of a member about a room: up to which position, how many attempts, whether one got through. */
export interface OfflineNoticeState {
  through: number;
  attempts: number;
  outcomeOf: number;
  sent: boolean;
}

/**
 * The notices of one member about one room, driven by the system only. A notice about newer messages (a higher
 * `through`) starts at attempt 1; the same notice is tried again with the next number, while none got through and
 * fewer than NOTICE_MAX_ATTEMPTS were taken; an outcome is recorded once, for the latest attempt. Whether the member
 * is owed a notice at all (offline, unread, not told lately) is the processor's question to the read models.
 */
export const offlineNoticeDecider: Decider<OfflineNoticeCommand, OfflineNoticeEvent, OfflineNoticeState> = {
  initialState: () => ({ through: 0, attempts: 0, outcomeOf: 0, sent: false }),
  decide(command, state) {
    const { actor, now } = command.context;
    if (actor.userId !== 'system') throw new DomainError('AUTH.FORBIDDEN', 'notices are sent by the system');
    const { userId, through, attempt } = command.data;
    const target = { userId, ...subjectOf(command.data), through, attempt };
    switch (command.type) {
      case 'AttemptNotice': {
        const next =
          through > state.through ? attempt === 1 : through === state.through && !state.sent && attempt === state.attempts + 1 && attempt <= NOTICE_MAX_ATTEMPTS;
        return next ? [{ type: 'OfflineNoticeAttempted', data: { ...target, attemptedAt: now } }] : [];
      }
      case 'RecordNoticeOutcome': {
        if (through !== state.through || attempt !== state.attempts || state.outcomeOf === attempt) return [];
        const { outcome } = command.data;
        return outcome.sent
          ? [{ type: 'OfflineNoticeSent', data: { ...target, sentAt: now } }]
          : [{ type: 'OfflineNoticeFailed', data: { ...target, reason: outcome.reason, failedAt: now } }];
      }
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'OfflineNoticeAttempted':
        return event.data.through > state.through
          ? { through: event.data.through, attempts: event.data.attempt, outcomeOf: 0, sent: false }
          : { ...state, attempts: event.data.attempt };
      case 'OfflineNoticeSent':
        return { ...state, outcomeOf: event.data.attempt, sent: true };
      case 'OfflineNoticeFailed':
        return { ...state, outcomeOf: event.data.attempt };
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
};
