import type { EventStore } from '@haven/event-store';

const queues = new WeakMap<EventStore, Map<string, Promise<void>>>();

/**
 * Runs commands to one stream on this node one at a time. Racing commands to a busy stream (ten people posting in
 * one room) would otherwise mostly lose to each other's appends and retry; queued, each folds the one before it.
 * Nodes still race each other, which the expected-revision check and the handler's retries settle.
 */
export function oneAtATimePerStream<T>(store: EventStore, streamId: string, task: () => Promise<T>): Promise<T> {
  let streams = queues.get(store);
  if (!streams) queues.set(store, (streams = new Map()));
  const run = (streams.get(streamId) ?? Promise.resolve()).then(task);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  streams.set(streamId, settled);
  void settled.then(() => {
    if (streams.get(streamId) === settled) streams.delete(streamId);
  });
  return run;
}
