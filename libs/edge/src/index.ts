export * from './error-body';
export * from './validation-failed.error';
export * from './ws-reply';
export * from './socket-message-handlers';
export * from './framework-error-body';
export * from './validation';
export * from './http-exception.filter';
export * from './ws-exception.filter';
