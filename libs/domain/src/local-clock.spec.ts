import { instantOfLocal, isKnownTimeZone, localTimeIn } from './local-clock';

describe('a local clock', () => {
  it('reads date, weekday and minute in a zone, summer time included', () => {
    expect(localTimeIn('America/Chicago', new Date('2026-01-15T03:30:00Z'))).toEqual({ year: 2026, month: 1, day: 14, weekday: 'wed', minute: 21 * 60 + 30 });
    expect(localTimeIn('America/Chicago', new Date('2026-07-15T03:30:00Z'))).toEqual({ year: 2026, month: 7, day: 14, weekday: 'tue', minute: 22 * 60 + 30 });
    expect(localTimeIn('Asia/Kolkata', new Date('2026-12-03T20:00:00Z'))).toEqual({ year: 2026, month: 12, day: 4, weekday: 'fri', minute: 90 });
  });

  it('turns a local time back into the instant, west and east of UTC, across the changes of the clocks', () => {
    expect(instantOfLocal('America/Chicago', 2026, 1, 14, 21 * 60 + 30).toISOString()).toBe('2026-01-15T03:30:00.000Z');
    expect(instantOfLocal('America/Chicago', 2026, 7, 14, 22 * 60 + 30).toISOString()).toBe('2026-07-15T03:30:00.000Z');
    expect(instantOfLocal('Europe/Berlin', 2026, 12, 3, 9 * 60).toISOString()).toBe('2026-12-03T08:00:00.000Z');
    expect(instantOfLocal('Asia/Kolkata', 2026, 12, 4, 90).toISOString()).toBe('2026-12-03T20:00:00.000Z');
    // Chicago skips 02:00-03:00 on 8 March 2026: 02:30 is read as 03:30 CDT
    expect(instantOfLocal('America/Chicago', 2026, 3, 8, 150).toISOString()).toBe('2026-03-08T08:30:00.000Z');
    expect(instantOfLocal('America/Chicago', 2026, 3, 8, 60).toISOString()).toBe('2026-03-08T07:00:00.000Z');
    expect(instantOfLocal('America/Chicago', 2026, 3, 8, 180).toISOString()).toBe('2026-03-08T08:00:00.000Z');
    // Berlin passes 02:30 twice on 25 October 2026: either is 02:30 on its clock
    const twice = instantOfLocal('Europe/Berlin', 2026, 10, 25, 150);
    expect(['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']).toContain(twice.toISOString());
    expect(localTimeIn('Europe/Berlin', twice).minute).toBe(150);
  });

  it('knows the IANA zones and nothing else', () => {
    expect(isKnownTimeZone('Europe/Berlin')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
