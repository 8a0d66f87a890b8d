import { Logger, Module, type DynamicModule, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { STORAGE, type Storage } from '@haven/event-store';
import { PERSONAL_DATA, type PersonalData } from '@haven/personal-data/personal-data';
import { ReadsRecorder } from '@haven/personal-data/reads-recorder';
import type { Projection } from '@haven/projections';
import type { DeliveryPolicy } from './delivery-policy';
import { LogFollower } from './log-follower';
import { RealtimeGateway } from './realtime.gateway';
import { DELIVERY_POLICIES, EVERYONE_SHOWN, PRESENCE_PRIVACY, READ_MODELS, type PresencePrivacy } from './realtime.tokens';

const logger = new Logger('LogFollower');

/** Follows the log on this node: read models, then live delivery; the gateway attaches sockets to it. */
@Module({
  providers: [
    {
      provide: LogFollower,
      inject: [STORAGE, READ_MODELS, DELIVERY_POLICIES, PERSONAL_DATA, ReadsRecorder],
      useFactory: (storage: Storage, readModels: Projection[], policies: DeliveryPolicy[], personalData: PersonalData, reads: ReadsRecorder) =>
        new LogFollower(
          storage,
          readModels,
          policies,
          {
            log: (message, context) => logger.log({ msg: message, ...context }),
            error: (message, context) => logger.error({ msg: message, ...context }),
          },
          personalData,
          reads,
        ),
    },
    ReadsRecorder,
    RealtimeGateway,
  ],
  exports: [LogFollower],
})
export class RealtimeModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Every context's read models and delivery policies, gathered by the app, and who is not shown online. */
  static forRoot(options: { readModels: Projection[]; policies: DeliveryPolicy[]; presencePrivacy?: (storage: Storage) => PresencePrivacy }): DynamicModule {
    return {
      module: RealtimeModule,
      global: true,
      providers: [
        { provide: READ_MODELS, useValue: options.readModels },
        { provide: DELIVERY_POLICIES, useValue: options.policies },
        { provide: PRESENCE_PRIVACY, inject: [STORAGE], useFactory: (storage: Storage) => options.presencePrivacy?.(storage) ?? EVERYONE_SHOWN },
      ],
      exports: [LogFollower, RealtimeGateway],
    };
  }

  constructor(
    private readonly follower: LogFollower,
    private readonly gateway: RealtimeGateway,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.follower.start(this.gateway.server);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.follower.stop();
  }
}
