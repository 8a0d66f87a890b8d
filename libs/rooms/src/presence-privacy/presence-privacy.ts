import { DomainError, type CommandContext, type Decider, type DomainEvent } from '@haven/domain';

/**
 * Whether a person is shown online in their rooms (rooms.setPresenceVisible): one stream per person,
 * `presence-<userId>`. Being seen online invites "you're here, why don't you answer?": a participant may not want it,
 * and a mentor off duty neither. Hidden, their arrivals and departures are not announced and `rooms.presence` leaves
 * them out; what they post, and typing, still show that they are there when they choose to.
 */
export const PRESENCE_STREAM_PREFIX = 'presence-';
export const presenceStreamName = (userId: string) => `${PRESENCE_STREAM_PREFIX}${userId}`;
export const isPresenceStream = (streamId: string) => streamId.startsWith(PRESENCE_STREAM_PREFIX);

export type PresenceVisibilitySet = DomainEvent<'PresenceVisibilitySet', { userId: string; visible: boolean; setAt: string }>;
export type PresenceVisibilityEvent = PresenceVisibilitySet;
export type SetPresenceVisible = { type: 'SetPresenceVisible'; data: { visible: boolean }; context: CommandContext };

export const PresencePrivacyErrors = {
  forbidden: () => new DomainError('ROOM.FORBIDDEN', "a family guest's presence is their session's: the host sees who is there"),
};

/** Shown by default; the same choice again changes nothing. Family guests keep to their session's rules. */
export const presenceVisibilityDecider: Decider<SetPresenceVisible, PresenceVisibilityEvent, { visible: boolean }> = {
  initialState: () => ({ visible: true }),
  evolve: (_state, event) => ({ visible: event.data.visible }),
  decide(command, state) {
    const { actor, now } = command.context;
    if (actor.role === 'family') throw PresencePrivacyErrors.forbidden();
    if (command.data.visible === state.visible) return [];
    return [{ type: 'PresenceVisibilitySet', data: { userId: actor.userId, visible: command.data.visible, setAt: now } }];
  },
};
