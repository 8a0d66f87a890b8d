export * from './domain';
export * from './read-models/family-sessions.projection';
export * from './read-models/family-lobby.projection';
export * from './read-models/family-lobby-notices';
export * from './delivery/family-session-delivery.policy';
export * from './family-sessions.service';
export * from './family-sessions.module';
