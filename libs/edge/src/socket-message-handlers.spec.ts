/// <reference types="jest" />
// the app build (types: ["node"]) also compiles specs under libs, so they name their jest types themselves
import { EventEmitter } from 'node:events';
import { from, isObservable, mergeAll, Observable, of } from 'rxjs';
import { SocketMessageHandlers, type SharedGateway, type SocketMessageHandler } from './socket-message-handlers';

/** Nest's transform (WebSocketsController.subscribeMessages): a value, Promise or Observable becomes an Observable. */
const transform = (result: unknown) =>
  from(
    (async () => {
      const value = await result;
      return isObservable(value) ? value : of(value);
    })(),
  ).pipe(mergeAll());

/** Nest's IoAdapter.mapPayload */
function mapPayload(payload: unknown): { data: unknown; ack?: Function } {
  if (!Array.isArray(payload)) return typeof payload === 'function' ? { data: undefined, ack: payload } : { data: payload };
  const last: unknown = payload[payload.length - 1];
  if (typeof last !== 'function') return { data: payload };
  return { data: payload.length === 2 ? payload[0] : payload.slice(0, -1), ack: last };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

type Middleware = (event: unknown[], next: (error?: Error) => void) => void;

/**
 * A socket as the handlers see it, with socket.io's dispatch: `receive` is what the client sends (through the
 * middleware in turn, then to listeners on the next tick while connected), `emit` what the server sends the client.
 */
class FakeSocket extends EventEmitter {
  readonly emitted: unknown[][] = [];
  connected = true;
  private readonly middleware: Middleware[] = [];

  use(fn: Middleware): this {
    this.middleware.push(fn);
    return this;
  }

  receive(event: string, ...args: unknown[]): void {
    const run = (i: number): void => {
      if (i === this.middleware.length) {
        process.nextTick(() => this.connected && super.emit(event, ...args));
        return;
      }
      this.middleware[i]([event, ...args], (error) => (error ? undefined : run(i + 1)));
    };
    run(0);
  }

  /** as socket.io's onclose: no longer connected, then `disconnect` to the socket's listeners */
  disconnect(reason: string): void {
    this.connected = false;
    super.emit('disconnect', reason);
  }

  override emit(event: string, ...args: unknown[]): boolean {
    this.emitted.push([event, ...args]);
    return true;
  }
}

function setup() {
  const errors: unknown[] = [];
  const handlers = new SocketMessageHandlers({ mapPayload, logger: { error: (e) => errors.push(e) } });
  const acks: unknown[] = [];
  const ack = (reply: unknown) => acks.push(reply);
  return { errors, handlers, acks, ack, socket: new FakeSocket() };
}

const handler = (message: string, callback: SocketMessageHandler['callback'], isAckHandledManually = false): SocketMessageHandler => ({
  message,
  callback,
  isAckHandledManually,
});

/** a gateway as the adapter hands it over: one object for every socket */
const gateway = (...handlers: SocketMessageHandler[]): SharedGateway => ({ handlers, transform });

describe('socket message handlers (Nest IoAdapter semantics without a pipeline per socket)', () => {
  it('answers the ack with what the handler resolves to, and emits { event, data } responses', async () => {
    const { handlers, acks, ack, socket: s } = setup();
    handlers.bind(s, gateway(handler('echo', async (_socket, data) => ({ ok: true, data })), handler('push', () => ({ event: 'pushed', data: 7 }))));
    s.receive('echo', { a: 1 }, ack);
    s.receive('push', {}, ack);
    await flush();
    expect(acks).toEqual([{ ok: true, data: { a: 1 } }]);
    expect(s.emitted).toEqual([['pushed', 7]]);
  });

  it('passes several arguments as an array, and a lone ack as the ack', async () => {
    const { handlers, socket: s } = setup();
    const seen: unknown[] = [];
    handlers.bind(s, gateway(handler('m', (socket, data, ack) => (seen.push([socket === s, data, typeof ack]), null))));
    s.receive('m', 1, 2, () => undefined);
    s.receive('m', () => undefined);
    s.receive('m', 3);
    await flush();
    expect(seen).toEqual([[true, [1, 2], 'function'], [true, undefined, 'function'], [true, 3, 'undefined']]);
  });

  it('skips nil responses and leaves the ack to a handler that answers it itself', async () => {
    const { handlers, acks, ack, socket: s } = setup();
    handlers.bind(s, gateway(handler('nil', async () => undefined), handler('manual', async (_s, _d, ack) => (ack!('mine'), 'not sent'), true)));
    s.receive('nil', {}, ack);
    s.receive('manual', {}, ack);
    await flush();
    expect(acks).toEqual(['mine']);
    expect(s.emitted).toEqual([]);
  });

  it('logs a failure and keeps handling later messages on that socket', async () => {
    const { errors, handlers, acks, ack, socket: s } = setup();
    let calls = 0;
    const flaky = (): unknown => {
      calls += 1;
      if (calls === 1) throw new Error('sync');
      if (calls === 2) return Promise.reject(new Error('async'));
      if (calls === 3) return new Observable(() => { throw new Error('stream'); });
      return 'fine';
    };
    handlers.bind(s, gateway(handler('m', flaky)));
    for (let i = 0; i < 4; i++) s.receive('m', i, ack);
    await flush();
    expect(errors.map((e) => (e as Error).message)).toEqual(['sync', 'async', 'stream']);
    expect(acks).toEqual(['fine']);
  });

  it('drops responses still pending at disconnect and unsubscribes their work, with one listener however many are pending', async () => {
    const { handlers, acks, ack, socket: s } = setup();
    let release!: (value: string) => void;
    let unsubscribed = 0;
    const forever = new Observable(() => () => (unsubscribed += 1));
    handlers.bind(s, gateway(handler('slow', () => new Promise((resolve) => (release = resolve))), handler('stream', () => forever), handler('quick', () => 'ok')));
    s.receive('quick', {}, ack);
    s.receive('slow', {}, ack);
    for (let i = 0; i < 20; i++) s.receive('stream', {}, ack);
    await flush();
    expect(s.listenerCount('disconnect')).toBe(1);
    s.disconnect('transport close');
    release('too late');
    await flush();
    expect(acks).toEqual(['ok']);
    expect(unsubscribed).toBe(20);
  });

  it('serves every socket from shared handlers, with no listener per message name on the socket; gateways with the same messages both run', async () => {
    const { handlers } = setup();
    const calls: string[] = [];
    const names = new Map<unknown, string>();
    const a = gateway(handler('m', (socket) => calls.push(`${names.get(socket)} gateway A`)));
    const b = gateway(handler('m', (socket) => calls.push(`${names.get(socket)} gateway B`)), handler('n', () => null));
    const [s1, s2] = ['s1', 's2'].map((name) => {
      const socket = new FakeSocket();
      names.set(socket, name);
      handlers.bind(socket, a);
      handlers.bind(socket, b);
      return socket;
    });
    // what a connection costs: one `disconnect` listener and one middleware, however many messages there are
    expect(s1.eventNames()).toEqual(['disconnect']);
    expect(s1.listenerCount('disconnect')).toBe(1);
    s2.receive('m', {});
    s1.receive('m', {});
    await flush();
    expect(calls).toEqual(['s2 gateway A', 's2 gateway B', 's1 gateway A', 's1 gateway B']);
  });

  it('passes a message no gateway handles on to socket.io, and runs no handler for a message that arrives as the socket disconnects', async () => {
    const { handlers, acks, ack, socket: s } = setup();
    handlers.bind(s, gateway(handler('m', () => 'handled')));
    const others: unknown[] = [];
    s.on('other', (data: unknown) => others.push(data));
    s.receive('other', 1);
    s.receive('m', {}, ack);
    s.disconnect('transport close');
    await flush();
    expect(others).toEqual([]); // socket.io, too, drops what arrives before a disconnect on the same tick
    s.connected = true;
    s.receive('other', 2);
    s.receive('m', {}, ack);
    await flush();
    expect(others).toEqual([2]);
    expect(acks).toEqual(['handled']);
  });
});
