import type { ErrorBody } from './error-body';

/** The part of a socket.io socket an error reply needs. */
export interface EmittingClient {
  emit(event: string, ...args: unknown[]): unknown;
}

/** The event a client receives for an error when it sent no ack callback. */
export const WS_ERROR_EVENT = 'error';

/**
 * Finds the client's ack callback among a gateway handler's arguments. Nest calls handlers with
 * `[client, data, ack?, pattern]` (it appends the pattern), so the ack is the last function, not the last argument.
 */
export function findAck(args: readonly unknown[]): ((body: unknown) => void) | undefined {
  for (let index = args.length - 1; index >= 1; index--) {
    const arg = args[index];
    if (typeof arg === 'function') return arg as (body: unknown) => void;
  }
  return undefined;
}

/** Answers a failed socket message: through its ack when there is one, else an `error` event to that socket only. */
export function replyWithError(args: readonly unknown[], body: ErrorBody): void {
  const ack = findAck(args);
  if (ack) {
    ack(body);
    return;
  }
  const client = args[0] as Partial<EmittingClient> | undefined;
  if (typeof client?.emit === 'function') client.emit(WS_ERROR_EVENT, body);
}
