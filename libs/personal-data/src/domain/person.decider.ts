import { DomainError, type CommandContext, type Decider } from '@haven/domain';
import type { PersonEvent } from './person.events';

/** `keyIds`: the person's keys in use when the command was sent (read by the caller from the key table). */
export type ErasePersonalData = { type: 'ErasePersonalData'; data: { userId: string; keyIds: string[] }; context: CommandContext };
/** `throughPosition`: the log's head when the command was sent; the export covers the log up to it. */
export type ExportPersonalData = { type: 'ExportPersonalData'; data: { userId: string; throughPosition: number }; context: CommandContext };
export type PersonCommand = ErasePersonalData | ExportPersonalData;

export interface PersonState {
  erasures: number;
  exports: number;
}

/**
 * What admins do with a person's data as a whole, one stream per person (`person-<userId>`). Only an admin does
 * either. Erasure is repeatable: a person who keeps using Haven afterwards gets new keys, which a later erasure takes in
 * turn; one with nothing sealed yet is still recorded, for the audit. Every export is recorded before it is read.
 */
export const personDecider: Decider<PersonCommand, PersonEvent, PersonState> = {
  initialState: () => ({ erasures: 0, exports: 0 }),
  decide(command) {
    const { actor, now } = command.context;
    if (actor.role !== 'admin') throw new DomainError('AUTH.FORBIDDEN', "only an admin erases or exports a person's data");
    const { userId } = command.data;
    if (userId.trim() === '') throw new DomainError('VALIDATION.FAILED', 'userId is empty', { field: 'userId' });
    switch (command.type) {
      case 'ErasePersonalData':
        return [{ type: 'PersonalDataErased', data: { userId, keyIds: [...command.data.keyIds], by: actor.userId, erasedAt: now } }];
      case 'ExportPersonalData':
        return [{ type: 'PersonalDataExported', data: { userId, throughPosition: command.data.throughPosition, by: actor.userId, exportedAt: now } }];
    }
  },
  evolve: (state, event) =>
    event.type === 'PersonalDataErased' ? { ...state, erasures: state.erasures + 1 } : { ...state, exports: state.exports + 1 },
};
