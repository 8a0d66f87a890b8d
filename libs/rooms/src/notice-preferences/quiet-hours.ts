import type { QuietHours } from './notice-preferences.events';

/** HH:MM on a 24-hour clock */
export const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** whether the runtime knows `timeZone` as an IANA zone (Node carries the full time zone data) */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const minutesOf = (clockTime: string) => Number(clockTime.slice(0, 2)) * 60 + Number(clockTime.slice(3, 5));

/** the minute of the day it is at `at` in `timeZone` (0..1439) */
export function minuteOfDayIn(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const part = (type: 'hour' | 'minute') => Number(parts.find((p) => p.type === type)!.value);
  return part('hour') * 60 + part('minute');
}

/**
 * Whether `at` falls in the person's quiet hours: from `from` (included) to `until` (not), on their own clock, across
 * midnight when `from` is later. Quiet hours whose values an erasure emptied, or a zone this runtime does not know
 * (an older Node after an upgrade's rollback), are none: a person is told rather than silenced by a fault.
 */
export function inQuietHours(quiet: QuietHours | null, at: Date): boolean {
  if (!quiet || typeof quiet.from !== 'string' || typeof quiet.until !== 'string' || typeof quiet.timeZone !== 'string') return false;
  if (!CLOCK_TIME.test(quiet.from) || !CLOCK_TIME.test(quiet.until) || !isKnownTimeZone(quiet.timeZone)) return false;
  const now = minuteOfDayIn(quiet.timeZone, at);
  const [from, until] = [minutesOf(quiet.from), minutesOf(quiet.until)];
  return from < until ? now >= from && now < until : now >= from || now < until;
}
