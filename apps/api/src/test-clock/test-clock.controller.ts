import { Body, Controller, Inject, Post } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { AdjustableClock, DeadlineProcessor } from '@haven/command-handling';
import { STORAGE, type Storage } from '@haven/event-store';
import { LogFollower } from '@haven/realtime';

/** The clock tests move (mute ends, escalations) instead of waiting. Exists only when NODE_ENV=test. */
export const testClock = new AdjustableClock();

class AdvanceClockRequest {
  @IsInt() @Min(0) @Max(365 * 24 * 3600 * 1000) ms!: number;
  /** true: from then on the clock moves only when moved (AdjustableClock.freeze) */
  @IsOptional() @IsBoolean() freeze?: boolean;
}

/** a deadline fired can make another due (a session ended expires its invites): this many rounds at most per move */
const MOST_ROUNDS = 5;

@ApiExcludeController()
@Controller('test/clock')
export class TestClockController {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly follower: LogFollower,
    @Inject(STORAGE) private readonly storage: Storage,
  ) {}

  /**
   * Moves the clock, then has this node's deadline processors poll until a round fires nothing, and this node has
   * projected and delivered what they appended: what the move made due is done when it is answered, so a test waits
   * for nothing (not for the next poll). Other nodes poll on their own interval, or when their clock is moved.
   */
  @Post('advance')
  async advance(@Body() { ms, freeze }: AdvanceClockRequest) {
    testClock.advance(ms);
    if (freeze) testClock.freeze();
    const processors = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is DeadlineProcessor<unknown> => instance instanceof DeadlineProcessor);
    for (let round = 0; round < MOST_ROUNDS; round++) {
      let fired = 0;
      for (const processor of processors) fired += await processor.pollNow();
      // due-lists are read models: the next round reads them with what this one appended
      await this.follower.waitFor(await this.storage.events.headPosition());
      if (fired === 0) break;
    }
    return { ok: true, data: { now: testClock.now().toISOString() } };
  }
}
