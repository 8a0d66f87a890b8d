export * from './domain';
export * from './read-models/room-directory.projection';
export * from './read-models/room-membership.projection';
export * from './read-models/room-messages.projection';
export * from './read-models/moderation-queue.projection';
export * from './read-models/moderation-log.projection';
export * from './read-models/mute-deadlines.projection';
export * from './delivery/room-delivery.policy';
export * from './room-commands.service';
export * from './rooms.module';
export * from './safety/room-conversation.port';

import { roomDirectoryProjection } from './read-models/room-directory.projection';
import { roomMembershipProjection } from './read-models/room-membership.projection';
import { roomMessagesProjection } from './read-models/room-messages.projection';
import { moderationQueueProjection } from './read-models/moderation-queue.projection';
import { moderationLogProjection } from './read-models/moderation-log.projection';
import { muteDeadlinesProjection } from './read-models/mute-deadlines.projection';

/** Every read model of the rooms context (the app registers them; the rebuild CLI finds them by name). */
export const roomReadModels = [
  roomMembershipProjection,
  roomDirectoryProjection,
  roomMessagesProjection,
  moderationQueueProjection,
  moderationLogProjection,
  muteDeadlinesProjection,
];
