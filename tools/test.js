/**
 * `npm test`: the type check (`npm run typecheck`: TypeScript 7 on tsconfig.check.json) and every jest tier, side by
 * side. On two cores jest alone leaves part of a core idle (its workers wait on child plans); the type check fills it
 * instead of running first, on one checker thread (its default of four only competes with jest's workers).
 * jest's output streams as usual; the type check's is printed after it. Fails if either fails.
 *
 * Plain JavaScript, because it runs before anything is compiled. Arguments go to jest.
 */
"use strict";
const { spawn } = require("child_process");
const path = require("path");

const root = path.join(__dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const run = (command, args, stdio) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });

(async () => {
  const typecheck = run(
    process.execPath,
    [
      path.join(root, "node_modules", "typescript-7", "bin", "tsc"),
      "-p",
      path.join(root, "tsconfig.check.json"),
      "--checkers",
      "1",
    ],
    ["ignore", "pipe", "pipe"],
  );
  const tests = await run(bin("jest"), process.argv.slice(2), "inherit");
  const types = await typecheck;
  if (types.code !== 0) process.stderr.write(`\nType check (npm run typecheck) failed:\n${types.output}`);
  else process.stderr.write("Type check (npm run typecheck): no errors\n");
  process.exit(tests.code || types.code);
})();
