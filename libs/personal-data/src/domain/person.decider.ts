import { DomainError, requiredText, type CommandContext, type Decider } from '@haven/domain';
import type { PersonEvent } from './person.events';

/** `keyIds`: the person's keys in use when the command was sent (read by the caller from the key table). */
export type ErasePersonalData = { type: 'ErasePersonalData'; data: { userId: string; keyIds: string[] }; context: CommandContext };
/** `throughPosition`: the log's head when the command was sent; the export covers the log up to it. */
export type ExportPersonalData = { type: 'ExportPersonalData'; data: { userId: string; throughPosition: number }; context: CommandContext };
export type SuspendAccess = { type: 'SuspendAccess'; data: { userId: string; reason: string }; context: CommandContext };
export type ReinstateAccess = { type: 'ReinstateAccess'; data: { userId: string }; context: CommandContext };
/** The person's own: asking for their data to be erased, or taking the request back. */
export type RequestErasure = { type: 'RequestErasure'; data: { userId: string }; context: CommandContext };
export type WithdrawErasureRequest = { type: 'WithdrawErasureRequest'; data: { userId: string }; context: CommandContext };
/** at an admin's connection, as that admin: appends AdminSeen once per admin */
export type NoteAdminSeen = { type: 'NoteAdminSeen'; data: { userId: string }; context: CommandContext };
export type PersonCommand = ErasePersonalData | ExportPersonalData | SuspendAccess | ReinstateAccess | RequestErasure | WithdrawErasureRequest | NoteAdminSeen;

export const MAX_SUSPENSION_REASON_LENGTH = 500;

export interface PersonState {
  erasures: number;
  exports: number;
  suspended: boolean;
  /** the person's open request for erasure: when they asked, or null */
  erasureRequestedAt: string | null;
  /** an admin Haven noted at a connection (AdminSeen) */
  adminSeen: boolean;
}

/**
 * What admins do about a person as a whole, one stream per person (`person-<userId>`). Only an admin does any of it.
 * Erasure is repeatable: a person who keeps using Haven afterwards gets new keys, which a later erasure takes in turn;
 * one with nothing sealed yet is still recorded, for the audit. Every export is recorded before it is read.
 * Suspending access needs a reason (for the record, sealed as the person's data); an admin cannot suspend themselves
 * (nobody would be left to reinstate them). Suspending someone suspended, or reinstating someone who is not, appends
 * nothing. The one thing the person does here themselves is ask for their data to be erased (and take that back): an
 * admin's erasure answers it. An admin's own connection also notes them here, once (AdminSeen).
 */
export const personDecider: Decider<PersonCommand, PersonEvent, PersonState> = {
  initialState: () => ({ erasures: 0, exports: 0, suspended: false, erasureRequestedAt: null, adminSeen: false }),
  decide(command, state) {
    const { actor, now } = command.context;
    if (command.type === 'RequestErasure' || command.type === 'WithdrawErasureRequest') return decideOwnRequest(command, state);
    if (command.type === 'NoteAdminSeen') return decideAdminSeen(command, state);
    if (actor.role !== 'admin') throw new DomainError('AUTH.FORBIDDEN', 'only an admin erases, exports, suspends or reinstates a person');
    const { userId } = command.data;
    if (userId.trim() === '') throw new DomainError('VALIDATION.FAILED', 'userId is empty', { field: 'userId' });
    switch (command.type) {
      case 'ErasePersonalData':
        return [{ type: 'PersonalDataErased', data: { userId, keyIds: [...command.data.keyIds], by: actor.userId, erasedAt: now } }];
      case 'ExportPersonalData':
        return [{ type: 'PersonalDataExported', data: { userId, throughPosition: command.data.throughPosition, by: actor.userId, exportedAt: now } }];
      case 'SuspendAccess': {
        if (userId === actor.userId) throw new DomainError('AUTH.FORBIDDEN', 'an admin cannot suspend themselves');
        const reason = requiredText('reason', command.data.reason, MAX_SUSPENSION_REASON_LENGTH, invalid);
        return state.suspended ? [] : [{ type: 'AccessSuspended', data: { userId, reason, by: actor.userId, suspendedAt: now } }];
      }
      case 'ReinstateAccess':
        return state.suspended ? [{ type: 'AccessReinstated', data: { userId, by: actor.userId, reinstatedAt: now } }] : [];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'PersonalDataErased':
        return { ...state, erasures: state.erasures + 1, erasureRequestedAt: null };
      case 'ErasureRequested':
        return { ...state, erasureRequestedAt: event.data.requestedAt };
      case 'ErasureRequestWithdrawn':
        return { ...state, erasureRequestedAt: null };
      case 'PersonalDataExported':
        return { ...state, exports: state.exports + 1 };
      case 'AccessSuspended':
        return { ...state, suspended: true };
      case 'AccessReinstated':
        return { ...state, suspended: false };
      case 'AdminSeen':
        return { ...state, adminSeen: true };
    }
  },
};

/**
 * Only the person asks, for themselves, and not as a family guest (whose token is the session's, not a person's Haven
 * keeps data about); asking again while a request is open, or withdrawing none, appends nothing.
 */
function decideOwnRequest(command: RequestErasure | WithdrawErasureRequest, state: PersonState): PersonEvent[] {
  const { actor, now } = command.context;
  if (actor.role === 'family' || actor.userId !== command.data.userId) throw new DomainError('AUTH.FORBIDDEN', 'a person asks for the erasure of their own data only');
  if (command.type === 'RequestErasure') {
    return state.erasureRequestedAt === null ? [{ type: 'ErasureRequested', data: { userId: actor.userId, requestedAt: now } }] : [];
  }
  return state.erasureRequestedAt === null ? [] : [{ type: 'ErasureRequestWithdrawn', data: { userId: actor.userId, withdrawnAt: now } }];
}

/** An admin is noted by their own connection, once: only an admin, about themselves. */
function decideAdminSeen(command: NoteAdminSeen, state: PersonState): PersonEvent[] {
  const { actor, now } = command.context;
  if (actor.role !== 'admin' || actor.userId !== command.data.userId) throw new DomainError('AUTH.FORBIDDEN', 'only an admin is noted as seen, by their own connection');
  return state.adminSeen ? [] : [{ type: 'AdminSeen', data: { userId: actor.userId, seenAt: now } }];
}

const invalid = (field: string, message: string) => new DomainError('PEOPLE.INVALID_REASON', message, { field });
