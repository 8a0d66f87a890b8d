import { channels } from '@haven/realtime/delivery-policy';
import type { ConversationPort } from '@haven/safety/conversation-port';
import { RoomErrors } from '../domain/room.errors';
import { findRoom } from '../read-models/room-directory.projection';
import {
  coversPosition,
  currentMembership,
  familyRoomOf,
  membershipOf,
  periodsOfActor,
  periodsOfUser,
} from '../read-models/room-membership.projection';

/**
 * Rooms as a conversation the crisis path plugs into: its moderators get the alerts. A family guest is a member only of
 * its own session's room (membershipOf), so only there can it raise one; it hears back through its guest channel.
 */
export const roomConversationPort: ConversationPort = {
  kind: 'room',
  moderatorChannel: (roomId) => channels.roomModerators(roomId),
  async isModeratorAt(db, userId, roomId, position) {
    return (await periodsOfUser(db, userId)).some((p) => p.roomId === roomId && p.moderator && coversPosition(p, position));
  },
  async isModeratorNow(db, userId, roomId) {
    return (await currentMembership(db, roomId, userId))?.moderator === true;
  },
  async requireMember(db, actor, roomId) {
    if (!(await membershipOf(db, actor, roomId))) throw RoomErrors.notAMember(roomId);
  },
  async describe(db, roomId) {
    const room = await findRoom(db, roomId);
    return room ? { name: room.name, type: room.kind } : null;
  },
  guestChannel: (roomId, userId) => channels.roomGuest(roomId, userId),
  /** as the guest channel: joined when first admitted to its session's room (room-delivery.policy.ts channelsAt) */
  async isGuestAt(db, viewer, roomId, position) {
    if (familyRoomOf(viewer) !== roomId) return false;
    return periodsOfActor(await periodsOfUser(db, viewer.userId), viewer).some((p) => p.roomId === roomId && p.from <= position);
  },
};
