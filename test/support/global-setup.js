/**
 * Before any test file runs: build the compiled copy the plan command runs from (tools/run.js), once. Otherwise the
 * first child plans of several test files, started together on a fresh clone, would each compile it.
 */
"use strict";
const { ensureBuild } = require("../../tools/run");

module.exports = () => {
  ensureBuild();
};
