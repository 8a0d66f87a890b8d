import type { RoomMembershipCommand } from './room.commands';
import { RoomErrors } from './room.errors';
import type { RoomEvent } from './room.events';
import {
  facilitatorCount,
  isRoomFacilitator,
  isStaff,
  requireActiveRoom,
  requireMember,
  requireModerator,
  requireOrdinaryRoom,
} from './room.policy';
import type { RoomState } from './room.state';
import { validPosition } from './room.validation';

/** Invites, joining and leaving, and each member's read receipts. A pair's two come and go with their pairing only,
 * a family session's people with their session. */
export function decideRoomMembership(command: RoomMembershipCommand, state: RoomState): RoomEvent[] {
  const { actor, now } = command.context;
  const room = requireActiveRoom(state);
  const userId = actor.userId;
  switch (command.type) {
    case 'InviteToRoom': {
      requireOrdinaryRoom(room);
      requireModerator(room, actor);
      const invitee = command.data.userId;
      if (room.members[invitee]) throw RoomErrors.alreadyAMember(invitee);
      if (room.bans[invitee]) throw RoomErrors.banned(invitee);
      if (room.invites[invitee]) return [];
      return [{ type: 'MemberInvited', data: { userId: invitee, by: userId, invitedAt: now } }];
    }
    case 'JoinRoom': {
      requireOrdinaryRoom(room);
      if (actor.role === 'family') throw RoomErrors.familyNotAllowed();
      if (room.members[userId]) throw RoomErrors.alreadyAMember(userId);
      if (room.bans[userId]) throw RoomErrors.banned(userId);
      if (room.joinRule === 'closed') throw RoomErrors.closed();
      if (room.joinRule === 'invite_only' && !room.invites[userId] && !isStaff(actor.role)) throw RoomErrors.inviteRequired();
      if (Object.keys(room.members).length >= room.capacity) throw RoomErrors.full(room.capacity);
      return [{ type: 'MemberJoined', data: { userId, role: actor.role, joinedAt: now } }];
    }
    case 'LeaveRoom': {
      requireOrdinaryRoom(room);
      requireMember(room, actor);
      if (isRoomFacilitator(room, userId) && facilitatorCount(room) <= 1) throw RoomErrors.lastFacilitator(userId);
      return [{ type: 'MemberLeft', data: { userId, leftAt: now } }];
    }
    case 'MarkRead': {
      const member = requireMember(room, actor);
      const position = validPosition(command.data.position);
      if (position <= member.lastReadPosition) return [];
      return [{ type: 'ReadMarked', data: { userId, position, private: room.privateReceipts[userId] === true } }];
    }
    case 'SetReadReceiptPrivacy': {
      requireMember(room, actor);
      const isPrivate = command.data.private === true;
      if ((room.privateReceipts[userId] === true) === isPrivate) return [];
      return [{ type: 'ReadReceiptPrivacySet', data: { userId, private: isPrivate } }];
    }
    case 'SetAwayNotices': {
      requireMember(room, actor);
      const on = command.data.on === true;
      if ((room.awayNoticesOff[userId] !== true) === on) return [];
      return [{ type: 'AwayNoticesSet', data: { userId, on } }];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}
