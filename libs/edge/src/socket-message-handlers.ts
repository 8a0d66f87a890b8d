import type { Observable, Subscription } from 'rxjs';

/**
 * A gateway's `@SubscribeMessage` handler as Nest's WebSocketsController keeps it: one function for every socket, called
 * with the socket first (Nest itself binds a copy to each socket before handing it to the adapter).
 */
export interface SocketMessageHandler {
  message: string;
  callback: (socket: any, data: unknown, ack?: Function) => unknown;
  isAckHandledManually: boolean;
}

/** The part of a socket.io socket the handlers need. */
export interface HandlerSocket {
  readonly connected: boolean;
  on(event: string, listener: (...args: any[]) => void): unknown;
  emit(event: string, ...args: any[]): unknown;
  /** socket.io's per-socket middleware: every message the client sends, `[name, ...args]`, passes it before any listener */
  use(middleware: (event: any[], next: (error?: Error) => void) => void): unknown;
}

/** Nest's: turns what a handler returned (a value, a Promise or an Observable) into an Observable of responses. */
export type ResponseTransform = (result: unknown) => Observable<unknown>;

/** One gateway's handlers and its response transform: the same object for every socket. */
export interface SharedGateway {
  handlers: readonly SocketMessageHandler[];
  transform: ResponseTransform;
}

export interface SocketMessageHandlersOptions {
  /** the adapter's split of what the client sent into data and ack */
  mapPayload: (payload: unknown) => { data: unknown; ack?: Function };
  logger: { error(message: unknown): void };
}

type Reply = (...args: unknown[]) => unknown;

/**
 * Binds gateways' message handlers to sockets with Nest's IoAdapter replies, at a fraction of its cost per socket.
 * Nest builds an rxjs pipeline per handler per socket (fromEvent + mergeMap + takeUntil), and binds a copy of every
 * handler to every socket, which for our 30-odd handlers was most of what an idle connection cost. Here a socket gets
 * one socket.io middleware (`socket.use`) that hands each message to the handlers of the gateways bound to it, and
 * rxjs runs per message, while the message is handled. No listener per message name is added: with some 70 names, a
 * socket's listener table (a dictionary, one per socket) held about 3.5 KB, a sixth of what a connection cost.
 *
 * Same behaviour as Nest: a response `{ event, data }` is emitted as that event; any other response answers the
 * ack (unless the handler answers it itself, `@Ack()`); nil responses are skipped; messages run concurrently; a
 * failure is logged, never thrown, and never stops later messages on that socket; once the socket disconnects,
 * a pending response is dropped and its work unsubscribed. As socket.io does with a listener, a handler runs on the
 * tick after its message arrived, and not once the socket has disconnected. A message no gateway handles goes on to
 * socket.io (`next()`), as before. Since a handled message ends here, a middleware added to a socket after the gateways
 * bound it (a `socket.use` in a connection handler) never sees the gateways' messages: checks belong in the handlers.
 */
export class SocketMessageHandlers {
  /** per socket, the gateways bound to it (in the order Nest bound them) */
  private readonly gatewaysOf = new WeakMap<HandlerSocket, SharedGateway[]>();
  /** per gateway, its handlers by message name, made once and shared by every socket */
  private readonly handlersOf = new WeakMap<SharedGateway, Map<string, SocketMessageHandler[]>>();
  /** per socket, the responses still to come, only while there are some */
  private readonly pending = new WeakMap<HandlerSocket, Set<Subscription>>();
  /** one `disconnect` listener for every socket, rather than one per message in flight */
  private readonly dropPending: (this: HandlerSocket) => void;

  constructor(private readonly options: SocketMessageHandlersOptions) {
    const pending = this.pending;
    this.dropPending = function () {
      for (const subscription of [...(pending.get(this) ?? [])]) subscription.unsubscribe();
    };
  }

  bind(socket: HandlerSocket, gateway: SharedGateway): void {
    let gateways = this.gatewaysOf.get(socket);
    if (!gateways) {
      const bound: SharedGateway[] = (gateways = []);
      this.gatewaysOf.set(socket, bound);
      socket.on('disconnect', this.dropPending);
      socket.use((event, next) => this.route(socket, bound, event, next));
    }
    gateways.push(gateway);
  }

  /** socket.io's middleware step for one message `[name, ...args]`: to the gateways' handlers of that name, or on */
  private route(socket: HandlerSocket, gateways: readonly SharedGateway[], event: unknown[], next: (error?: Error) => void): void {
    const [message, ...args] = event;
    const matched: [SharedGateway, SocketMessageHandler][] = [];
    for (const gateway of gateways) {
      for (const handler of this.handlersIn(gateway).get(message as string) ?? []) matched.push([gateway, handler]);
    }
    if (matched.length === 0) return next();
    process.nextTick(() => {
      if (!socket.connected) return;
      for (const [gateway, { callback, isAckHandledManually }] of matched) this.handle(socket, callback, gateway.transform, isAckHandledManually, args);
    });
  }

  private handlersIn(gateway: SharedGateway): Map<string, SocketMessageHandler[]> {
    let byMessage = this.handlersOf.get(gateway);
    if (!byMessage) {
      byMessage = new Map();
      for (const handler of gateway.handlers) byMessage.set(handler.message, [...(byMessage.get(handler.message) ?? []), handler]);
      this.handlersOf.set(gateway, byMessage);
    }
    return byMessage;
  }

  private handle(socket: HandlerSocket, callback: SocketMessageHandler['callback'], transform: ResponseTransform, ackHandledManually: boolean, args: unknown[]): void {
    // socket.io passes (...data, ack?); as rxjs fromEvent did for Nest, a lone argument is the payload itself
    const { data, ack } = this.options.mapPayload(args.length > 1 ? args : args[0]);
    let responses: Observable<unknown>;
    try {
      responses = transform(callback(socket, data, ack));
    } catch (error) {
      this.options.logger.error(error);
      return;
    }
    const reply = ackHandledManually || typeof ack !== 'function' ? undefined : (ack as Reply);
    const subscription = responses.subscribe({
      next: (response) => this.respond(socket, response, reply),
      error: (error: unknown) => this.options.logger.error(error),
    });
    if (subscription.closed) return;
    let inFlight = this.pending.get(socket);
    if (!inFlight) this.pending.set(socket, (inFlight = new Set()));
    inFlight.add(subscription);
    subscription.add(() => {
      inFlight.delete(subscription);
      if (inFlight.size === 0) this.pending.delete(socket);
    });
  }

  private respond(socket: HandlerSocket, response: unknown, reply: Reply | undefined): void {
    if (response === null || response === undefined) return;
    try {
      const message = response as { event?: string; data?: unknown };
      if (message.event) socket.emit(message.event, message.data);
      else reply?.(response);
    } catch (error) {
      // e.g. a response socket.io cannot encode: logged like a failed handler, never thrown out of a listener
      this.options.logger.error(error);
    }
  }
}
