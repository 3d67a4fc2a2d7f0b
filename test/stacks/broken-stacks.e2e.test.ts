/**
 * Broken stack files planned in a child process, exactly as `npm run plan` runs: the process exits 2 with one
 * line on stderr and no stack trace, and writes no plan, before it loads the engine and the Pulumi SDK. The whole battery runs in process in
 * broken-stacks.plan.test.ts; these few cover each place a file can be refused: its YAML, its settings (one
 * holding a secure: value that must not be echoed), its siblings (a VPC range, and a domain other than the global
 * stack's), and a global stack.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { brokenStackFixtures } from "../support/broken-stacks";
import { planCommandLoading } from "../support/plan";

const chosen = [
  "yaml-tab-indent.yaml",
  "secure-in-a-setting.yaml",
  "vpc-overlaps-sibling.yaml",
  "region-other-domain.yaml",
  "global-checker-regions-repeated.yaml",
];
const fixtures = brokenStackFixtures().filter((f) => chosen.includes(f.file));

describe("the plan process on a broken stack file", () => {
  it("has every chosen fixture", () => {
    expect(fixtures.map((f) => f.file).sort()).toEqual([...chosen].sort());
  });

  it.concurrent.each(fixtures)(
    "$file: exits 2 with one line on stderr containing “$expect”, before loading the engine",
    async ({ path: file, stack, expect: text }) => {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lk-broken-")), "plan");
      const run = await planCommandLoading(stack, "--stack-file", file, "--out", out);
      expect({ code: run.code, stderr: run.stderr, wrote: fs.existsSync(out), engine: run.engine }).toEqual({
        code: 2,
        stderr: expect.stringMatching(/^error: [^\n]+, got [^\n]+\n$/),
        wrote: false,
        engine: false,
      });
      expect(run.stderr).toContain(text);
      expect(run.stderr).not.toMatch(/plan-placeholder-for|v1:Zm9v/);
    },
  );
});
