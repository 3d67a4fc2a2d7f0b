/**
 * promtool, from Debian's `prometheus` package (.ci/install-test-packages installs it in CI).
 * Tests that need it skip only outside CI; in CI a missing promtool fails them.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

function findOnPath(bin: string): string | undefined {
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
const IN_CI = Boolean(process.env.CI);

/** `describe`/`it` when promtool can run (or CI must have it), their `.skip` otherwise, with a one-line warning. */
export function withPromtool(testFile: string) {
  if (!PROMTOOL && !IN_CI) {
    console.warn(
      `${testFile}: promtool not found on PATH, skipping the promtool tests. Install the Debian package \`prometheus\` (CI: .ci/install-test-packages).`,
    );
  }
  const run = Boolean(PROMTOOL || IN_CI);
  return { describe: run ? describe : describe.skip, it: run ? it : it.skip };
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
