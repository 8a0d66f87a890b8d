import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { HttpThrottlerGuard } from './http-throttler.guard';
import { LoggerModule } from 'nestjs-pino';
import { IdentityModule } from '@haven/identity';
import { createPersonDeliveryPolicy, erasureRequestNotices, PersonalDataModule } from '@haven/personal-data';
import { RealtimeModule } from '@haven/realtime';
import { familyLobbyNotices, familySessionDeliveryPolicy, FamilySessionsModule } from '@haven/family-sessions';
import { mentoringConversationPort, mentoringDeliveryPolicy, MentoringModule, mentorRequestNotices } from '@haven/mentoring';
import { OfflineNoticesModule, offlineNoticesConfigFrom, periodsOfUser, roomConversationPort, roomDeliveryPolicy, hiddenPeopleDeliveryPolicy, ownSettingsDeliveryPolicy, hidesPresence, RoomsModule } from '@haven/rooms';
import { createSafetyDeliveryPolicy, personConversationPort, safetyConfigFrom, SafetyModule } from '@haven/safety';
import { validateEnvironment, type Environment } from './config/environment';
import { HealthController } from './health/health.controller';
import { MetricsServer } from './metrics/metrics.server';
import { allReadModels } from './read-models';
import { StorageModule } from './storage/storage.module';
import { ClockModule } from './clock.module';
import { TestClockController } from './test-clock/test-clock.controller';

const isTest = process.env.NODE_ENV === 'test';
// read once at start: a clinic's bad phrase or resources file stops the start with a clear message
const safetyConfig = safetyConfigFrom(process.env);
const offlineNoticesConfig = offlineNoticesConfigFrom(process.env);
const conversations = [roomConversationPort, mentoringConversationPort, personConversationPort];
// an erasure is told to the rooms the person was ever in
const personDeliveryPolicy = createPersonDeliveryPolicy({ roomsOf: async (db, userId) => [...new Set((await periodsOfUser(db, userId)).map((p) => p.roomId))] });

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, validate: validateEnvironment, ignoreEnvFile: true }),
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => ({
        pinoHttp: {
          level: config.get('LOG_LEVEL'),
          // health data: no bodies, tokens or invite codes in logs, ever
          redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.body', 'res.body'], remove: true },
          serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.split('?')[0] }) },
          autoLogging: { ignore: (req: { url?: string }) => req.url === '/health' },
          // a failed request is found by its level: server errors as errors, refusals as warnings
          customLogLevel: (_req: unknown, res: { statusCode: number }, error?: Error) =>
            error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
        },
      }),
    }),
    // HTTP rate limit per client address; socket commands by RoomActivityLimits (per member) and the rooms' own rules
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => [{ ttl: 60_000, limit: config.get('RATE_LIMIT_PER_MINUTE') }],
    }),
    TerminusModule,
    ClockModule,
    StorageModule,
    IdentityModule,
    RealtimeModule.forRoot({
      readModels: allReadModels,
      presencePrivacy: (storage) => ({ hidden: (userId) => hidesPresence(storage.sql, userId) }),
      policies: [roomDeliveryPolicy, hiddenPeopleDeliveryPolicy, ownSettingsDeliveryPolicy, mentoringDeliveryPolicy, familySessionDeliveryPolicy, createSafetyDeliveryPolicy(conversations, safetyConfig), personDeliveryPolicy] }),
    RoomsModule,
    OfflineNoticesModule.forRoot(offlineNoticesConfig, (settings) => [
      mentorRequestNotices({ maxActivePairings: Number(settings.get<number>('MENTOR_MAX_ACTIVE_PAIRINGS')) }),
      familyLobbyNotices,
      erasureRequestNotices,
    ]),
    MentoringModule,
    FamilySessionsModule,
    SafetyModule.forRoot({ config: safetyConfig, ports: conversations }),
    PersonalDataModule,
    // the test clock finds the deadline processors to poll after a move
    ...(isTest ? [DiscoveryModule] : []),
  ],
  controllers: [HealthController, ...(isTest ? [TestClockController] : [])],
  providers: [{ provide: APP_GUARD, useClass: HttpThrottlerGuard }, MetricsServer],
})
export class AppModule {}
