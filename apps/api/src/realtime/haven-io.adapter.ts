import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Server, ServerOptions, Socket } from 'socket.io';
import { SocketMessageHandlers } from '@haven/edge';

/**
 * socket.io with our CORS origins and, when REDIS_URL is set, the Redis adapter, so that socket operations
 * (typing, presence, disconnecting a banned user's sockets) reach every API node. Durable events do not travel
 * through Redis: every node follows the log itself. Message handlers are bound without Nest's per-socket rxjs
 * pipelines (see SocketMessageHandlers), which cost most of a connection's memory.
 */
export class HavenIoAdapter extends IoAdapter {
  private adapterConstructor?: ReturnType<typeof createAdapter>;
  private clients: { quit(): Promise<unknown> }[] = [];
  private readonly messageHandlers = new SocketMessageHandlers({ mapPayload: (payload) => this.mapPayload(payload), logger: this.logger });

  constructor(
    app: INestApplicationContext,
    private readonly origins: string[],
    private readonly redisUrl?: string,
  ) {
    super(app);
  }

  async connectToRedis(): Promise<void> {
    if (!this.redisUrl) return;
    const pub = createClient({ url: this.redisUrl });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    this.clients = [pub, sub];
    this.adapterConstructor = createAdapter(pub, sub);
  }

  createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, {
      ...options,
      cors: { origin: this.origins.length > 0 ? this.origins : false },
    } as ServerOptions);
    if (this.adapterConstructor) server.adapter(this.adapterConstructor);
    return server;
  }

  bindMessageHandlers(socket: Socket, handlers: MessageMappingProperties[], transform: (data: any) => Observable<any>): void {
    this.messageHandlers.bind(socket, handlers, transform);
  }

  /**
   * Nest calls this once per gateway per socket. socket.io emits `disconnect` once, so a plain listener does what
   * Nest's `once` and wrapper closure did (its callback reads only the reason), without their cost per socket.
   */
  bindClientDisconnect(client: Socket, callback: (reason: string) => void): void {
    client.on('disconnect', callback);
  }

  async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.clients.map((c) => c.quit().catch(() => undefined)));
  }
}
