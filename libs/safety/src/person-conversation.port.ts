import { DomainError } from '@haven/domain';
import type { ConversationPort } from './conversation-port';

/**
 * "I need help now" from no conversation in particular: a participant who is in no room yet (the most alone), a mentor
 * or a peer facilitator (in recovery themselves), anyone who would rather not ask from inside a room. The conversation
 * is the person (id: their user id). It has no moderators: its alerts reach the clinicians on call, as every alert
 * does. Family guests ask from their session's room, the only place they are.
 */
export const personConversationPort: ConversationPort = {
  kind: 'person',
  // a channel nobody joins: the on-call clinicians are the audience (createSafetyDeliveryPolicy adds them)
  moderatorChannel: (userId) => `person:${userId}:moderators`,
  isModeratorAt: async () => false,
  isModeratorNow: async () => false,
  async requireMember(_db, actor, userId) {
    if (actor.userId !== userId || actor.role === 'family') {
      throw new DomainError('SAFETY.FORBIDDEN', 'you ask for help for yourself; family members ask from their session');
    }
  },
  describe: async () => ({ name: 'outside any conversation', type: 'person' }),
};
