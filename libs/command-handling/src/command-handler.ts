import { createHash, randomUUID } from 'node:crypto';
import type { Actor, CommandContext, Decider, DomainEvent } from '@haven/domain';
import { WrongExpectedRevisionError, type EventStore, type NewEvent, type RecordedEvent } from '@haven/event-store';

/** A command as the handler sees it: a decider command with its context. */
export interface ContextualCommand {
  type: string;
  context: CommandContext;
}

export interface CommandResult {
  /** the events the command appended (or, for a repeated command id, the ones it appended the first time) */
  events: RecordedEvent[];
  /** global position of the last event; null when the command decided nothing */
  position: number | null;
  /** true when this command id had already been handled: nothing was appended this time */
  replayed: boolean;
}

const MAX_ATTEMPTS = 5;
const CACHED_STREAMS = 2000;

/**
 * Folded states per decider and stream, up to a revision. Stored events never change, so a state folded up to
 * revision r stays right on every node; the next command folds only what came after r. Without it, every command
 * re-folds the whole stream (and rooms' evolve copies its message map per event, so that is quadratic).
 */
const foldCache = new WeakMap<object, Map<string, { revision: number; eventId: string; state: unknown }>>();

function foldStream<C, E, S>(decider: Decider<C, E, S>, streamId: string, stored: RecordedEvent[]): S {
  let streams = foldCache.get(decider);
  if (!streams) foldCache.set(decider, (streams = new Map()));
  const cached = streams.get(streamId);
  const usable = cached !== undefined && stored[cached.revision]?.id === cached.eventId;
  let state = usable ? (cached.state as S) : decider.initialState();
  for (let i = usable ? cached.revision + 1 : 0; i < stored.length; i++) state = decider.evolve(state, stored[i] as unknown as E);
  if (stored.length > 0) {
    streams.delete(streamId); // re-insert: the Map's order is the eviction order
    streams.set(streamId, { revision: stored.length - 1, eventId: stored[stored.length - 1].id, state });
    if (streams.size > CACHED_STREAMS) streams.delete(streams.keys().next().value as string);
  }
  return state;
}

/** Scopes a client-chosen command id to its actor so two users can never collide. */
export function isFromCommand(event: RecordedEvent, actor: Actor, commandId: string): boolean {
  return event.metadata.actorId === actor.userId && event.metadata.commandId === commandId;
}

/**
 * The whole command path: read the stream, fold with evolve, decide, append with the expected revision.
 * Idempotency lives in the stream itself: events carry their command id, so a repeated command id
 * (also after a restart, also racing) finds its first events while folding and returns them.
 * On a concurrent append the store refuses with WrongExpectedRevisionError and we retry from a fresh read.
 */
export async function handleCommand<C extends ContextualCommand, E extends DomainEvent, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
  command: C,
): Promise<CommandResult> {
  const { actor, commandId } = command.context;
  for (let attempt = 1; ; attempt++) {
    const stored = await store.readStream(streamId);
    const earlier = stored.filter((event) => isFromCommand(event, actor, commandId));
    if (earlier.length > 0) return { events: earlier, position: earlier[earlier.length - 1].position, replayed: true };

    const state = foldStream(decider, streamId, stored);
    const decided = decider.decide(command, state);
    if (decided.length === 0) return { events: [], position: null, replayed: false };

    const expected = stored.length === 0 ? 'no_stream' : stored[stored.length - 1].revision;
    try {
      const result = await store.append(streamId, decided.map((event) => withMetadata(event, command.context)), expected);
      return { events: result.events, position: result.lastPosition, replayed: false };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
  }
}

function withMetadata(event: DomainEvent, context: CommandContext): NewEvent {
  return {
    id: randomUUID(),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: {
      actorId: context.actor.userId,
      commandId: context.commandId,
      correlationId: context.correlationId ?? context.commandId,
      causationId: context.causationId ?? null,
      occurredAt: context.now,
    },
  };
}

/** A stable id derived from the actor's command id, so a retried create or post never makes a second one. */
export function derivedId(actor: Actor, commandId: string, purpose: string): string {
  const hex = createHash('sha256').update(`${purpose}\0${actor.userId}\0${commandId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
