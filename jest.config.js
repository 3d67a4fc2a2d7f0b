/** ts-jest with isolatedModules: no type-checking here, `tsc --noEmit` does that once, separately. */
module.exports = {
  testEnvironment: "node",
  // The Pulumi SDK keeps its runtime state on the global object; each test file gets a fresh one anyway.
  testEnvironmentOptions: { globalsCleanup: "off" },
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] }, // transpile only: tsconfig sets isolatedModules
  testTimeout: 60000,
  // Jest's default on a 2-core machine is one worker; the tests mostly wait on child processes and I/O.
  maxWorkers: 2,
};
