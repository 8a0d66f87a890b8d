import 'reflect-metadata';
import { validateEnvironment } from './config/environment';

/**
 * The API's entry point. The environment is checked before the app is loaded: a mistaken setting is refused with only
 * class-validator loaded, in a fraction of a second, where loading Nest and every context first took seconds on a
 * small host. The app module checks it again through ConfigModule, with the same function.
 */

const production = process.env.NODE_ENV === 'production';

/** One line saying why the API did not start (JSON in production), then a non-zero exit. */
function failedStart(error: unknown): never {
  const message = `the API did not start: ${error instanceof Error ? error.message : String(error)}`;
  if (production) process.stderr.write(`${JSON.stringify({ level: 'fatal', time: Date.now(), msg: message })}\n`);
  else console.error(message);
  process.exit(1);
}

try {
  validateEnvironment(process.env);
} catch (error) {
  failedStart(error);
}

// ConfigModule.forRoot checks the environment in a promise of its own, outside bootstrap's: until the API listens,
// a rejection nobody handles is a failed start too
process.on('unhandledRejection', failedStart);
// required, not imported: an import would load Nest and the app before the check above
const { bootstrap } = require('./server') as typeof import('./server');
bootstrap().then(() => process.off('unhandledRejection', failedStart), failedStart);
