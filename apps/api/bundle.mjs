// Bundles the API that `nest build api` compiled (dist/apps/api/src/main.js, decorator metadata included: esbuild
// cannot emit that itself, so it bundles tsc's output rather than the sources) into one file, dist/apps/api/haven-api.js,
// which `npm start`, the Docker image and the tests run.
//
// Why: the compiled app loaded some 1,300 CommonJS files and Nest's ESM packages one by one, about 0.6 s of a 1.2 s
// start on this project's 2-core host; one file starts in about 0.65 s. The tests start the app some 200 times.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

await build({
  entryPoints: [join(root, 'dist/apps/api/src/main.js')],
  outfile: join(root, 'dist/apps/api/haven-api.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Nest and the OpenAPI and AsyncAPI documents read class names (schemas, loggers' contexts)
  keepNames: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  external: [
    // native addons and packages that find files of their own on disk: loaded from node_modules as before
    'better-sqlite3',
    'swagger-ui-dist',
    // loaded only with EVENT_STORE=kurrentdb (open-storage.ts requires it then): its gRPC stack stays off other starts
    '@kurrent/kurrentdb-client',
    // optional packages Nest and pg look for and this app does not install
    'pg-native',
    '@nestjs/microservices',
    '@nestjs/microservices/*',
    '@fastify/*',
  ],
  // Nest 12's packages are ESM and some find other packages from `import.meta.url`, which a CommonJS file lacks:
  // it stands for this file's own URL, so they resolve from here as they did from their own folder
  define: { 'import.meta.url': '__haven_import_meta_url' },
  banner: { js: "const __haven_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
});
