import { Body, Controller, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { AdjustableClock } from '@haven/command-handling';

/** The clock tests move (mute ends, escalations) instead of waiting. Exists only when NODE_ENV=test. */
export const testClock = new AdjustableClock();

class AdvanceClockRequest {
  @IsInt() @Min(0) @Max(365 * 24 * 3600 * 1000) ms!: number;
}

@ApiExcludeController()
@Controller('test/clock')
export class TestClockController {
  @Post('advance')
  advance(@Body() { ms }: AdvanceClockRequest) {
    testClock.advance(ms);
    return { ok: true, data: { now: testClock.now().toISOString() } };
  }
}
