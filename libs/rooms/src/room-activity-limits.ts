import { Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Actor } from '@haven/domain';
import { RoomErrors } from './domain/room.errors';

/**
 * What one user may do this often. Each of these goes to every member of the room (or, for history, holds
 * this node's one thread), so one member flooding it made everyone else pay (tests/e2e/robustness/member-flood-audit:
 * 300 posts at once reached every member, 1.3 MB each). The numbers leave a person typing, reacting and scrolling far
 * below them. The crisis path is never limited: a post or edit the crisis screening holds is handled before this.
 */
export const ROOM_ACTIVITY_LIMITS = {
  /** rooms.post and rooms.edit that the crisis screening let through */
  message: { points: 15, seconds: 15, per: 'room' },
  /** rooms.react and rooms.unreact */
  reaction: { points: 30, seconds: 15, per: 'room' },
  /** rooms.markRead: a client marks what it has shown; a refused mark is harmless, the next one moves it */
  readMark: { points: 20, seconds: 10, per: 'room' },
  /** rooms.setReadReceiptPrivacy */
  receiptPrivacy: { points: 5, seconds: 60, per: 'room' },
  /** rooms.setAwayNotices */
  awayNotices: { points: 5, seconds: 60, per: 'room' },
  /** rooms.hidePerson and rooms.unhidePerson: each change is read again by every node's delivery */
  hiding: { points: 10, seconds: 60, per: 'user' },
  /** notices.setPreferences */
  noticePreferences: { points: 10, seconds: 60, per: 'user' },
  /** rooms.setPresenceVisible: each change is announced to every room the person is in */
  presenceVisibility: { points: 10, seconds: 60, per: 'user' },
  /** rooms.join and rooms.leave */
  membership: { points: 10, seconds: 60, per: 'room' },
  /** rooms.typing: over the limit a signal is dropped (`sent: false`), not refused */
  typing: { points: 10, seconds: 5, per: 'room' },
  /** GET /rooms/:roomId/messages, in every room together: each page is read on this node's one thread */
  historyPage: { points: 60, seconds: 60, per: 'user' },
} as const;
export type RoomActivity = keyof typeof ROOM_ACTIVITY_LIMITS;

/**
 * A count Redis has not answered in this long is counted in memory instead. A command sent in the moment Redis goes
 * away, before its client notices, waited about 5 s (tests/e2e/rooms/rooms-activity-limits, "while Redis is away");
 * Redis answers an INCR in well under a millisecond when it is there.
 */
export const REDIS_LIMIT_TIMEOUT_MS = 250;

/**
 * The limits above, counted in memory on one node, or with REDIS_URL in Redis for every node together (shareThrough),
 * so that a user's sockets on several nodes share one allowance. `ROOM_ACTIVITY_LIMIT_SCALE` multiplies every
 * allowance, for load tests and clinics that want more.
 */
@Injectable()
export class RoomActivityLimits {
  private limiters: Record<RoomActivity, RateLimiterAbstract>;
  private readonly scale: number;
  /** refusals (and dropped signals) on this node since it started, by activity (for metrics) */
  readonly refusedByActivity = new Map<RoomActivity, number>();

  constructor(@Optional() config?: ConfigService) {
    this.scale = Number(config?.get('ROOM_ACTIVITY_LIMIT_SCALE') ?? 1);
    this.limiters = this.each((activity, options) => new RateLimiterMemory({ keyPrefix: activity, ...options }));
  }

  /**
   * Counts in Redis from now on (a node-redis client, connected; called before the API listens). While Redis is not
   * ready, or does not answer within REDIS_LIMIT_TIMEOUT_MS, each node counts in memory instead (the insurance limiter),
   * so a Redis outage neither lifts the limits nor makes posts wait for Redis. Keys start with `keyPrefix`
   * (REDIS_KEY_PREFIX), so another deployment on the same Redis keeps its own counts.
   */
  shareThrough(redis: unknown, keyPrefix: string): void {
    const inMemory = this.limiters;
    this.limiters = this.each(
      (activity, options) =>
        // the insurance is the wrapper's only, so a count that times out and then fails is counted in memory once
        new RLWrapperTimeouts({
          limiter: new RateLimiterRedis({
            storeClient: redis,
            useRedisPackage: true,
            rejectIfRedisNotReady: true,
            keyPrefix: `${keyPrefix}:limit:${activity}`,
            ...options,
          }),
          timeoutMs: REDIS_LIMIT_TIMEOUT_MS,
          insuranceLimiter: inMemory[activity] as RateLimiterMemory,
        }),
    );
  }

  private each(limiter: (activity: RoomActivity, options: { points: number; duration: number }) => RateLimiterAbstract) {
    const entries = Object.entries(ROOM_ACTIVITY_LIMITS).map(([activity, { points, seconds }]) => [
      activity,
      limiter(activity as RoomActivity, { points: points * this.scale, duration: seconds }),
    ]);
    return Object.fromEntries(entries) as Record<RoomActivity, RateLimiterAbstract>;
  }

  /** Counts one; past the limit throws ROOM.RATE_LIMITED (429) with `retryAfterMs`. */
  async consume(activity: RoomActivity, actor: Actor, roomId: string): Promise<void> {
    try {
      await this.limiters[activity].consume(keyOf(activity, actor, roomId));
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      this.countRefusal(activity);
      const { points, seconds } = ROOM_ACTIVITY_LIMITS[activity];
      throw RoomErrors.rateLimited(activity, Math.max(1, Math.ceil(refusal.msBeforeNext)), points * this.scale, seconds);
    }
  }

  /** Counts one; false past the limit (for signals that are dropped, not refused). */
  allows(activity: RoomActivity, actor: Actor, roomId: string): Promise<boolean> {
    return this.limiters[activity].consume(keyOf(activity, actor, roomId)).then(
      () => true,
      (refusal: unknown) => {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        this.countRefusal(activity);
        return false;
      },
    );
  }

  private countRefusal(activity: RoomActivity): void {
    this.refusedByActivity.set(activity, (this.refusedByActivity.get(activity) ?? 0) + 1);
  }
}

// user ids hold no NUL (token subjects are checked), so the key cannot be forged across users and rooms
const keyOf = (activity: RoomActivity, actor: Actor, roomId: string) =>
  ROOM_ACTIVITY_LIMITS[activity].per === 'user' ? actor.userId : `${actor.userId}\0${roomId}`;
