/**
 * Test tiers, one jest project each (select with `--selectProjects`):
 *   unit         pure modules, no Pulumi runtime, no child process:          *.test.ts
 *   plan         components and stacks run under Pulumi's mocks, in process: *.plan.test.ts
 *   e2e          the plan command end to end, in child processes:            *.e2e.test.ts
 *   integration  real servers (turnserver, promtool) and a real browser:     *.int.test.ts
 * esbuild transpiles (test/support/esbuild-transform.js, as tools/run.js does for the commands); `tsc --noEmit`
 * type-checks once, separately.
 */
const tier = (displayName, testMatch, testPathIgnorePatterns = []) => ({
  displayName,
  // Node's environment; a worker with nothing left to do exits at once (test/support/node-environment.js).
  testEnvironment: "<rootDir>/test/support/node-environment.js",
  // The Pulumi SDK keeps its runtime state on the global object; each test file gets a fresh one anyway.
  testEnvironmentOptions: { globalsCleanup: "off" },
  roots: ["<rootDir>/test"],
  testMatch,
  testPathIgnorePatterns,
  transform: { "^.+\\.ts$": "<rootDir>/test/support/esbuild-transform.js" },
  // What the SDK and other libraries load as they start and the tests never use, loaded on first read instead
  // (lib/deferred-modules.js): the resolver answers with a stand-in for each such file.
  resolver: "<rootDir>/test/support/deferring-resolver.js",
});

module.exports = {
  projects: [
    tier("unit", ["**/*.test.ts"], ["\\.(plan|e2e|int)\\.test\\.ts$"]),
    tier("plan", ["**/*.plan.test.ts"]),
    tier("e2e", ["**/*.e2e.test.ts"]),
    tier("integration", ["**/*.int.test.ts"]),
  ],
  globalSetup: "<rootDir>/test/support/global-setup.js",
  globalTeardown: "<rootDir>/test/support/global-teardown.js",
  // On a fresh clone, the slowest tiers first (jest's own order needs the times of a previous run).
  testSequencer: "<rootDir>/test/support/slow-tiers-first.js",
  // The default output, then one line saying what was skipped and why (test/support/skip-reporter.js).
  reporters: ["default", "<rootDir>/test/support/skip-reporter.js"],
  testTimeout: 60000,
  // Jest's default on a 2-core machine is one worker; the tests mostly wait on child processes and I/O. (Three
  // timed the same as two, median of three fresh-clone runs, with a wider spread.)
  maxWorkers: 2,
};
