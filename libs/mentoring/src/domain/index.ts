export * from './mentoring.commands';
export * from './mentoring.events';
export * from './mentoring.errors';
export * from './mentoring.state';
export * from './mentoring.decider';
export * from './mentoring.audience';
export * from './mentor-profile';
