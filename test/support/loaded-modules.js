/**
 * Preloaded into a child process (`node --require`, test/support/plan.ts planCommandLoading): as the process exits,
 * writes the paths of the modules it loaded (Node's module cache) as a JSON array to $LK_LOADED_MODULES_FILE.
 */
"use strict";
const fs = require("fs");

process.on("exit", () => {
  fs.writeFileSync(process.env.LK_LOADED_MODULES_FILE, JSON.stringify(Object.keys(require.cache)));
});
