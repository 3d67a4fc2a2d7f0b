/**
 * tools/commands/mutate/targets.ts: which modules Stryker mutates, each module's own unit tests, and the modules a
 * change touches.
 */
import * as fs from "fs";
import * as path from "path";
import {
  GUARDING_TESTS,
  mirroredTest,
  mutatedBy,
  mutationTargets,
  ownTests,
  touchedModules,
} from "../../../../tools/commands/mutate/targets";
import { projectRoot } from "../../../support/stack-config";

const MUTATE: string[] = JSON.parse(fs.readFileSync(path.join(projectRoot, "stryker.config.json"), "utf8")).mutate;

/** The project's files under the folders the globs and the tests name, relative, with `/`. */
const FILES = new Set(
  ["lib", "components", "stacks", "test"].flatMap((dir) =>
    fs
      .readdirSync(path.join(projectRoot, dir), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(projectRoot, path.join(entry.parentPath, entry.name)).split(path.sep).join("/")),
  ),
);
const MODULES = [...FILES].filter(mutatedBy(MUTATE)).sort();

describe("the modules Stryker mutates (stryker.config.json)", () => {
  it("are the pure modules: builders and config in, thin components, Pulumi helpers and declarations out", () => {
    for (const module of [
      "lib/ip.ts",
      "lib/capacity/plan.ts",
      "components/coturn/pod.ts",
      "components/monitoring/values.ts",
      "components/chaos/templates.ts",
      "components/monitoring/dashboards/index.ts",
      "stacks/config/region/media.ts",
      "stacks/config/fields.ts",
      "stacks/sizing.ts",
    ])
      expect(MODULES).toContain(module);
    for (const file of [
      "components/coturn/index.ts",
      "components/livekit/index.ts",
      "components/shared/node-role.ts",
      "lib/pulumi-sdk-internals.d.ts",
      "stacks/region.ts",
      "stacks/global.ts",
      "test/lib/ip.test.ts",
    ])
      expect(MODULES).not.toContain(file);
  });

  it("each glob matches a file: a glob left behind by a move is an error, not a silent gap", () => {
    const unmatched = MUTATE.filter((glob) => !glob.startsWith("!")).filter(
      (glob) => ![...FILES].some(mutatedBy([glob])),
    );
    const uselessExcludes = MUTATE.filter((glob) => glob.startsWith("!")).filter(
      (glob) => ![...FILES].some(mutatedBy([glob.slice(1)])),
    );
    expect({ unmatched, uselessExcludes }).toEqual({ unmatched: [], uselessExcludes: [] });
  });

  it("read in order, as Stryker reads them: a later pattern overrides an earlier one", () => {
    expect(mutatedBy(["a/**/*.ts", "!a/x.ts"])("a/x.ts")).toBe(false);
    expect(mutatedBy(["a/**/*.ts", "!a/x.ts"])("a/b/y.ts")).toBe(true);
    expect(mutatedBy(["a/**/*.ts", "!a/x.ts", "a/x.ts"])("a/x.ts")).toBe(true);
    expect(mutatedBy(["!a/x.ts", "a/**/*.ts"])("a/x.ts")).toBe(true);
  });
});

describe("a module's own tests", () => {
  it("are its mirrored unit test, test/<same path>.test.ts", () => {
    expect(mirroredTest("components/coturn/pod.ts")).toBe("test/components/coturn/pod.test.ts");
    expect(ownTests("lib/ip.ts", FILES)).toEqual(["test/lib/ip.test.ts"]);
  });

  it("and the tests GUARDING_TESTS names for it or a folder above it, once each, mirrored one first", () => {
    expect(ownTests("lib/capacity/cost.ts", FILES)).toEqual([
      "test/lib/capacity/cost.test.ts",
      "test/lib/capacity/capacity.test.ts",
      "test/lib/capacity/media-limits.test.ts",
      "test/stacks/cost-config.test.ts",
    ]);
    expect(ownTests("lib/capacity/rules.ts", FILES)).toEqual(GUARDING_TESTS["lib/capacity/"]);
    expect(ownTests("stacks/config/region/media.ts", FILES)).toEqual([
      "test/stacks/config/region/media.test.ts",
      "test/stacks/config/parse.test.ts",
      "test/tools/commands/config-reference.test.ts",
    ]);
  });

  it("exist only if the file does: a module without a test has none", () => {
    expect(ownTests("components/shared/routed-region.ts", FILES)).toEqual([]);
    expect(ownTests("lib/ip.ts", new Set())).toEqual([]);
  });

  it("as GUARDING_TESTS lists them, are unit or promtool tests that exist, for modules or folders that exist", () => {
    for (const [key, tests] of Object.entries(GUARDING_TESTS)) {
      expect(key.endsWith("/") ? MODULES.some((m) => m.startsWith(key)) : MODULES.includes(key)).toBe(true);
      for (const test of tests) {
        expect(FILES.has(test)).toBe(true);
        expect(test).not.toMatch(/\.(plan|e2e)\.test\.ts$/);
        if (test.endsWith(".int.test.ts"))
          expect(fs.readFileSync(path.join(projectRoot, test), "utf8")).toMatch(/withPromtool\(/);
      }
    }
  });
});

describe("the modules a change touches", () => {
  const touched = (...changed: string[]) => touchedModules(changed, MODULES, FILES);

  it("are the changed modules", () => {
    expect(touched("lib/ip.ts", "components/coturn/pod.ts")).toEqual(["components/coturn/pod.ts", "lib/ip.ts"]);
  });

  it("and the modules whose own tests changed", () => {
    expect(touched("test/lib/ip.test.ts")).toEqual(["lib/ip.ts"]);
    const capacity = touched("test/lib/capacity/capacity.test.ts");
    expect(capacity).toContain("lib/capacity/plan.ts");
    expect(capacity).toContain("lib/capacity/rules.ts");
    expect(capacity).toContain("lib/instance-types.ts");
    expect(capacity.every((m) => m.startsWith("lib/capacity/") || m === "lib/instance-types.ts")).toBe(true);
  });

  it("not files Stryker does not mutate, nor tests of other tiers or without a module", () => {
    expect(
      touched(
        "README.md",
        "components/coturn/index.ts",
        "test/components/coturn/coturn.plan.test.ts",
        "test/project/invariants.test.ts",
      ),
    ).toEqual([]);
  });

  it("each run with its own tests", () => {
    expect(mutationTargets(["lib/ip.ts", "components/shared/routed-region.ts"], FILES)).toEqual([
      { module: "lib/ip.ts", tests: ["test/lib/ip.test.ts"] },
      { module: "components/shared/routed-region.ts", tests: [] },
    ]);
  });
});
