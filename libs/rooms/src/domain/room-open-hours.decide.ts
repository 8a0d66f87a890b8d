import type { SetOpenHours } from './room.commands';
import type { RoomEvent } from './room.events';
import { canonicalJson } from '@haven/domain';
import { validOpenHours } from './room-open-hours';
import { requireActiveRoom, requireModerator, requireOrdinaryRoom } from './room.policy';
import type { RoomState } from './room.state';

/**
 * A group's open hours: its moderators set, change or remove them (not in a mentor pair's or a family session's room,
 * whose two or few people are not left alone in a group). The rule itself is speechRestriction's.
 */
export function decideRoomOpenHours(command: SetOpenHours, state: RoomState): RoomEvent[] {
  const { actor, now } = command.context;
  const room = requireActiveRoom(state);
  requireOrdinaryRoom(room);
  requireModerator(room, actor);
  const openHours = command.data.openHours === null ? null : validOpenHours(command.data.openHours);
  // the same hours whatever order their keys came in (the fold's come from the log: jsonb orders them its own way)
  if (canonicalJson(openHours) === canonicalJson(room.openHours)) return [];
  return [{ type: 'OpenHoursSet', data: { openHours, by: actor.userId, setAt: now } }];
}
