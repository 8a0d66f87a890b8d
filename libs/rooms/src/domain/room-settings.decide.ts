import { JOIN_RULES, ROOM_KINDS, type RoomSettingsCommand } from './room.commands';
import { RoomErrors } from './room.errors';
import type { RoomEvent } from './room.events';
import {
  facilitatorCount,
  isOverseer,
  isRoomFacilitator,
  isStaff,
  requireActiveRoom,
  requireModerator,
  requireOrdinaryRoom,
} from './room.policy';
import type { RoomState } from './room.state';
import { oneOf, validCapacity, validName, validTopic } from './room.validation';

/** Creating a room, its settings, its end, and who facilitates it. Setting a value it already has is a no-op. */
export function decideRoomSettings(command: RoomSettingsCommand, state: RoomState): RoomEvent[] {
  const { actor, now } = command.context;
  if (command.type === 'CreateRoom') {
    const { roomId, name, topic, kind, capacity, joinRule } = command.data;
    if (state.status !== 'absent') throw RoomErrors.alreadyExists(roomId);
    if (!isStaff(actor.role)) throw RoomErrors.authForbidden('only facilitators, clinicians and admins create rooms');
    return [
      {
        type: 'RoomCreated',
        data: {
          roomId,
          name: validName(name),
          topic: validTopic(topic),
          kind: oneOf(kind, ROOM_KINDS, RoomErrors.invalidKind),
          capacity: validCapacity(capacity),
          joinRule: oneOf(joinRule, JOIN_RULES, RoomErrors.invalidJoinRule),
          createdBy: actor.userId,
          creatorRole: actor.role,
          createdAt: now,
        },
      },
    ];
  }

  const room = requireActiveRoom(state);
  // a pair's name, join rule and end follow its pairing (nobody facilitates a pair); a family session room's, its session
  requireOrdinaryRoom(room);
  requireModerator(room, actor);
  const by = actor.userId;
  switch (command.type) {
    case 'RenameRoom': {
      const name = validName(command.data.name);
      return name === room.name ? [] : [{ type: 'RoomRenamed', data: { name, by, renamedAt: now } }];
    }
    case 'ChangeTopic': {
      const topic = validTopic(command.data.topic);
      return topic === room.topic ? [] : [{ type: 'TopicChanged', data: { topic, by, changedAt: now } }];
    }
    case 'ChangeJoinRule': {
      const joinRule = oneOf(command.data.joinRule, JOIN_RULES, RoomErrors.invalidJoinRule);
      return joinRule === room.joinRule ? [] : [{ type: 'JoinRuleChanged', data: { joinRule, by, changedAt: now } }];
    }
    case 'ArchiveRoom':
      return [{ type: 'RoomArchived', data: { by, archivedAt: now } }];
    case 'AppointFacilitator': {
      // Staff who are not in the room join first (they need no invite); the decider knows only members' roles.
      const { userId } = command.data;
      if (!room.members[userId]) throw RoomErrors.targetNotAMember(userId);
      if (isRoomFacilitator(room, userId)) return [];
      return [{ type: 'FacilitatorAppointed', data: { userId, by, appointedAt: now } }];
    }
    case 'RemoveFacilitator': {
      const { userId } = command.data;
      if (!isRoomFacilitator(room, userId)) throw RoomErrors.notAFacilitator(userId);
      // a facilitator may step down, or take the role from a member they or others appointed, not from staff: a peer
      // made facilitator could otherwise lock the clinician who runs the room out of moderating it
      if (userId !== command.context.actor.userId && !isOverseer(command.context.actor.role) && isStaff(room.knownRoles[userId])) {
        throw RoomErrors.forbidden('a facilitator cannot take the role from staff; ask a clinician', { userId });
      }
      if (facilitatorCount(room) <= 1) throw RoomErrors.lastFacilitator(userId);
      return [{ type: 'FacilitatorRemoved', data: { userId, by, removedAt: now } }];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}
