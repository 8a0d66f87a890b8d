export * from './domain';
export * from './read-models/room-directory.projection';
export * from './read-models/room-membership.projection';
export * from './read-models/room-messages.projection';
export * from './read-models/room-reports.projection';
export * from './read-models/moderation-log.projection';
export * from './read-models/mute-deadlines.projection';
export * from './delivery/room-delivery.policy';
export * from './room-commands.service';
export * from './room-activity-limits';
export * from './rooms.module';
export * from './safety/room-conversation.port';

export { roomReadModels } from './read-models/room-read-models';
export * from './offline-notices/offline-notice.events';
export * from './offline-notices/offline-notice.decider';
export * from './offline-notices/offline-notices.config';
export * from './offline-notices/offline-notices.projection';
export * from './offline-notices/offline-notices.module';
