import { DomainError, type CommandContext, type Decider } from '@haven/domain';
import type { PageKind, SafetyPagerEvent } from './safety-pager.events';

export type AttemptPage = { type: 'AttemptPage'; data: { alertId: string; kind: PageKind; attempt: number }; context: CommandContext };
export type RecordPageOutcome = {
  type: 'RecordPageOutcome';
  data: { alertId: string; kind: PageKind; attempt: number; outcome: { sent: true } | { sent: false; reason: string } };
  context: CommandContext;
};
export type SafetyPagerCommand = AttemptPage | RecordPageOutcome;

/** Per kind of page: how many attempts were taken, whether the last one's outcome is in, whether one got through. */
export type SafetyPagerState = Partial<Record<PageKind, { attempts: number; outcomeOf: number; paged: boolean }>>;

const NONE = { attempts: 0, outcomeOf: 0, paged: false };

/**
 * The paging of one alert, driven by the system only. An attempt is taken once (the next number, and none after a page
 * got through); its outcome is recorded once, for the latest attempt. Whether the alert still needs a page (nobody has
 * acknowledged it) is the processor's question to the safety queue: the log keeps what was tried.
 */
export const safetyPagerDecider: Decider<SafetyPagerCommand, SafetyPagerEvent, SafetyPagerState> = {
  initialState: () => ({}),
  decide(command, state) {
    const { actor, now } = command.context;
    if (actor.userId !== 'system') throw new DomainError('AUTH.FORBIDDEN', 'pages are sent by the system');
    const { alertId, kind, attempt } = command.data;
    const pages = state[kind] ?? NONE;
    switch (command.type) {
      case 'AttemptPage':
        if (pages.paged || attempt !== pages.attempts + 1) return [];
        return [{ type: 'SafetyAlertPageAttempted', data: { alertId, kind, attempt, attemptedAt: now } }];
      case 'RecordPageOutcome': {
        if (attempt !== pages.attempts || pages.outcomeOf === attempt) return [];
        const { outcome } = command.data;
        return outcome.sent
          ? [{ type: 'SafetyAlertPaged', data: { alertId, kind, attempt, pagedAt: now } }]
          : [{ type: 'SafetyAlertPageFailed', data: { alertId, kind, attempt, reason: outcome.reason, failedAt: now } }];
      }
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
  evolve(state, event) {
    const pages = state[event.data.kind] ?? NONE;
    switch (event.type) {
      case 'SafetyAlertPageAttempted':
        return { ...state, [event.data.kind]: { ...pages, attempts: event.data.attempt } };
      case 'SafetyAlertPaged':
        return { ...state, [event.data.kind]: { ...pages, outcomeOf: event.data.attempt, paged: true } };
      case 'SafetyAlertPageFailed':
        return { ...state, [event.data.kind]: { ...pages, outcomeOf: event.data.attempt } };
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
};
