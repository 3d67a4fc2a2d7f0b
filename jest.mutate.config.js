/**
 * The unit tier of jest.config.js on its own, for mutation testing (stryker.config.json, `npm run mutate`):
 * pure modules, no Pulumi runtime. StrykerJS reruns the tests that cover each mutant, so only fast tests
 * belong here.
 */
const { projects, testTimeout } = require("./jest.config.js");

const unit = projects.find((p) => p.displayName === "unit");

module.exports = { ...unit, testTimeout };
