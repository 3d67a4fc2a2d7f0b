/**
 * Before any test file runs: build the compiled copy the plan command runs from (tools/run.js), once. Otherwise the
 * first child plans of several test files, started together on a fresh clone, would each compile it. And make the
 * run's folder, where test files share the plans they only read (shared-plan-runs.ts); global-teardown.js removes it.
 */
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { ensureBuild } = require("../../tools/run");

module.exports = () => {
  ensureBuild();
  // Workers start after this and inherit the variable.
  process.env.LK_TEST_RUN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "lk-test-run-"));
};
