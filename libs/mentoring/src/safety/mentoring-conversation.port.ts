import type { ConversationPort } from '@haven/safety/conversation-port';
import { MentoringErrors } from '../domain/mentoring.errors';

/**
 * A person's mentoring (requests, pairings) as a conversation the crisis path plugs into, for crisis words in a
 * request's note or an end reason. It has no moderators of its own: its alerts go to the clinicians on call, as every
 * alert does. The pair's messages are a room's, screened as any room's.
 */
export const mentoringConversationPort: ConversationPort = {
  kind: 'mentoring',
  // a channel nobody joins: the on-call clinicians are the audience (createSafetyDeliveryPolicy adds them)
  moderatorChannel: (userId) => `mentoring:${userId}:moderators`,
  isModeratorAt: async () => false,
  isModeratorNow: async () => false,
  async requireMember(_db, actor, userId) {
    if (actor.userId !== userId || (actor.role !== 'participant' && actor.role !== 'mentor')) {
      throw MentoringErrors.forbidden('only participants and mentors write in mentoring');
    }
  },
};
