/** The injected clock: deciders get time from the command context, never from Date.now(). */
export interface Clock {
  now(): Date;
}

/** Injection token for the process's Clock (a plain symbol: this lib stays free of Nest). */
export const CLOCK = Symbol('haven.clock');

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock tests can move forward (deadline tests move time instead of waiting).
 * Only wired when NODE_ENV=test; see apps/api test-clock controller.
 */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
