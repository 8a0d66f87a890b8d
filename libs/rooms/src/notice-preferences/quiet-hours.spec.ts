import { inQuietHours } from './quiet-hours';

const night = { from: '22:00', until: '07:00', timeZone: 'America/Chicago' };

describe('quiet hours', () => {
  it('reads the clock of the person’s own time zone, summer time included', () => {
    // 03:30 UTC in January is 21:30 in Chicago (UTC-6); in July 22:30 (UTC-5)
    expect(inQuietHours(night, new Date('2026-01-15T03:30:00Z'))).toBe(false);
    expect(inQuietHours(night, new Date('2026-07-15T03:30:00Z'))).toBe(true);
  });

  it('spans midnight when from is later than until; from is in, until is out', () => {
    const at = (utc: string) => inQuietHours({ ...night, timeZone: 'UTC' }, new Date(`2026-12-03T${utc}:00Z`));
    expect([at('21:59'), at('22:00'), at('23:59'), at('00:00'), at('06:59'), at('07:00'), at('12:00')]).toEqual([false, true, true, true, true, false, false]);
    const lunch = (utc: string) => inQuietHours({ from: '12:00', until: '13:30', timeZone: 'UTC' }, new Date(`2026-12-03T${utc}:00Z`));
    expect([lunch('11:59'), lunch('12:00'), lunch('13:29'), lunch('13:30')]).toEqual([false, true, true, false]);
  });

  it('none, or emptied by an erasure, or a zone not known, is never quiet', () => {
    const at = new Date('2026-12-03T03:00:00Z');
    expect(inQuietHours(null, at)).toBe(false);
    expect(inQuietHours({ from: null, until: null, timeZone: null } as never, at)).toBe(false);
    expect(inQuietHours({ ...night, timeZone: 'Mars/Olympus_Mons' }, at)).toBe(false);
  });
});
