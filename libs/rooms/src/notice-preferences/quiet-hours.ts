import { CLOCK_TIME, isKnownTimeZone, localTimeIn, minutesOf } from '@haven/domain';
import type { QuietHours } from './notice-preferences.events';

/**
 * Whether `at` falls in the person's quiet hours: from `from` (included) to `until` (not), on their own clock, across
 * midnight when `from` is later. Quiet hours whose values an erasure emptied, or a zone this runtime does not know
 * (an older Node after an upgrade's rollback), are none: a person is told rather than silenced by a fault.
 */
export function inQuietHours(quiet: QuietHours | null, at: Date): boolean {
  if (!quiet || typeof quiet.from !== 'string' || typeof quiet.until !== 'string' || typeof quiet.timeZone !== 'string') return false;
  if (!CLOCK_TIME.test(quiet.from) || !CLOCK_TIME.test(quiet.until) || !isKnownTimeZone(quiet.timeZone)) return false;
  const now = localTimeIn(quiet.timeZone, at).minute;
  const [from, until] = [minutesOf(quiet.from), minutesOf(quiet.until)];
  return from < until ? now >= from && now < until : now >= from || now < until;
}
