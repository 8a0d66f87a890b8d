import { AdjustableClock } from './clock';

describe('AdjustableClock', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-12-05T10:00:00.000Z') }));
  afterEach(() => jest.useRealTimers());

  it('runs with the wall clock, moved on by what tests advance', () => {
    const clock = new AdjustableClock();
    clock.advance(60_000);
    jest.setSystemTime(new Date('2026-12-05T10:00:05.000Z'));
    expect(clock.now().toISOString()).toBe('2026-12-05T10:01:05.000Z');
  });

  it('frozen, moves only when advanced, however long the wall clock runs', () => {
    const clock = new AdjustableClock();
    clock.advance(60_000);
    clock.freeze();
    jest.setSystemTime(new Date('2026-12-05T11:00:00.000Z'));
    expect(clock.now().toISOString()).toBe('2026-12-05T10:01:00.000Z');
    clock.advance(1_000);
    clock.freeze(); // a second freeze keeps the instant it has
    jest.setSystemTime(new Date('2026-12-05T12:00:00.000Z'));
    expect(clock.now().toISOString()).toBe('2026-12-05T10:01:01.000Z');
  });
});
