/**
 * Resolves the `@haven/*` path aliases of tsconfig.json at run time for the compiled bench (dist/bench): tsc keeps
 * the specifiers as written, and plain node does not read tsconfig paths. Import this module first.
 */
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import Module from 'node:module';
import { join, resolve } from 'node:path';

// dist/bench/tests/bench/alias.js -> dist/bench
const COMPILED_ROOT = resolve(__dirname, '..', '..');
const ALIAS = /^@haven\/([a-z-]+)(\/.*)?$/;

type Resolve = (request: string, parent: unknown, isMain: boolean, options: unknown) => string;
const moduleWithResolver = Module as unknown as { _resolveFilename: Resolve };
const original = moduleWithResolver._resolveFilename;

moduleWithResolver._resolveFilename = function resolveHavenAlias(request, parent, isMain, options) {
  const match = ALIAS.exec(request);
  const mapped = match ? join(COMPILED_ROOT, 'libs', match[1], 'src', match[2] ?? '') : request;
  return original.call(this, mapped, parent, isMain, options);
};

// tests/support/app-process.ts finds the built app at <its own dir>/../../dist/apps/api/haven-api.js, which for its
// compiled copy in dist/bench/tests/support is dist/bench/dist/apps: link that to the real dist/apps (no loop).
const appsLink = join(COMPILED_ROOT, 'dist', 'apps');
if (!existsSync(appsLink)) {
  mkdirSync(join(COMPILED_ROOT, 'dist'), { recursive: true });
  symlinkSync(join('..', '..', 'apps'), appsLink, 'dir');
}
