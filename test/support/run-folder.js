/**
 * The test run's folder, where test files share the plans they only read (shared-plan-runs.ts): made by
 * global-setup.js for the whole run (or by a worker run without it), with the pid of the process it belongs to, so a
 * later run can remove one whose run was killed before its teardown.
 *
 * Plain JavaScript, because global-setup.js loads it before anything is compiled.
 */
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");

const PREFIX = "lk-test-run-";

/** Whether a process with this pid still runs (EPERM: it does, as another user's). */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/** A new run folder belonging to this process. */
function makeRunFolder() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
  fs.writeFileSync(path.join(dir, "pid"), String(process.pid));
  return dir;
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

module.exports = { alive, makeRunFolder, removeAbandonedRunFolders };
