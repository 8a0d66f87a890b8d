import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { STORAGE, type Storage } from '@haven/event-store';
import { LogFollower } from '@haven/realtime';

@ApiTags('operations')
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly follower: LogFollower,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and readiness: the event store answers and this node follows the log' })
  check() {
    return this.health.check([
      async () => {
        const session = this.indicators.check('eventStore');
        try {
          const head = await this.storage.events.headPosition();
          return session.up({ kind: this.storage.events.kind, head });
        } catch {
          return session.down({ kind: this.storage.events.kind });
        }
      },
      async () => {
        const session = this.indicators.check('logFollower');
        return this.follower.healthy ? session.up({ position: this.follower.position }) : session.down();
      },
    ]);
  }
}
