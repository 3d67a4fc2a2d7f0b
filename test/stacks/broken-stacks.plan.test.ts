/**
 * A battery of broken stack files (test/fixtures/broken-stacks/): each one, planned as a user would plan it,
 * stops the plan with exit code 2 and exactly one line, `error: <key>: <problem>, got <value>`, writes nothing,
 * and never echoes a secure: value. Each fixture says in its header which stack it is planned as and what the
 * line must contain.
 *
 * The plan command runs in this process (`main`, then `report` as its process would); that the process itself
 * exits 2 with that line alone on stderr is checked for a few of them in broken-stacks.e2e.test.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, report } from "../../tools/commands/plan";
import { brokenStackFixtures } from "../support/broken-stacks";

const fixtures = brokenStackFixtures();

describe("broken stack files", () => {
  it("has a battery to run", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
    for (const f of fixtures) expect(f.expect).not.toBe("");
  });

  it.each(fixtures)(
    "$file: exit 2 and one error line containing “$expect”",
    async ({ path: file, stack, expect: text }) => {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lk-broken-")), "plan");
      let stderr = "";
      const code = await main(["--stack", stack, "--stack-file", file, "--out", out]).catch((e) =>
        report(e, (t) => (stderr += t)),
      );
      const lines = stderr.split("\n").filter((l) => l !== "");
      expect({ code, lines: lines.length, wrote: fs.existsSync(out) }).toEqual({ code: 2, lines: 1, wrote: false });
      expect(lines[0]).toMatch(/^error: .+: .+, got .+$/);
      expect(lines[0]).toContain(text);
      // A secure: value is never echoed, not even its ciphertext.
      expect(lines[0]).not.toMatch(/plan-placeholder-for|v1:Zm9v/);
    },
  );
});
