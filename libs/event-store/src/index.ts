export * from './event-store';
export * from './sql-database';
export * from './open-storage';
