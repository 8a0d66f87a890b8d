// Jest runs TypeScript through ts-jest as CommonJS. Nest 12 packages are ESM-only and jest's CommonJS runtime
// cannot require them on Node 20, so no test imports Nest: e2e tests start the built app as a child process
// (tests/support/app-process.ts) and talk to it over real sockets. jose (ESM) is transformed for token minting.
const tsJest = ['ts-jest', { tsconfig: { allowJs: true, module: 'node20', moduleResolution: 'node16', experimentalDecorators: true, emitDecoratorMetadata: true, esModuleInterop: true, isolatedModules: true }, diagnostics: false }];
const libs = ['event-store', 'domain', 'identity', 'command-handling', 'projections', 'realtime', 'rooms', 'mentoring', 'family-sessions', 'safety', 'personal-data', 'edge'];
const moduleNameMapper = Object.fromEntries(libs.flatMap((l) => [[`^@haven/${l}$`, `<rootDir>/libs/${l}/src`], [`^@haven/${l}/(.*)$`, `<rootDir>/libs/${l}/src/$1`]]));
const common = { testEnvironment: 'node', transform: { '^.+\\.(t|j)s$': tsJest }, transformIgnorePatterns: ['/node_modules/(?!(jose)/)'], moduleNameMapper, rootDir: __dirname };
module.exports = {
  // e2e tests start real app processes; unit tests finish in milliseconds either way
  testTimeout: 30000,
  // Test files run side by side: each has its own SQLite files, PostgreSQL schemas, ports and REDIS_KEY_PREFIX
  // (tests/support/app-process.ts), and an e2e file spends half its time waiting on sockets, so two files at once
  // kept two cores busy where one in band left one idle (2 cores: 14.5 min in band, 9 min with two workers). One worker
  // per two cores beyond that: each file also runs one to three app processes. Three workers on two cores (tried
  // 2026-12-03) took 8 min instead of 9 once, then in a CI run left an app process unstarted after 20 s: not worth it.
  maxWorkers: Math.max(2, Math.floor(require('node:os').availableParallelism() / 2)),
  testSequencer: '<rootDir>/tests/support/longest-first-sequencer.js',
  globalSetup: '<rootDir>/tests/support/global-setup.js',
  globalTeardown: '<rootDir>/tests/support/global-teardown.js',
  projects: [
    // deciders, mappers, pure code: no app, no database
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts'] },
    // real stores, real app processes, real sockets
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/tests/**/*.test.ts', '<rootDir>/libs/**/*.test.ts'] },
  ],
};
