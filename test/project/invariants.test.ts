/**
 * Components assert through one helper (components/shared/invariant.ts), which throws the one bad-input error
 * (lib/errors.ts). The only other throws are the two where the cloud's answer during `pulumi up` is at fault,
 * not anything the program was given.
 */
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../support/stack-config";

const CLOUD_ANSWERS = [/ACM returned no DNS validation record/, /has no load balancer hostname/];

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

describe("components", () => {
  it("throw only through invariant(), besides the cloud's answers", () => {
    const throws: string[] = [];
    for (const file of tsFiles(path.join(projectRoot, "components"))) {
      const relative = path.relative(projectRoot, file);
      if (relative === path.join("components", "shared", "invariant.ts")) continue;
      fs.readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (/\bthrow\b/.test(line) && !CLOUD_ANSWERS.some((allowed) => allowed.test(line)))
            throws.push(`${relative}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(throws).toEqual([]);
  });
});
