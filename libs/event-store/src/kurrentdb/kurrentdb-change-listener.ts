import { END, type AllStreamSubscription, type Filter, type KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { ChangeSignal } from '../internal/change-signal';

/**
 * Rings the change signal whenever the server reports a new event in this store's streams, so subscribers wake
 * without waiting for their poll. It only rings: events are always read with readAll, so a dropped live
 * subscription (the server drops one it cannot keep up with) loses nothing; the next wait restarts it.
 */
export class KurrentDbChangeListener {
  private live?: AllStreamSubscription;
  private closed = false;

  constructor(
    private readonly client: KurrentDBClient,
    private readonly filter: Filter,
    private readonly changes: ChangeSignal,
  ) {}

  /** Starts the live subscription, or restarts it after a drop; does nothing while one runs. */
  ensureListening(): void {
    if (this.closed || this.live) return;
    const live = this.client.subscribeToAll({ fromPosition: END, filter: this.filter });
    this.live = live;
    const dropped = (): void => {
      if (this.live !== live) return;
      this.live = undefined;
      void this.end(live);
    };
    live.on('data', () => this.changes.notify());
    // with an error listener a drop is not an uncaught error; the poll covers until the next restart
    live.on('error', dropped);
    live.on('end', dropped);
    live.on('close', dropped);
  }

  async close(): Promise<void> {
    this.closed = true;
    const live = this.live;
    this.live = undefined;
    if (live) await this.end(live);
  }

  private async end(live: AllStreamSubscription): Promise<void> {
    await live.unsubscribe().catch(() => undefined);
    live.destroy();
  }
}
