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
  /** while frozen, the instant `now()` answers: only `advance` moves it */
  private frozenAt: number | null = null;
  now(): Date {
    return new Date(this.frozenAt ?? Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }
  /**
   * Stops the wall clock's share of the time: a test that reads the log and then checks what people received must not
   * meet a deadline that fell due by itself in between (the random stories' clock ended a few seconds before an
   * invite's expiry once, and the expiry came during the checks).
   */
  freeze(): void {
    this.frozenAt ??= Date.now() + this.offsetMs;
  }
}
