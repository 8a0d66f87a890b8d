import { CLOCK_TIME, instantOfLocal, isKnownTimeZone, localTimeIn, minutesOf, WEEKDAYS, type Weekday } from '@haven/domain';
import { RoomErrors } from './room.errors';

/** One stretch of a weekday when the group is open, on the room's clock: `from` (included) to `until` (not), HH:MM. */
export type OpenWindow = { day: Weekday; from: string; until: string };

/**
 * When a group is staffed and its members may speak: windows of the week in the clinic's IANA time zone. A peer
 * group that nobody moderates at night is a risk a clinic may not take; outside these hours members read, and
 * reach help (crisis words are screened and held with help whatever the hour), but post, edit, react and type only
 * again once it opens.
 */
export type OpenHours = { timeZone: string; windows: OpenWindow[] };

/** a week of three windows a day: more than any group's timetable, a bound on what every post checks */
export const MAX_OPEN_WINDOWS = 21;

/** The open hours as the rules keep them: checked, and each window with its own three fields only. */
export function validOpenHours(openHours: OpenHours): OpenHours {
  const { timeZone, windows } = openHours;
  if (typeof timeZone !== 'string' || !isKnownTimeZone(timeZone)) throw RoomErrors.invalidOpenHours('timeZone is an IANA time zone, such as America/Chicago', { field: 'timeZone' });
  if (!Array.isArray(windows) || windows.length === 0 || windows.length > MAX_OPEN_WINDOWS) {
    throw RoomErrors.invalidOpenHours(`1 to ${MAX_OPEN_WINDOWS} windows; to open the room at all hours, set none (null)`, { field: 'windows', max: MAX_OPEN_WINDOWS });
  }
  return {
    timeZone,
    windows: windows.map(({ day, from, until }, i) => {
      if (!WEEKDAYS.includes(day)) throw RoomErrors.invalidOpenHours(`windows.${i}.day is one of ${WEEKDAYS.join(', ')}`, { field: `windows.${i}.day` });
      for (const [field, value] of [['from', from], ['until', until]] as const) {
        if (typeof value !== 'string' || !CLOCK_TIME.test(value)) throw RoomErrors.invalidOpenHours(`windows.${i}.${field} is a time of day as HH:MM`, { field: `windows.${i}.${field}` });
      }
      // a window across midnight is two: one until 23:59 would leave a minute shut, so "24:00" is not needed either
      if (minutesOf(from) >= minutesOf(until)) throw RoomErrors.invalidOpenHours(`windows.${i} ends after it starts, on its day (one across midnight is two windows)`, { field: `windows.${i}.until` });
      return { day, from, until };
    }),
  };
}

const endsWithDay = (window: OpenWindow) => window.until === '23:59';

/** Whether the group is open at `at`: always without open hours. A window ending 23:59 runs to midnight. */
export function isOpenAt(openHours: OpenHours | null, at: Date): boolean {
  if (!openHours) return true;
  const local = localTimeIn(openHours.timeZone, at);
  return openHours.windows.some(
    (window) => window.day === local.weekday && local.minute >= minutesOf(window.from) && (local.minute < minutesOf(window.until) || endsWithDay(window)),
  );
}

/** When the group next opens after `at` (within a week and a day), or null if it has no window. */
export function nextOpening(openHours: OpenHours, at: Date): Date | null {
  const today = localTimeIn(openHours.timeZone, at);
  let next: Date | null = null;
  for (let ahead = 0; ahead <= 8; ahead++) {
    // the local date `ahead` days on: noon avoids the hours the clocks change
    const noon = new Date(Date.UTC(today.year, today.month - 1, today.day + ahead, 12));
    const weekday = WEEKDAYS[noon.getUTCDay()];
    for (const window of openHours.windows) {
      if (window.day !== weekday) continue;
      const opens = instantOfLocal(openHours.timeZone, noon.getUTCFullYear(), noon.getUTCMonth() + 1, noon.getUTCDate(), minutesOf(window.from));
      if (opens.getTime() > at.getTime() && (next === null || opens < next)) next = opens;
    }
    if (next) return next;
  }
  return next;
}
