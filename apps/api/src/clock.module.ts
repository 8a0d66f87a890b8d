import { Global, Module } from '@nestjs/common';
import { CLOCK, systemClock } from '@haven/command-handling';
import { testClock } from './test-clock/test-clock.controller';

/** The injected clock: the system clock, or under NODE_ENV=test one that tests can move forward. */
@Global()
@Module({
  providers: [{ provide: CLOCK, useValue: process.env.NODE_ENV === 'test' ? testClock : systemClock }],
  exports: [CLOCK],
})
export class ClockModule {}
