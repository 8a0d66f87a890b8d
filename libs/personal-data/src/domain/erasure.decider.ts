import { DomainError, type CommandContext, type Decider } from '@haven/domain';
import type { ErasureEvent } from './erasure.events';

/** `keyIds`: the person's keys in use when the command was sent (read by the caller from the key table). */
export type ErasePersonalData = { type: 'ErasePersonalData'; data: { userId: string; keyIds: string[] }; context: CommandContext };
export type ErasureCommand = ErasePersonalData;

export interface ErasureState {
  erasures: number;
}

/**
 * Only an admin erases. Erasure is repeatable: a person who keeps using Haven afterwards gets new keys, which a later erasure
 * takes in turn; one with nothing sealed yet is still recorded, for the audit.
 */
export const erasureDecider: Decider<ErasureCommand, ErasureEvent, ErasureState> = {
  initialState: () => ({ erasures: 0 }),
  decide(command) {
    const { actor, now } = command.context;
    if (actor.role !== 'admin') throw new DomainError('AUTH.FORBIDDEN', 'only an admin erases personal data');
    const { userId, keyIds } = command.data;
    if (userId.trim() === '') throw new DomainError('VALIDATION.FAILED', 'userId is empty', { field: 'userId' });
    return [{ type: 'PersonalDataErased', data: { userId, keyIds: [...keyIds], by: actor.userId, erasedAt: now } }];
  },
  evolve: (state) => ({ erasures: state.erasures + 1 }),
};
