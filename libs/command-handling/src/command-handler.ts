import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Actor, CommandContext, Decider, DomainEvent } from '@haven/domain';
import { WrongExpectedRevisionError, type EventStore, type NewEvent, type RecordedEvent } from '@haven/event-store';
import { cachedFold, commandKey, foldAppended, readFolded, type CommandSpan } from './folded-streams';
import { oneAtATimePerStream } from './stream-queue';

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

/** What a client's ack carries after an accepted command, in every context. */
export interface CommandAck {
  /** position of the last appended event (null: nothing to do) */
  position: number | null;
  /** true when this commandId had been handled before: nothing new was appended */
  replayed: boolean;
  events: { id: string; type: string; position: number }[];
}

export function commandAck(result: CommandResult): CommandAck {
  return {
    position: result.position,
    replayed: result.replayed,
    events: result.events.map((e) => ({ id: e.id, type: e.type, position: e.position })),
  };
}

/** attempts that read the stream (a first attempt on the cached fold comes on top) */
const MAX_READS = 8;

/** Scopes a client-chosen command id to its actor so two users can never collide. */
export function isFromCommand(event: RecordedEvent, actor: Actor, commandId: string): boolean {
  return event.metadata.actorId === actor.userId && event.metadata.commandId === commandId;
}

/**
 * The whole command path: fold the stream with evolve, decide, append with the expected revision.
 * Idempotency lives in the stream itself: events carry their command id, so a repeated command id
 * (also after a restart, also racing) is found in the folded stream's command ids and returns its first events.
 * Commands to one stream run one at a time on a node, each first on the fold this node cached. When another node
 * appended first, the store refuses with WrongExpectedRevisionError; we read what it appended and retry, after a random
 * moment (so racing nodes spread out) unless it was only our cache that was behind.
 */
export async function handleCommand<C extends ContextualCommand, E extends DomainEvent, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
  command: C,
): Promise<CommandResult> {
  return oneAtATimePerStream(store, streamId, () => decideAndAppend(store, decider, streamId, command));
}

async function decideAndAppend<C extends ContextualCommand, E extends DomainEvent, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
  command: C,
): Promise<CommandResult> {
  const { actor, commandId } = command.context;
  let triedCache = false;
  for (let reads = 0; ; ) {
    // The first attempt decides on this node's cached fold without reading the stream: if anything was appended after
    // it, the append's expected revision refuses and the next attempt reads. A refusal or an empty decision is only
    // answered from a fold that was read, since a newer event (a join on another node) may change it.
    const cached = triedCache ? undefined : cachedFold(store, decider, streamId);
    triedCache = true;
    if (!cached) reads++;
    const folded = cached ?? (await readFolded(store, decider, streamId));
    const earlier = folded.commands.get(commandKey(actor.userId, commandId));
    if (earlier) return replayOf(store, streamId, earlier, actor, commandId);

    let decided: E[];
    try {
      decided = decider.decide(command, folded.state);
    } catch (error) {
      if (cached) continue;
      throw error;
    }
    if (decided.length === 0) {
      if (cached) continue;
      return { events: [], position: null, replayed: false };
    }

    const expected = folded.revision < 0 ? 'no_stream' : folded.revision;
    try {
      const result = await store.append(streamId, decided.map((event) => withMetadata(event, command.context)), expected);
      foldAppended(store, decider, streamId, folded, result.events);
      return { events: result.events, position: result.lastPosition, replayed: false };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || reads >= MAX_READS) throw error;
      // a stale cache is not a race with another node: read again at once
      if (!cached) await delay(Math.random() * Math.min(50, 2 ** reads));
    }
  }
}

/**
 * Whether this node has seen the command id in the stream, from its cached fold alone (no read): for a step that must
 * give a retried command its first answer and cannot afford a read per command. Another node's, or a restarted one's,
 * says false.
 */
export function handledOnThisNode<C, E, S>(store: EventStore, decider: Decider<C, E, S>, streamId: string, actor: Actor, commandId: string): boolean {
  return cachedFold(store, decider, streamId)?.commands.has(commandKey(actor.userId, commandId)) === true;
}

/** What a command would do now, decided on the stream's current state: nothing is appended. */
export interface CommandPreview<E> {
  /** this command id was handled before: running it would replay, not decide again */
  replayed: boolean;
  /** the events it would append (none when replayed) */
  events: E[];
}

/**
 * Decides a command on the stream as it is now, without appending; throws the decider's refusal. For a step that must
 * not happen unless a command elsewhere would be accepted (a held message reaches its room only if its alert can be
 * resolved). The real command may still lose a race to another node afterwards: it is decided again when it runs.
 */
export async function previewCommand<C extends ContextualCommand, E extends DomainEvent, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
  command: C,
): Promise<CommandPreview<E>> {
  return oneAtATimePerStream(store, streamId, async () => {
    const folded = await readFolded(store, decider, streamId);
    if (folded.commands.has(commandKey(command.context.actor.userId, command.context.commandId))) return { replayed: true, events: [] };
    return { replayed: false, events: decider.decide(command, folded.state) };
  });
}

async function replayOf(store: EventStore, streamId: string, span: CommandSpan, actor: Actor, commandId: string): Promise<CommandResult> {
  const read = await store.readStream(streamId, { fromRevision: span.first });
  const events = read.filter((event) => event.revision <= span.last && isFromCommand(event, actor, commandId));
  return { events, position: events[events.length - 1].position, replayed: true };
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

export { derivedId } from '@haven/domain';
