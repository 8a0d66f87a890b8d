export * from './family-session.commands';
export * from './family-session.events';
export * from './family-session.errors';
export * from './family-session.state';
export * from './family-session.decider';
export * from './family-session.audience';
