import type { DomainError } from '@haven/domain';
import { RoomErrors } from './room.errors';
import { speechRestriction } from './room.policy';
import type { RoomState } from './room.state';

/**
 * Typing is ephemeral (never an event), but the gateway asks here first so that those who may not post cannot
 * signal typing either. Returns the same refusal a post would get (minus slow mode), rather than throwing.
 */
export function canSignalTyping(state: RoomState, userId: string, now: string): true | DomainError {
  if (state.status === 'absent') return RoomErrors.notFound();
  if (state.status === 'archived') return RoomErrors.archived(state.roomId);
  if (!state.members[userId]) return RoomErrors.notAMember(state.roomId);
  return speechRestriction(state, userId, state.knownRoles[userId], now, { slowMode: false }) ?? true;
}
