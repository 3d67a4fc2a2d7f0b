/**
 * The unit tier of jest.config.js on its own, for mutation testing (stryker.config.json, `npm run mutate`):
 * pure modules, no Pulumi runtime. StrykerJS reruns the tests that cover each mutant, so only fast tests
 * belong here.
 */
const path = require("path");
const { projects, testTimeout } = require("./jest.config.js");

const unit = projects.find((p) => p.displayName === "unit");

/**
 * The project-wide checks in test/project/ read the sources as text (the components' throws, the type tokens,
 * the import graph). Stryker puts every mutant of a file into its sandbox copy at once and picks the active one
 * at run time, so such a check sees the same instrumented text under every mutant: it can kill none, and it
 * fails on the instrumentation itself (a `throw` in Stryker's mutant switch).
 */
const SOURCE_TEXT_CHECKS = "<rootDir>/test/project/";

/**
 * MUTATE_TESTS (comma-separated paths under the project root) narrows the run to those test files, e.g. a
 * module's own unit tests (tools/commands/mutate/ sets it): Stryker then loads only them for every mutant.
 */
const only = (process.env.MUTATE_TESTS ?? "").split(",").filter(Boolean);

module.exports = {
  ...unit,
  // Stryker's jest runner wraps the environment and requires it by name, before jest expands <rootDir>.
  testEnvironment: unit.testEnvironment.replace("<rootDir>", __dirname),
  // A module's named tests may include a promtool integration test (GUARDING_TESTS in tools/commands/mutate/).
  testPathIgnorePatterns: [
    ...(only.length > 0 ? ["\\.(plan|e2e)\\.test\\.ts$"] : unit.testPathIgnorePatterns),
    SOURCE_TEXT_CHECKS,
  ],
  testTimeout,
  ...(only.length > 0 && { testMatch: only.map((file) => path.join("<rootDir>", file)) }),
};
