import { randomUUID } from 'node:crypto';
import type { Actor } from '@haven/domain';
import type { RecordedEvent, SqlExecutor, Storage } from '@haven/event-store';
import { handleCommand } from '@haven/command-handling/command-handler';
import { prepareReadModels } from '@haven/projections';
import type { DeliveryPolicy } from '@haven/realtime/delivery-policy';
import type { RoomCommand } from '@haven/rooms/domain/room.commands';
import { roomDecider } from '@haven/rooms/domain/room.decider';
import { roomStreamName } from '@haven/rooms/domain/room.events';
import { allReadModels } from '../../apps/api/src/read-models';

/*
 * What the delivery suites (tests/delivery) share: rooms driven through the real decider and command handler on a real
 * store, and a viewer's events compared as live delivery routes them and as catch-up gives them.
 */

let moments = 0;
/** a later moment of the suites' clock at each call */
export const nextMoment = (): string => new Date(Date.parse('2030-01-06T10:00:00.000Z') + ++moments * 1000).toISOString();

/** The store with every read model's tables and checkpoint, as the log follower starts. */
export async function withReadModels(storage: Storage): Promise<Storage> {
  await prepareReadModels(storage.sql, allReadModels);
  return storage;
}

/** A room command that must decide something. */
export async function send(storage: Storage, roomId: string, by: Actor, type: RoomCommand['type'], data: Record<string, unknown>): Promise<void> {
  const command = { type, data: { roomId, ...data }, context: { actor: by, commandId: randomUUID(), now: nextMoment() } } as RoomCommand;
  const result = await handleCommand(storage.events, roomDecider, roomStreamName(roomId), command);
  if (result.events.length === 0) throw new Error(`${type} decided nothing`);
}

export type Seen = { position: number; type: string; actorId: string; data: Record<string, unknown> };
export const seen = (event: RecordedEvent): Seen => ({ position: event.position, type: event.type, actorId: event.metadata.actorId, data: event.data });

/** What a login's sockets receive live: each route's deliveries to the channels they are in at the event's position. */
export async function receivedLive(viewer: Actor, events: RecordedEvent[], db: SqlExecutor, policies: DeliveryPolicy[]): Promise<Seen[]> {
  const received: Seen[] = [];
  for (const event of events) {
    const socketChannels = new Set([`user:${viewer.userId}`, `role:${viewer.role}`]);
    for (const policy of policies) for (const channel of await policy.channelsAt(viewer, event.position, db)) socketChannels.add(channel);
    const { deliveries } = await policies.find((p) => p.owns(event))!.route(event, db);
    for (const delivery of deliveries) {
      if (delivery.to.some((c) => socketChannels.has(c)) && !delivery.except.some((c) => socketChannels.has(c))) received.push(seen(delivery.event));
    }
  }
  return received;
}

/** What the same login gets on catch-up, in log order. */
export async function caughtUp(viewer: Actor, events: RecordedEvent[], db: SqlExecutor, policies: DeliveryPolicy[]): Promise<Seen[]> {
  const visible: RecordedEvent[] = [];
  for (const policy of policies) visible.push(...(await policy.visibleTo(viewer, events.filter((e) => policy.owns(e)), db)));
  return visible.sort((a, b) => a.position - b.position).map(seen);
}

/** The statements a policy call asks, to see which calls look something up. */
export function recording(db: SqlExecutor, statements: string[]): SqlExecutor {
  return {
    query: (sql, params) => (statements.push(sql), db.query(sql, params)),
    execute: (sql, params) => (statements.push(sql), db.execute(sql, params)),
  };
}
