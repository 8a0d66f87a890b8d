export * from './delivery-policy';
export * from './log-follower';
export * from './realtime.tokens';
export * from './realtime.gateway';
export * from './realtime.module';
export * from './resume-position';
export * from './sync.request.dto';
export * from './first-arrivals';
