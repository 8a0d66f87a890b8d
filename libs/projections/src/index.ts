export * from './projection';
export * from './checkpoints';
export * from './project-event';
export * from './rebuild-read-model';
export * from './prepare-read-models';
export * from './catch-up-read-models';
