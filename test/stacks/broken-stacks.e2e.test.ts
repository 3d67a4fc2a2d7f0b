/**
 * A battery of broken stack files (test/fixtures/broken-stacks/): each one, planned as a user would, stops the
 * plan with exit code 2 and exactly one line on stderr, `error: <key>: <problem>, got <value>`, and no stack
 * trace. Each fixture says in its header which stack it is planned as and what the line must contain.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planCommand, projectRoot } from "../support/plan";

const dir = path.join(projectRoot, "test", "fixtures", "broken-stacks");
const fixtures = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((file) => {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    const header = (name: string) => new RegExp(`^# ${name}: (.*)$`, "m").exec(text)?.[1];
    return { file, stack: header("stack") ?? "mumbai", expect: header("expect") ?? "" };
  });

describe("broken stack files", () => {
  it("has a battery to run", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
    for (const f of fixtures) expect(f.expect).not.toBe("");
  });

  it.concurrent.each(fixtures)(
    "$file: exit 2 and one error line containing “$expect”",
    async ({ file, stack, expect: text }) => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "lk-broken-"));
      const run = await planCommand(stack, "--stack-file", path.join(dir, file), "--out", path.join(out, "plan"));
      const lines = run.stderr.split("\n").filter((l) => l !== "");
      expect({ code: run.code, lines: lines.length, first: lines[0]?.startsWith("error: ") }).toEqual({
        code: 2,
        lines: 1,
        first: true,
      });
      expect(lines[0]).toMatch(/^error: .+: .+, got .+$/);
      expect(lines[0]).toContain(text);
      // A secure: value is never echoed, not even its ciphertext.
      expect(lines[0]).not.toMatch(/plan-placeholder-for|v1:Zm9v/);
      expect(fs.existsSync(path.join(out, "plan"))).toBe(false);
    },
  );
});
