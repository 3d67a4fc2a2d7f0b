/**
 * The unit tier of jest.config.js on its own, for mutation testing (stryker.config.json, `npm run mutate`):
 * pure modules, no Pulumi runtime. StrykerJS reruns the tests that cover each mutant, so only fast tests
 * belong here.
 */
const { projects, testTimeout } = require("./jest.config.js");

const unit = projects.find((p) => p.displayName === "unit");

/**
 * MUTATE_TESTS (comma-separated paths under test/) narrows the run to those test files, e.g. a module's own
 * unit test: much faster, and the score then says what that test alone guards.
 */
const only = (process.env.MUTATE_TESTS ?? "").split(",").filter(Boolean);

module.exports = { ...unit, testTimeout, ...(only.length > 0 && { testMatch: only.map((f) => `<rootDir>/${f}`) }) };
