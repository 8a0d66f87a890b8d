export * from './domain';
export * from './read-models/mentoring.projection';
export * from './read-models/mentor-request-notices';
export * from './delivery/mentoring-delivery.policy';
export * from './mentoring-commands.service';
export * from './mentoring.module';
export * from './safety/mentoring-conversation.port';
