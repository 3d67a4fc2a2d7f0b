/**
 * Before any test file runs: build the compiled copy the plan command runs from (tools/run.js), once. Otherwise the
 * first child plans of several test files, started together on a fresh clone, would each compile it. And make the
 * run's folder, where test files share the plans they only read (shared-plan-runs.ts); global-teardown.js removes
 * it, and a later run removes one whose run was killed before its teardown.
 */
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { ensureBuild } = require("../../tools/run");

const PREFIX = "lk-test-run-";

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/** Run folders whose process is gone (a run stopped with Ctrl-C or killed skips its teardown). */
function removeAbandonedRunFolders() {
  for (const name of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(PREFIX))) {
    const dir = path.join(os.tmpdir(), name);
    let pid;
    try {
      pid = Number(fs.readFileSync(path.join(dir, "pid"), "utf8"));
    } catch {
      continue; // being made, or not ours
    }
    if (!alive(pid)) fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = () => {
  ensureBuild();
  removeAbandonedRunFolders();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
  fs.writeFileSync(path.join(dir, "pid"), String(process.pid));
  // Workers start after this and inherit the variable.
  process.env.LK_TEST_RUN_DIR = dir;
};
