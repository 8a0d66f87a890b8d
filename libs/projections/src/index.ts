export * from './projection';
export * from './checkpoints';
export * from './project-event';
export * from './rebuild-read-model';
export * from './canonical-json';
export * from './prepare-read-models';
