import { DomainError, type CommandContext, type Decider, type Role } from '@haven/domain';
import { evolveHiddenPeople, initialHiddenPeople, type HiddenPeopleEvent, type HiddenPeopleState } from './hidden-people.events';

/** how many people one person may hide: enough for any group they are in, a bound on what delivery checks */
export const MAX_HIDDEN_PEOPLE = 200;

/**
 * HidePerson names the role the person to hide was last seen with in a group room the hider was also in (the service
 * reads it from the rooms' membership: the decider sees one list, not the rooms), or null when they never shared one.
 */
export type HidePerson = { type: 'HidePerson'; data: { hiddenUserId: string; seenAs: Role | null }; context: CommandContext };
export type UnhidePerson = { type: 'UnhidePerson'; data: { hiddenUserId: string }; context: CommandContext };
export type HiddenPeopleCommand = HidePerson | UnhidePerson;

/** the peers of a group room: only they hide, and only they are hidden */
const PEERS: readonly Role[] = ['participant', 'mentor'];

export const HiddenPeopleErrors = {
  forbidden: () => new DomainError('ROOM.FORBIDDEN', 'participants and mentors hide people; staff read everyone in the rooms they work in'),
  notFound: (userId: string) => new DomainError('ROOM.PERSON_NOT_FOUND', 'nobody by this id was in a group room with you', { userId }),
  self: () => new DomainError('ROOM.CANNOT_HIDE_SELF', 'you cannot hide yourself'),
  staff: (userId: string) =>
    new DomainError('ROOM.CANNOT_HIDE_STAFF', "staff cannot be hidden: what they say in a group is part of the group's care; tell them, or report a message", { userId }),
  tooMany: () => new DomainError('ROOM.TOO_MANY_HIDDEN', `you may hide up to ${MAX_HIDDEN_PEOPLE} people`, { max: MAX_HIDDEN_PEOPLE }),
};

/**
 * One person's hidden list. A participant or mentor hides another peer they met in a group room: that person's
 * messages, edits, reactions and read receipts stop reaching them there (except in rooms they moderate), the other is
 * not told. Staff are never hidden, and a mentor pair's or family session's room is not a group: hiding stops there.
 * Hiding someone hidden, or unhiding someone not hidden, changes nothing.
 */
export const hiddenPeopleDecider: Decider<HiddenPeopleCommand, HiddenPeopleEvent, HiddenPeopleState> = {
  initialState: initialHiddenPeople,
  evolve: evolveHiddenPeople,
  decide(command, state) {
    const { actor, now } = command.context;
    const { hiddenUserId } = command.data;
    switch (command.type) {
      case 'HidePerson': {
        if (!PEERS.includes(actor.role)) throw HiddenPeopleErrors.forbidden();
        if (hiddenUserId === actor.userId) throw HiddenPeopleErrors.self();
        const { seenAs } = command.data;
        if (seenAs === null) throw HiddenPeopleErrors.notFound(hiddenUserId);
        if (!PEERS.includes(seenAs)) throw HiddenPeopleErrors.staff(hiddenUserId);
        if (state.hidden.has(hiddenUserId)) return [];
        if (state.hidden.size >= MAX_HIDDEN_PEOPLE) throw HiddenPeopleErrors.tooMany();
        return [{ type: 'PersonHidden', data: { userId: actor.userId, hiddenUserId, hiddenAt: now } }];
      }
      case 'UnhidePerson':
        return state.hidden.has(hiddenUserId) ? [{ type: 'PersonUnhidden', data: { userId: actor.userId, hiddenUserId, unhiddenAt: now } }] : [];
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
};
