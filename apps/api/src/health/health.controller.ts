import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { DomainError } from '@haven/domain';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
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
  // terminus's own documentation of the route loads @nestjs/swagger a second time, from outside the bundle
  // (apps/api/bundle.mjs), half a second of every start; and its 503 schema is not what this route answers
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ description: 'the event store answers, this node follows the log, and its read models are of its version: `{ status: "ok", info, error, details }`' })
  @ApiServiceUnavailableResponse({ description: 'the error body, code `HEALTH.UNAVAILABLE`, with the report (what is down) as `details`' })
  @ApiOperation({ summary: 'Liveness and readiness: the event store answers, this node follows the log, and no other version of Haven rebuilt its read models' })
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
      async () => {
        // a later version of Haven started on this database (a rolling deploy): this node's claims skip the read
        // models it changed, so it cannot serve them; it must be stopped
        const session = this.indicators.check('readModels');
        try {
          const differ = await this.follower.versionDifferences();
          return differ.length === 0 ? session.up() : session.down({ storedAtAnotherVersion: differ });
        } catch {
          return session.down();
        }
      },
    ]).catch((error: unknown) => {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      throw new DomainError('HEALTH.UNAVAILABLE', 'the event store or the log follower is down, or another version of Haven runs on this database', error.getResponse() as Record<string, unknown>);
    });
  }
}
