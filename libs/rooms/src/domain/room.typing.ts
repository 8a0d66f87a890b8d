import type { DomainError } from '@haven/domain';
import { RoomErrors } from './room.errors';
import { speechRestriction } from './room.policy';
import type { RoomState } from './room.state';

/**
 * Typing is ephemeral (never an event), but those who may not post cannot signal typing either: the same refusal a
 * post would get (minus slow mode), returned rather than thrown. The gateway checks the same from read models
 * (RoomSignalsService, see ARCHITECTURE "Typing and presence"); keep the two in step.
 */
export function canSignalTyping(state: RoomState, userId: string, now: string): true | DomainError {
  if (state.status === 'absent') return RoomErrors.notFound();
  if (state.status === 'archived') return RoomErrors.archived(state.roomId);
  if (!state.members[userId]) return RoomErrors.notAMember(state.roomId);
  return speechRestriction(state, userId, state.knownRoles[userId], now, { slowMode: false }) ?? true;
}
