import { CLOCK_TIME, DomainError, isKnownTimeZone, type CommandContext, type Decider } from '@haven/domain';
import {
  DEFAULT_NOTICE_PREFERENCES,
  evolveNoticePreferences,
  type NoticePreferences,
  type NoticePreferencesEvent,
  type NoticePreferencesState,
  type QuietHours,
} from './notice-preferences.events';

export type SetNoticePreferences = { type: 'SetNoticePreferences'; data: NoticePreferences; context: CommandContext };
export type NoticePreferencesCommand = SetNoticePreferences;

export const NoticePreferencesErrors = {
  forbidden: () => new DomainError('NOTICES.FORBIDDEN', 'family guests are never told while away: they have no devices Haven knows of'),
  invalidQuietHours: (reason: string, details: Record<string, unknown>) => new DomainError('NOTICES.INVALID_QUIET_HOURS', reason, details),
};

function checkQuietHours({ from, until, timeZone }: QuietHours): void {
  for (const [field, value] of [['from', from], ['until', until]] as const) {
    if (!CLOCK_TIME.test(value)) throw NoticePreferencesErrors.invalidQuietHours(`quietHours.${field} is a time of day as HH:MM (00:00 to 23:59)`, { field: `quietHours.${field}` });
  }
  if (from === until) throw NoticePreferencesErrors.invalidQuietHours('quiet hours that start when they end would be quiet all day: pause notices instead', { field: 'quietHours.until' });
  if (!isKnownTimeZone(timeZone)) throw NoticePreferencesErrors.invalidQuietHours('quietHours.timeZone is an IANA time zone, such as America/Chicago', { field: 'quietHours.timeZone' });
}

/**
 * Whether a choice is the one in force. Quiet hours reach the decider sealed (the log holds them sealed with their
 * person's key, and is read as stored), so two choices naming quiet hours cannot be compared: each is recorded.
 */
const same = (current: NoticePreferences, chosen: NoticePreferences) => current.paused === chosen.paused && current.quietHours === null && chosen.quietHours === null;

/**
 * A person's choice, for all their rooms, requests and sessions at once, of whether and when their devices are told
 * that something waits (the offline notices): paused (nothing at all) or quiet hours on their own clock. Anyone with
 * devices Haven may tell chooses, staff as well (a facilitator off duty); family guests have none. Each choice
 * replaces the last; the same choice again without quiet hours changes nothing.
 */
export const noticePreferencesDecider: Decider<NoticePreferencesCommand, NoticePreferencesEvent, NoticePreferencesState> = {
  initialState: () => DEFAULT_NOTICE_PREFERENCES,
  evolve: evolveNoticePreferences,
  decide(command, state) {
    const { actor, now } = command.context;
    if (actor.role === 'family') throw NoticePreferencesErrors.forbidden();
    const { paused, quietHours } = command.data;
    if (quietHours) checkQuietHours(quietHours);
    const chosen = { paused, quietHours: quietHours && { from: quietHours.from, until: quietHours.until, timeZone: quietHours.timeZone } };
    if (same(state, chosen)) return [];
    return [{ type: 'NoticePreferencesSet', data: { userId: actor.userId, ...chosen, setAt: now } }];
  },
};
