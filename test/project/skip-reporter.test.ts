/**
 * The line `npm test` ends with: how many tests were skipped and why (test/support/skip-reporter.js).
 */
import * as fs from "fs";
import * as path from "path";
import { skippedTitle } from "../support/skip";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the reporter is plain CommonJS, as jest loads it
const SkipSummaryReporter = require("../support/skip-reporter.js");

/** What the reporter prints for these test results, captured from its exit hook. */
function summaryOf(tests: { status: string; title: string; ancestorTitles?: string[] }[], testNamePattern?: string) {
  const before = process.listeners("exit");
  new SkipSummaryReporter({ testNamePattern }).onRunComplete(new Set(), {
    testResults: [{ testResults: tests.map((t) => ({ ancestorTitles: [], ...t })) }],
  });
  const added = process.listeners("exit").filter((l) => !before.includes(l));
  expect(added).toHaveLength(1);
  process.removeListener("exit", added[0]);
  const write = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    (added[0] as () => void)();
    return write.mock.calls.map((c) => String(c[0])).join("");
  } finally {
    write.mockRestore();
  }
}

describe("the skip summary", () => {
  it("says none were skipped", () => {
    expect(summaryOf([{ status: "passed", title: "a" }])).toBe("Skipped: none\n");
  });

  it("counts skipped tests by the reason in their own or their describe's title", () => {
    const line = summaryOf([
      { status: "passed", title: "runs" },
      { status: "pending", title: skippedTitle("needs promtool", "promtool: not found") },
      { status: "pending", title: "inner", ancestorTitles: [skippedTitle("block", "promtool: not found")] },
      { status: "pending", title: skippedTitle("metrics", "no exporter in this build") },
      { status: "pending", title: "plain it.skip" },
    ]);
    expect(line).toBe(
      "Skipped: 4 tests: 1 (no exporter in this build); 2 (promtool: not found); 1 (skipped with no reason given)\n",
    );
    expect(line.split("\n")).toHaveLength(2); // one line
  });

  it("says tests left out by -t were not selected", () => {
    expect(summaryOf([{ status: "pending", title: "x" }], "pattern")).toBe("Skipped: 1 test: 1 (not selected by -t)\n");
  });

  it("is registered after jest's default reporter", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest's own config file, CommonJS
    const config = require("../../jest.config.js");
    expect(config.reporters).toEqual(["default", "<rootDir>/test/support/skip-reporter.js"]);
  });
});

describe("skipping a test", () => {
  /** Where a jest skip may be written: the helper that names the reason, and the reporter (its doc and fixtures). */
  const ALLOWED = ["test/support/skip.ts", "test/support/skip-reporter.js", "test/project/skip-reporter.test.ts"];
  const testRoot = path.join(__dirname, "..");
  const sources = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return sources(full);
      return /\.(ts|js)$/.test(entry.name) ? [full] : [];
    });

  it("goes through test/support/skip.ts everywhere, so every skip names its reason", () => {
    const unnamed = sources(testRoot)
      .map((file) => path.relative(path.join(testRoot, ".."), file))
      .filter((file) => !ALLOWED.includes(file))
      .flatMap((file) =>
        fs
          .readFileSync(path.join(testRoot, "..", file), "utf8")
          .split("\n")
          .flatMap((line, i) =>
            /\b(describe|it|test)\.skip\b|\bx(describe|it|test)\(/.test(line) ? [`${file}:${i + 1}`] : [],
          ),
      );
    expect(unnamed).toEqual([]);
  });
});
