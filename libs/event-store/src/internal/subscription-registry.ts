import type { Subscription } from '../event-store';

/** Tracks live subscriptions so closing a store stops them all before its connection goes away. */
export class SubscriptionRegistry {
  private readonly live = new Set<Subscription>();

  add(subscription: Subscription): Subscription {
    this.live.add(subscription);
    const live = this.live;
    return {
      get position() {
        return subscription.position;
      },
      async stop() {
        live.delete(subscription);
        await subscription.stop();
      },
    };
  }

  get size(): number {
    return this.live.size;
  }

  async stopAll(): Promise<void> {
    const all = [...this.live];
    this.live.clear();
    await Promise.all(all.map((subscription) => subscription.stop()));
  }
}
