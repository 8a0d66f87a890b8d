import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { WebSocketsController } from '@nestjs/websockets/web-sockets-controller.js';
import { from, mergeAll } from 'rxjs';
import type { createAdapter } from '@socket.io/redis-adapter';
import type { Server, ServerOptions, Socket } from 'socket.io';
import { SocketMessageHandlers, type SharedGateway } from '@haven/edge';

/**
 * socket.io with our CORS origins and, when REDIS_URL is set, the Redis adapter, so that socket operations
 * (typing, presence, disconnecting a banned user's sockets) reach every API node. Durable events do not travel
 * through Redis: every node follows the log itself. Message handlers are bound without Nest's per-socket rxjs
 * pipelines and per-socket copies of every handler (see SocketMessageHandlers and shareGatewayHandlers), which cost
 * most of a connection's memory.
 */
export class HavenIoAdapter extends IoAdapter {
  private adapterConstructor?: ReturnType<typeof createAdapter>;
  private clients: RedisClient[] = [];
  /** with REDIS_URL, a connected client for commands (the adapter's publishing one), e.g. for shared rate limits */
  commandClient?: unknown;
  /** false while Nest's connection handler runs for a socket whose gateways' disconnects nobody listens to */
  private disconnectHooksWanted = true;
  private readonly messageHandlers = new SocketMessageHandlers({ mapPayload: (payload) => this.mapPayload(payload), logger: this.logger });

  constructor(
    app: INestApplicationContext,
    private readonly origins: string[],
    private readonly redisUrl: string | undefined,
    /** REDIS_KEY_PREFIX: the adapter's channels are `<prefix>:socket.io#...`, apart from another deployment's */
    private readonly redisKeyPrefix: string,
  ) {
    super(app);
    shareGatewayHandlers();
  }

  async connectToRedis(): Promise<void> {
    if (!this.redisUrl) return;
    // required here, not imported at the top: the Redis client takes about a third of a second of CPU to load, which
    // a single node (no REDIS_URL) would pay at every start for nothing
    const { createClient } = require('redis') as typeof import('redis');
    const { createAdapter } = require('@socket.io/redis-adapter') as typeof import('@socket.io/redis-adapter');
    let started = false;
    const pub = createClient({
      url: this.redisUrl,
      socket: {
        connectTimeout: 5000,
        // at start a few tries, so a wrong REDIS_URL fails the start instead of hanging it; once up, reconnect for ever
        reconnectStrategy: (retries: number, cause: Error) =>
          !started && retries >= 3 ? new Error(`Redis at REDIS_URL is not reachable: ${cause.message}`) : Math.min(200 * (retries + 1), 5000),
      },
    });
    const sub = pub.duplicate();
    // an unhandled 'error' event would end the process on a Redis outage; the clients reconnect by themselves
    for (const client of [pub, sub]) client.on('error', (error: Error) => started && this.logger.warn(`Redis: ${error.message}`));
    // a server that accepts the connection and never answers would hold the start for ever
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Redis at REDIS_URL did not answer within 10 s')), 10_000);
    });
    try {
      await Promise.race([Promise.all([pub.connect(), sub.connect()]), silent]);
    } catch (error) {
      for (const client of [pub, sub]) client.destroy();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    started = true;
    this.clients = [pub, sub];
    this.commandClient = pub;
    this.adapterConstructor = createAdapter(pub, sub, { key: `${this.redisKeyPrefix}:socket.io` });
  }

  createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, {
      ...options,
      cors: { origin: this.origins.length > 0 ? this.origins : false },
      // apps ship their own socket.io client; serving its script here (socket.io's default) only widens the surface
      serveClient: false,
    } as ServerOptions);
    if (this.adapterConstructor) server.adapter(this.adapterConstructor);
    adapterOfServer.set(server, this);
    return server;
  }

  /** Nest's per-socket path, which shareGatewayHandlers replaces: reaching it means that replacement stopped working. */
  bindMessageHandlers(): void {
    throw new Error('HavenIoAdapter binds gateways once for every socket (shareGatewayHandlers); Nest bound them per socket');
  }

  /** Listens for one gateway's messages on a new socket (called by Nest's WebSocketsController, see shareGatewayHandlers). */
  bindGateway(socket: Socket, gateway: SharedGateway): void {
    this.messageHandlers.bind(socket, gateway);
  }

  /**
   * Nest calls this once per gateway per socket. socket.io emits `disconnect` once, so a plain listener does what
   * Nest's `once` and wrapper closure did (its callback reads only the reason), without their cost per socket; and
   * none at all while nothing listens to gateways' disconnects (see shareGatewayHandlers).
   */
  bindClientDisconnect(client: Socket, callback: (reason: string) => void): void {
    if (this.disconnectHooksWanted) client.on('disconnect', callback);
  }

  /** runs Nest's connection handler for a socket without the disconnect hooks nobody listens to */
  withoutDisconnectHooks(run: () => void): void {
    this.disconnectHooksWanted = false;
    try {
      run();
    } finally {
      this.disconnectHooksWanted = true;
    }
  }

  /** the HavenIoAdapter that made a socket.io server (for metrics), if one did */
  static of(server: Server | undefined): HavenIoAdapter | undefined {
    return server ? adapterOfServer.get(server) : undefined;
  }

  /** with REDIS_URL, whether both Redis clients are connected now; undefined without REDIS_URL */
  get redisReady(): boolean | undefined {
    return this.redisUrl ? this.clients.length > 0 && this.clients.every((client) => client.isReady) : undefined;
  }

  async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.clients.map((client) => closeWithin(client, REDIS_CLOSE_MS)));
  }
}

/** what closing needs of a node-redis client */
type RedisClient = { readonly isReady: boolean; close(): Promise<void>; unref(): void };
const REDIS_CLOSE_MS = 2000;

/**
 * Closes a Redis client, letting what it has sent finish. But a client whose Redis is away holds its commands until
 * Redis comes back, and a node told to stop must stop: then, or after `ms`, it is left as it is and no longer keeps
 * the process alive. Not destroyed: that rejects the commands it holds, which are others' (the adapter's), unhandled.
 */
async function closeWithin(client: RedisClient, ms: number): Promise<void> {
  client.unref();
  if (!client.isReady) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([client.close().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** the HavenIoAdapter that made each socket.io server: a socket finds its adapter through its server (public API) */
const adapterOfServer = new WeakMap<Server, HavenIoAdapter>();

/** per gateway (Nest makes its handler list once per gateway), what every socket of that gateway is bound to */
const sharedGateways = new WeakMap<MessageMappingProperties[], SharedGateway>();
let shared = false;

/**
 * Nest's WebSocketsController binds a copy of each of a gateway's handlers to every socket before handing them to the
 * adapter (`callback.bind(instance, client)`: 30-odd bound functions and a transform closure per connection, kept as long
 * as it lives, about 3 KB). With HavenIoAdapter it hands over the gateway's own handlers instead, made once per gateway,
 * and SocketMessageHandlers calls them with the socket, as Nest's bound copies did. Other adapters keep Nest's path.
 * Written against @nestjs/websockets 12.1 (pinned): a version without this method fails at start, not silently; one that
 * stops calling it reaches bindMessageHandlers, which throws at the first connection.
 */
function shareGatewayHandlers(): void {
  if (shared) return;
  const prototype = WebSocketsController.prototype;
  const nests = prototype.subscribeMessages;
  if (typeof nests !== 'function' || nests.length !== 3 || typeof prototype.pickResult !== 'function') {
    throw new Error('@nestjs/websockets no longer has WebSocketsController.subscribeMessages(map, client, instance): review HavenIoAdapter');
  }
  const nestsConnectionHandler = prototype.getConnectionHandler;
  if (typeof nestsConnectionHandler !== 'function' || nestsConnectionHandler.length !== 5) {
    throw new Error('@nestjs/websockets no longer has WebSocketsController.getConnectionHandler(context, instance, map, disconnect, connection): review HavenIoAdapter');
  }
  shared = true;
  // Nest's connection handler (one per gateway) gives every new socket a disconnect hook for each gateway (a closure
  // and a `disconnect` listener, eight of each per connection here), all feeding one Subject per server. No gateway of
  // ours has handleDisconnect, so nothing subscribes to it, and the adapter leaves the hooks out; were a gateway to have
  // one, Nest subscribes it at start, before any connection, and every socket gets them as before.
  prototype.getConnectionHandler = function (this: WebSocketsController, context, instance, subscribersMap, disconnect, connection) {
    const nestsHandler = nestsConnectionHandler.call(this, context, instance, subscribersMap, disconnect, connection);
    return (...args: unknown[]) => {
      const adapter = adapterOfServer.get((args[0] as Socket).nsp?.server);
      if (!adapter || disconnect.observed) return nestsHandler(...args);
      adapter.withoutDisconnectHooks(() => nestsHandler(...args));
    };
  };
  prototype.subscribeMessages = function (this: WebSocketsController, subscribersMap, client, instance) {
    // found from the socket, not from the controller's (private) config, so no Nest internals are read here
    const adapter = adapterOfServer.get((client as Socket).nsp?.server);
    if (!adapter) return nests.call(this, subscribersMap, client, instance);
    let gateway = sharedGateways.get(subscribersMap);
    if (!gateway) {
      const controller = this;
      gateway = {
        handlers: subscribersMap.map(({ message, callback, isAckHandledManually }) => ({
          message: String(message),
          isAckHandledManually,
          callback: (socket: unknown, data: unknown, ack?: Function) => callback.call(instance, socket, data, ack),
        })),
        // Nest's transform (a value, Promise or Observable becomes an Observable), once per gateway, not per socket
        transform: (result: unknown) => from(controller.pickResult(result as Promise<unknown>)).pipe(mergeAll()),
      };
      sharedGateways.set(subscribersMap, gateway);
    }
    adapter.bindGateway(client as Socket, gateway);
  };
}
