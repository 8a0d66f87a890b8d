import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { answerMalformedHttpRequests, createValidationPipe, HttpExceptionFilter } from '@haven/edge';
import { AppModule } from './app.module';
import type { Environment } from './config/environment';
import { HavenIoAdapter } from './realtime/haven-io.adapter';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  const config = app.get<ConfigService<Environment, true>>(ConfigService);
  const origins = config.get('CORS_ORIGINS').split(',').map((o: string) => o.trim()).filter(Boolean);
  app.enableCors({ origin: origins.length > 0 ? origins : false });
  // behind a load balancer, the client address (rate limits) comes from X-Forwarded-For: TRUST_PROXY=1 (hops) or a list
  if (process.env.TRUST_PROXY) app.getHttpAdapter().getInstance().set('trust proxy', /^\d+$/.test(process.env.TRUST_PROXY) ? Number(process.env.TRUST_PROXY) : process.env.TRUST_PROXY);
  // global pipes run for gateways too: this one validates HTTP bodies and socket payloads alike (a gateway-level
  // copy as well validated every socket message twice)
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  answerMalformedHttpRequests(app.getHttpServer());
  const ioAdapter = new HavenIoAdapter(app, origins, config.get('REDIS_URL'));
  await ioAdapter.connectToRedis();
  app.useWebSocketAdapter(ioAdapter);
  // on SIGTERM/SIGINT: stop following the log, close sockets, close the store
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('Haven API')
    .setDescription('HTTP side of Haven. The socket.io protocol (commands and live events) is in docs/PROTOCOL.md.')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));

  await app.listen(config.get('PORT'), process.env.HOST ?? '0.0.0.0');
  app.get(Logger).log(`listening on port ${config.get('PORT')} with the ${config.get('EVENT_STORE')} event store`);
}

void bootstrap();
