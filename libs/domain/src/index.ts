export * from './decider';
export * from './domain-error';
export * from './text';
export * from './derived-id';
export * from './personal-fields';
export * from './local-clock';
export * from './canonical-json';
