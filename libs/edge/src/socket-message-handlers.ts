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
  on(event: string, listener: (...args: any[]) => void): unknown;
  emit(event: string, ...args: any[]): unknown;
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

type Listener = (this: HandlerSocket, ...args: unknown[]) => void;
type Reply = (...args: unknown[]) => unknown;

/**
 * Binds gateways' message handlers to sockets with Nest's IoAdapter replies, at a fraction of its cost per socket.
 * Nest builds an rxjs pipeline per handler per socket (fromEvent + mergeMap + takeUntil), and binds a copy of every
 * handler to every socket, which for our 30-odd handlers was most of what an idle connection cost. Here every handler
 * has one listener shared by all sockets (socket.io calls it with the socket as `this`), which calls the gateway's
 * handler with that socket; a socket keeps nothing of its own but its listener entries, and rxjs runs per message,
 * while the message is handled.
 *
 * Same behaviour as Nest: a response `{ event, data }` is emitted as that event; any other response answers the
 * ack (unless the handler answers it itself, `@Ack()`); nil responses are skipped; messages run concurrently; a
 * failure is logged, never thrown, and never stops later messages on that socket; once the socket disconnects,
 * a pending response is dropped and its work unsubscribed.
 */
export class SocketMessageHandlers {
  /** per gateway, one listener per handler, shared by every socket */
  private readonly listeners = new WeakMap<SharedGateway, Listener[]>();
  /** sockets that have the one `disconnect` listener */
  private readonly watched = new WeakSet<HandlerSocket>();
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
    if (!this.watched.has(socket)) {
      this.watched.add(socket);
      socket.on('disconnect', this.dropPending);
    }
    const listeners = this.listenersOf(gateway);
    gateway.handlers.forEach(({ message }, i) => socket.on(message, listeners[i]));
  }

  private listenersOf(gateway: SharedGateway): Listener[] {
    let listeners = this.listeners.get(gateway);
    if (!listeners) {
      const handle = this.handle.bind(this);
      listeners = gateway.handlers.map(
        ({ callback, isAckHandledManually }): Listener =>
          function (...args) {
            handle(this, callback, gateway.transform, isAckHandledManually, args);
          },
      );
      this.listeners.set(gateway, listeners);
    }
    return listeners;
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
