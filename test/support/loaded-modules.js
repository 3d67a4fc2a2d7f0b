/**
 * Preloaded into a child process (`node --require`, test/support/plan.ts planCommandLoading): as the process exits,
 * writes the paths of the modules it loaded (Node's module cache) as a JSON array to $LK_LOADED_MODULES_FILE.
 */
"use strict";
const fs = require("fs");

const file = process.env.LK_LOADED_MODULES_FILE;
// This process's modules only: the child plans it starts (a global plan's regions) do not record over them.
delete process.env.LK_LOADED_MODULES_FILE;
process.env.NODE_OPTIONS = (process.env.NODE_OPTIONS ?? "")
  .replace(`--require ${JSON.stringify(__filename)}`, "")
  .trim();

process.on("exit", () => {
  fs.writeFileSync(file, JSON.stringify(Object.keys(require.cache)));
});
