import type { CommandContext, Decider, Role } from '@haven/domain';
import type { PersonalDataRead } from './reads.events';

/** A read is recorded once per window: reading the same queue about the same people again within it adds nothing. */
export const READS_WINDOW_MINUTES = 15;

/** Staff read others' records to do their work; what participants, mentors and guests read is their own conversations. */
const RECORDED_ROLES: readonly Role[] = ['facilitator', 'clinician', 'admin'];

export interface ReadOfRecords {
  what: string;
  params: Record<string, string>;
  /** everyone the answer named (repeats and the reader allowed) */
  subjects: string[];
}

export type RecordRead = { type: 'RecordRead'; data: ReadOfRecords; context: CommandContext };

/**
 * What is recorded of a read: staff only, and only who else the answer named, each once, sorted (reading about
 * yourself discloses nothing). Null: nothing to record.
 */
export function recordedRead(actor: { userId: string; role: Role }, read: ReadOfRecords): ReadOfRecords | null {
  if (!RECORDED_ROLES.includes(actor.role)) return null;
  const subjects = [...new Set(read.subjects)].filter((subject) => subject !== actor.userId).sort();
  return subjects.length === 0 ? null : { what: read.what, params: read.params, subjects };
}

/**
 * Reads of other people's records, one stream per reader (`reads-<userId>`): who was shown whom, in which answer,
 * when. The read's own rules decided that it was allowed; this only keeps the trace, as an export is recorded.
 */
export const readsDecider: Decider<RecordRead, PersonalDataRead, { reads: number }> = {
  initialState: () => ({ reads: 0 }),
  decide(command) {
    const { actor, now } = command.context;
    const read = recordedRead(actor, command.data);
    if (!read) return [];
    return [{ type: 'PersonalDataRead', data: { by: actor.userId, role: actor.role, ...read, readAt: now } }];
  },
  evolve: (state) => ({ reads: state.reads + 1 }),
};
