/**
 * A decider is the whole of a context's rules as two pure functions, after Jérémie Chassaing's pattern:
 * `decide(command, state) -> events` and `evolve(state, event) -> state`, folded from `initialState`.
 * Deciders import nothing from Nest, validation or storage.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** What every command carries besides its payload: who, when, and the client's idempotency key. */
export interface CommandContext {
  actor: Actor;
  commandId: string;
  /** the injected clock's time, ISO */
  now: string;
  correlationId?: string;
  causationId?: string | null;
}

export type Role = 'participant' | 'mentor' | 'facilitator' | 'clinician' | 'admin' | 'family';
export const ROLES: readonly Role[] = ['participant', 'mentor', 'facilitator', 'clinician', 'admin', 'family'];

/**
 * Clinicians and admins oversee every context: they moderate any room, act on any mentor request, pairing or family
 * session, and follow them live, without being part of them. Everyone else acts through membership or ownership.
 */
export const OVERSEER_ROLES: readonly Role[] = ['clinician', 'admin'];
export const isOverseer = (role: Role | string): boolean => (OVERSEER_ROLES as readonly string[]).includes(role);

export interface Actor {
  userId: string;
  role: Role;
  /** family guests are scoped to one family session */
  familySessionId?: string;
}

/** The system actor sends deadline commands (mute ends, escalations). */
export const SYSTEM_ACTOR: Actor = { userId: 'system', role: 'admin' };

/** Domain events in deciders are plain `{ type, data }`; ids and metadata are added by the command handler. */
export interface DomainEvent<Type extends string = string, Data = Record<string, unknown>> {
  type: Type;
  data: Data;
}
