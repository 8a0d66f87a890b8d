import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/**
 * The rate limit is for HTTP only. Nest applies global guards to socket handlers too, where there is no client
 * address (every socket would share one counter) and where the crisis path must never be limited; socket commands
 * are limited per member instead (RoomActivityLimits, counted after the crisis screening), and by the rooms' own rules
 * (slow mode).
 */
@Injectable()
export class HttpThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.getType() !== 'http' || super.shouldSkip(context);
  }
}
