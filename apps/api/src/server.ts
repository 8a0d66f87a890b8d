import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { answerMalformedHttpRequests, createValidationPipe, HttpExceptionFilter } from '@haven/edge';
import type { AppModule as AppModuleClass } from './app.module';
import type { Environment } from './config/environment';
import { RoomActivityLimits } from '@haven/rooms';
import { listenHost } from './listen-host';
import { HavenIoAdapter } from './realtime/haven-io.adapter';
import { createAsyncApiDocument } from './asyncapi/asyncapi-document';

const production = process.env.NODE_ENV === 'production';

/** Builds the Nest app and listens; main.ts calls it once the environment has passed its check. */
export async function bootstrap(): Promise<void> {
  // required here, not imported above: reading the module reads the environment (safety settings), and what it throws
  // must reach failedStart
  const { AppModule } = require('./app.module') as { AppModule: typeof AppModuleClass };
  const app = await NestFactory.create(AppModule, {
    bufferLogs: true,
    // what is logged before pino takes over (a failed start above all) is JSON in production too, for log collectors
    ...(production ? { logger: new ConsoleLogger({ json: true }) } : {}),
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  const config = app.get<ConfigService<Environment, true>>(ConfigService);
  const origins = config.get('CORS_ORIGINS').split(',').map((o: string) => o.trim()).filter(Boolean);
  app.enableCors({ origin: origins.length > 0 ? origins : false });
  // behind a load balancer, the client address (rate limits) comes from X-Forwarded-For: TRUST_PROXY=1 (hops) or a list
  const trustProxy = process.env.TRUST_PROXY?.trim();
  if (trustProxy) {
    try {
      app.getHttpAdapter().getInstance().set('trust proxy', /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy);
    } catch (error) {
      throw new Error(`TRUST_PROXY must be a number of hops or a comma-separated list of addresses, subnets or loopback/linklocal/uniquelocal (${(error as Error).message})`);
    }
  }
  // global pipes run for gateways too: this one validates HTTP bodies and socket payloads alike (a gateway-level
  // copy as well validated every socket message twice)
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  answerMalformedHttpRequests(app.getHttpServer());
  const redisKeyPrefix = config.get('REDIS_KEY_PREFIX');
  const ioAdapter = new HavenIoAdapter(app, origins, config.get('REDIS_URL'), redisKeyPrefix);
  await ioAdapter.connectToRedis();
  // several nodes share one allowance per member (posts, reactions, typing...) through the same Redis
  if (ioAdapter.commandClient) app.get(RoomActivityLimits).shareThrough(ioAdapter.commandClient, redisKeyPrefix);
  app.useWebSocketAdapter(ioAdapter);
  // on SIGTERM/SIGINT: stop following the log, close sockets, close the store
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('Haven API')
    .setDescription('HTTP side of Haven. The socket.io protocol (commands and live events) is in docs/PROTOCOL.md, and as AsyncAPI 3.0 at /asyncapi.json.')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
  // the socket.io side, made once on first request from the gateways' own metadata
  let asyncApi: Record<string, unknown> | undefined;
  app.getHttpAdapter().get('/asyncapi.json', (_request: unknown, response: { json(body: unknown): void }) => response.json((asyncApi ??= createAsyncApiDocument(app))));

  const { host, loopbackForDevSecret } = listenHost((key) => config.get<string>(key as keyof Environment));
  await app.listen(config.get('PORT'), host);
  if (loopbackForDevSecret) {
    app.get(Logger).warn('the public development secret is in use: listening on 127.0.0.1 only (set JWT_SECRET, or HOST to listen elsewhere)');
  }
  app.get(Logger).log(`listening on port ${config.get('PORT')} with the ${config.get('EVENT_STORE')} event store`);
}
