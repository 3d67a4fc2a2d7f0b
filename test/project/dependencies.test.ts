/**
 * Pulumi's mocks live in the one copy of @pulumi/pulumi the program loads: a nested second copy (under a
 * provider package) would register resources on a runtime with no mocks, and the plan would miss them.
 */
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../support/stack-config";

const lock = JSON.parse(fs.readFileSync(path.join(projectRoot, "package-lock.json"), "utf8"));
const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"));

describe("dependencies", () => {
  it("install exactly one copy of @pulumi/pulumi", () => {
    const copies = Object.keys(lock.packages).filter((p) => p.endsWith("node_modules/@pulumi/pulumi"));
    expect(copies).toEqual(["node_modules/@pulumi/pulumi"]);
  });

  it("are pinned to exact versions, and the lockfile agrees with package.json", () => {
    const declared = { ...pkg.dependencies, ...pkg.devDependencies } as Record<string, string>;
    for (const [name, version] of Object.entries(declared)) {
      expect(`${name}@${version}`).toMatch(/@\d+\.\d+\.\d+$/);
      // An alias (`npm:<package>@<version>`, a second major of one package) is locked under its own folder.
      const [, real = name, exact = version] = /^npm:(.+)@(.+)$/.exec(version) ?? [];
      const locked = lock.packages[`node_modules/${name}`];
      expect(`${locked?.name ?? name}@${locked?.version}`).toBe(`${real}@${exact}`);
    }
  });
});
