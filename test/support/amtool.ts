/**
 * amtool, from Debian's `prometheus-alertmanager` package (.ci/install-test-packages installs it in CI).
 * Tests that need it skip only outside CI; in CI a missing amtool fails them.
 */
import { spawnSync } from "child_process";
import { findOnPath } from "./promtool";
import { requiresTool } from "./skip";

export const AMTOOL = findOnPath("amtool");

/**
 * `describe`/`it` when amtool can run (or CI must have it), skipped with the reason in their titles otherwise,
 * with a one-line warning (test/support/skip.ts).
 */
export function withAmtool(testFile: string) {
  return requiresTool(
    testFile,
    "amtool",
    Boolean(AMTOOL),
    "not found on PATH; install the Debian package `prometheus-alertmanager` (CI: .ci/install-test-packages)",
  );
}

/** Runs amtool; its exit code, its standard output (results) and its combined output (results and warnings). */
export function amtool(args: string[]): { code: number | null; stdout: string; output: string } {
  if (!AMTOOL)
    throw new Error(
      "amtool is required when CI is set: install it with .ci/install-test-packages (Debian package `prometheus-alertmanager`)",
    );
  const r = spawnSync(AMTOOL, args, { encoding: "utf8", timeout: 30_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, output: `${r.stdout}${r.stderr}` };
}
