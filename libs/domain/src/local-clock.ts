/**
 * A person's or a clinic's own clock: times of day as HH:MM in an IANA time zone, read with Intl (Node ships the zone
 * data), so summer time needs nothing of ours. Pure: the instant is always passed in.
 */

/** HH:MM on a 24-hour clock */
export const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];


/** minutes since midnight of an HH:MM */
export const minutesOf = (clockTime: string): number => Number(clockTime.slice(0, 2)) * 60 + Number(clockTime.slice(3, 5));

export interface LocalTime {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  weekday: Weekday;
  /** minutes since local midnight, 0..1439 */
  minute: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const formatFor = (timeZone: string) => {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, format);
  }
  return format;
};

/** whether the runtime knows `timeZone` as an IANA zone (its formatter, kept for the zone's clock when it does) */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** the date, weekday and minute of the day it is at `at` in `timeZone` */
export function localTimeIn(timeZone: string, at: Date): LocalTime {
  const parts = Object.fromEntries(formatFor(timeZone).formatToParts(at).map((part) => [part.type, part.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: parts.weekday.toLowerCase().slice(0, 3) as Weekday,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** the zone's offset from UTC at `at`, in minutes (local less UTC) */
function offsetAt(timeZone: string, at: number): number {
  const local = localTimeIn(timeZone, new Date(at));
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, 0, local.minute);
  return Math.round((asUtc - Math.floor(at / 60_000) * 60_000) / 60_000);
}

/**
 * The instant a local date and minute of the day names in `timeZone`. A time the clocks skip in spring is taken as the
 * wall clock reads it after the change (an hour later); one they pass twice in autumn is one of the two.
 */
export function instantOfLocal(timeZone: string, year: number, month: number, day: number, minute: number): Date {
  const wall = Date.UTC(year, month - 1, day, 0, minute);
  const first = wall - offsetAt(timeZone, wall) * 60_000;
  const offset = offsetAt(timeZone, first);
  const second = wall - offset * 60_000;
  if (second === first || offsetAt(timeZone, second) === offset) return new Date(second);
  return new Date(Math.max(first, second));
}
