import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { DomainError } from '@haven/domain';
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
  async check() {
    // terminus throws a 503 whose body is the report; the app's error filter would make any such framework error a
    // generic 500, so it goes out as our error body with the report as details (a balancer still sees 503)
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
    ]).catch((error: unknown) => {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      throw new DomainError('HEALTH.UNAVAILABLE', 'the event store or the log follower is down', error.getResponse() as Record<string, unknown>);
    });
  }
}
