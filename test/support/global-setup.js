/**
 * Before any test file runs: build the compiled copy the plan command runs from (tools/run.js), once. Otherwise the
 * first child plans of several test files, started together on a fresh clone, would each compile it. And make the
 * run's folder, where test files share the plans they only read (shared-plan-runs.ts); global-teardown.js removes
 * it, and a later run removes one whose run was killed before its teardown (run-folder.js).
 */
"use strict";
const { ensureBuild } = require("../../tools/run");
const { makeRunFolder, removeAbandonedRunFolders } = require("./run-folder");

module.exports = () => {
  ensureBuild();
  removeAbandonedRunFolders();
  // Workers start after this and inherit the variable.
  process.env.LK_TEST_RUN_DIR = makeRunFolder();
};
