/**
 * promtool, from Debian's `prometheus` package (.ci/install-test-packages installs it in CI).
 * Tests that need it skip only outside CI; in CI a missing promtool fails them.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { requiresTool } from "./skip";

/** The first executable `bin` on PATH. */
export function findOnPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, bin);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export const PROMTOOL = findOnPath("promtool");

/**
 * `describe`/`it` when promtool can run (or CI must have it), skipped with the reason in their titles
 * otherwise, with a one-line warning (test/support/skip.ts).
 */
export function withPromtool(testFile: string) {
  return requiresTool(
    testFile,
    "promtool",
    Boolean(PROMTOOL),
    "not found on PATH; install the Debian package `prometheus` (CI: .ci/install-test-packages)",
  );
}

/** Runs promtool in `cwd`; its exit code and combined output. */
export function promtool(args: string[], cwd: string): { code: number | null; output: string } {
  if (!PROMTOOL)
    throw new Error(
      "promtool is required when CI is set: install it with .ci/install-test-packages (Debian package `prometheus`)",
    );
  const r = spawnSync(PROMTOOL, args, { cwd, encoding: "utf8", timeout: 30_000 });
  if (r.error) throw r.error;
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}
