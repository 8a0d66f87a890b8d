import type { Observable, Subscription } from 'rxjs';

/** A gateway's `@SubscribeMessage` handler as Nest hands it to the adapter, already bound to one socket. */
export interface SocketMessageHandler {
  message: string;
  callback: (...args: any[]) => unknown;
  isAckHandledManually: boolean;
}

/** The part of a socket.io socket the handlers need. */
export interface HandlerSocket {
  on(event: string, listener: (...args: any[]) => void): unknown;
  emit(event: string, ...args: any[]): unknown;
}

/** Nest's: turns what a handler returned (a value, a Promise or an Observable) into an Observable of responses. */
export type ResponseTransform = (result: unknown) => Observable<unknown>;

export interface SocketMessageHandlersOptions {
  /** the adapter's split of what the client sent into data and ack */
  mapPayload: (payload: unknown) => { data: unknown; ack?: Function };
  logger: { error(message: unknown): void };
}

/** What one socket keeps per gateway: the callbacks Nest bound to it, in the gateway's handler order. */
interface GatewayBinding {
  transform: ResponseTransform;
  callbacks: SocketMessageHandler['callback'][];
}

interface Gateway {
  key: string;
  listeners: ((this: HandlerSocket, ...args: unknown[]) => void)[];
}

type Reply = (...args: unknown[]) => unknown;

/**
 * Binds gateways' message handlers to sockets with Nest's IoAdapter replies, at a fraction of its cost per socket.
 * Nest builds an rxjs pipeline per handler per socket (fromEvent + mergeMap + takeUntil), which for our 30-odd
 * handlers was most of what an idle connection cost. Here every handler has one listener shared by all sockets
 * (socket.io calls it with the socket as `this`), and a socket keeps only the callbacks Nest bound to it; rxjs
 * runs per message, while the message is handled.
 *
 * Same behaviour as Nest: a response `{ event, data }` is emitted as that event; any other response answers the
 * ack (unless the handler answers it itself, `@Ack()`); nil responses are skipped; messages run concurrently; a
 * failure is logged, never thrown, and never stops later messages on that socket; once the socket disconnects,
 * a pending response is dropped and its work unsubscribed.
 */
export class SocketMessageHandlers {
  private readonly gateways: Gateway[] = [];
  /** per socket, by gateway index; an entry goes with its socket */
  private readonly bindings = new WeakMap<HandlerSocket, GatewayBinding[]>();
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

  bind(socket: HandlerSocket, handlers: readonly SocketMessageHandler[], transform: ResponseTransform): void {
    let bound = this.bindings.get(socket);
    if (!bound) {
      this.bindings.set(socket, (bound = []));
      socket.on('disconnect', this.dropPending);
    }
    const index = this.gatewayIndex(handlers, bound);
    bound[index] = { transform, callbacks: handlers.map((h) => h.callback) };
    const { listeners } = this.gateways[index];
    handlers.forEach(({ message }, i) => socket.on(message, listeners[i]));
  }

  /**
   * Nest hands over a gateway's handlers as a new array for every socket; the gateway is recognised by its
   * messages. Two gateways with the same messages are told apart by the order Nest binds them, which is the
   * same for every socket.
   */
  private gatewayIndex(handlers: readonly SocketMessageHandler[], bound: GatewayBinding[]): number {
    const key = handlers.map((h) => `${String(h.message)}${h.isAckHandledManually ? ' @Ack' : ''}`).join('\n');
    const known = this.gateways.findIndex((g, index) => g.key === key && bound[index] === undefined);
    if (known >= 0) return known;
    const index = this.gateways.length;
    const dispatch = (socket: HandlerSocket, i: number, ackHandledManually: boolean, args: unknown[]) => {
      const binding = this.bindings.get(socket)?.[index];
      if (binding) this.handle(socket, binding.callbacks[i], binding.transform, ackHandledManually, args);
    };
    this.gateways.push({
      key,
      listeners: handlers.map(({ isAckHandledManually }, i) =>
        function (this: HandlerSocket, ...args: unknown[]) {
          dispatch(this, i, isAckHandledManually, args);
        },
      ),
    });
    return index;
  }

  private handle(socket: HandlerSocket, callback: SocketMessageHandler['callback'], transform: ResponseTransform, ackHandledManually: boolean, args: unknown[]): void {
    // socket.io passes (...data, ack?); as rxjs fromEvent did for Nest, a lone argument is the payload itself
    const { data, ack } = this.options.mapPayload(args.length > 1 ? args : args[0]);
    let responses: Observable<unknown>;
    try {
      responses = transform(callback(data, ack));
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
