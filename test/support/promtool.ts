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

function requirePromtool(): string {
  if (!PROMTOOL)
    throw new Error(
      "promtool is required when CI is set: install it with .ci/install-test-packages (Debian package `prometheus`)",
    );
  return PROMTOOL;
}

/** Runs promtool in `cwd`; its exit code and combined output. */
export function promtool(args: string[], cwd: string): { code: number | null; output: string } {
  const r = spawnSync(requirePromtool(), args, { cwd, encoding: "utf8", timeout: 30_000 });
  if (r.error) throw r.error;
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

/** What promtool said about one file of a batch: its own section of the output. */
export interface PromtoolFileResult {
  passed: boolean;
  /** The file's section, from its heading ("Unit Testing:  <file>", "Checking <file>") to the next one. */
  output: string;
}

/**
 * `promtool test rules` or `promtool check rules` on many files in one process (each promtool start costs about
 * 0.15 s of CPU), with each file's verdict read from its own section of the output.
 *
 * promtool v2.42.0 (cmd/promtool/unittest.go RulesUnitTest, main.go CheckRules) takes the files one after the
 * other: it prints the file's heading to stdout, then "  SUCCESS..." to stdout or "  FAILED:" and the errors to
 * stderr, then a blank line. Both streams go to one file here, so each failure lands under its file's heading, as
 * on a terminal. A file with no section (promtool stopped early), or a non-zero exit with every section passing,
 * fails with promtool's whole output.
 */
export function promtoolPerFile(
  command: "test" | "check",
  files: string[],
  cwd: string,
): Map<string, PromtoolFileResult> {
  const outputFile = path.join(cwd, `promtool-${command}-rules.out`);
  const fd = fs.openSync(outputFile, "w");
  let r: ReturnType<typeof spawnSync>;
  try {
    r = spawnSync(requirePromtool(), [command, "rules", ...files], { cwd, stdio: ["ignore", fd, fd], timeout: 60_000 });
  } finally {
    fs.closeSync(fd);
  }
  if (r.error) throw r.error;
  const output = fs.readFileSync(outputFile, "utf8");
  const heading = command === "test" ? "Unit Testing:  " : "Checking ";
  const sections = new Map<string, string>();
  for (const section of output.split(new RegExp(`^(?=${heading})`, "m"))) {
    if (section.startsWith(heading)) sections.set(section.slice(heading.length).split("\n", 1)[0], section);
  }
  const passes = (section: string) => /^ {2}SUCCESS/m.test(section) && !/^ {2}FAILED/m.test(section);
  const allPassed = files.every((f) => passes(sections.get(f) ?? ""));
  const whole = `promtool ${command} rules exited with ${r.status ?? r.signal}:\n${output}`;
  return new Map(
    files.map((f) => {
      const section = sections.get(f);
      if (section === undefined) return [f, { passed: false, output: `no section for ${f}; ${whole}` }];
      if (allPassed && r.status !== 0) return [f, { passed: false, output: whole }];
      return [f, { passed: passes(section), output: section }];
    }),
  );
}
