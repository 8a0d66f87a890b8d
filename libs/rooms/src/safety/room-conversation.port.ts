import { channels } from '@haven/realtime';
import type { ConversationPort } from '@haven/safety/conversation-port';
import { RoomErrors } from '../domain/room.errors';
import { coversPosition, currentMembership, membershipOf, periodsOfUser } from '../read-models/room-membership.projection';

/** Group rooms as a conversation the crisis path plugs into: its moderators get the alerts. */
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
};
