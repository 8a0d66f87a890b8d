export * from './clock';
export * from './command-handler';
