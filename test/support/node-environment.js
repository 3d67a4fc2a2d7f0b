/**
 * The jest environment of every tier: Node's (jest-environment-node, as `testEnvironment: "node"` is), and one
 * thing more for the process that runs the tests.
 *
 * Once a worker has run its last test file and jest has let it go, nothing is left in its event loop, and Node
 * would end it by tearing its heap down: a plan-tier worker holds 0.3 to 0.5 GB (a Pulumi SDK per test file, the
 * TypeScript compiler the schema checks keep), which takes 0.6 to 1 s on a busy two-core machine. jest-worker
 * allows 500 ms (FORCE_EXIT_DELAY in jest-worker's BaseWorkerPool), then kills the worker and prints "A worker
 * process has failed to exit gracefully". So the process exits through `process.exit()` when its loop is empty
 * (`beforeExit`), which skips that teardown. `beforeExit` never comes while anything is still open (a timer, a
 * socket, a child process): a test that leaks a handle still keeps its worker alive, and jest still says so.
 *
 * Loaded by jest's own loader, once per process: the hook is on the real `process`, not a test file's.
 */
"use strict";
const { TestEnvironment } = require("jest-environment-node");

process.once("beforeExit", () => process.exit());

module.exports = TestEnvironment;
