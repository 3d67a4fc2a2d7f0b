/** The plan diff's pieces: changed paths, line diffs, and what counts as a change. */
import { changedPaths, diffPlans, formatDiff, hasChanges, lineDiff, PlanSnapshot } from "../../../tools/plan/diff";

const snapshot = (over: Partial<PlanSnapshot> = {}): PlanSnapshot => ({
  resources: [
    {
      urn: "urn:a",
      type: "aws:ec2/vpc:Vpc",
      name: "vpc",
      inputs: { cidrBlock: "10.20.0.0/16", tags: { stack: "mumbai" } },
      parent: null,
      provider: null,
      dependencies: [],
    },
    {
      urn: "urn:s",
      type: "kubernetes:core/v1:Secret",
      name: "keys",
      inputs: { stringData: { key: "[secret]" } },
      parent: null,
      provider: null,
      dependencies: [],
    },
  ],
  outputs: { sizing: { sfuNodes: { min: 18, max: 89 } } },
  warnings: [],
  files: new Map([["helm/redis.yaml", "values:\n  a: 1\n  b: 2\n  c: 3\n"]]),
  ...over,
});

describe("plan diff", () => {
  it("finds nothing between equal plans", () => {
    const d = diffPlans(snapshot(), snapshot());
    expect(hasChanges(d)).toBe(false);
    expect(formatDiff(d, "HEAD")).toBe("Diff against HEAD: no changes");
  });

  it("names the changed input paths, old and new", () => {
    expect(changedPaths({ a: { b: [1, 2] }, c: "x" }, { a: { b: [1, 3] }, c: "x", d: true })).toEqual([
      { path: "a.b[1]", before: 2, after: 3 },
      { path: "d", before: undefined, after: true },
    ]);
  });

  it("lists resources added, removed and changed, outputs and files", () => {
    const head = snapshot();
    head.resources = [
      { ...head.resources[0], inputs: { cidrBlock: "10.40.0.0/16", tags: { stack: "mumbai" } } },
      { ...head.resources[1], urn: "urn:t", name: "keys2" },
    ];
    head.outputs = { sizing: { sfuNodes: { min: 20, max: 89 } } };
    head.files = new Map([["helm/redis.yaml", "values:\n  a: 1\n  b: 5\n  c: 3\n"]]);
    const d = diffPlans(snapshot(), head);
    expect(d.added.map((r) => r.name)).toEqual(["keys2"]);
    expect(d.removed.map((r) => r.name)).toEqual(["keys"]);
    expect(d.changed).toEqual([
      expect.objectContaining({
        name: "vpc",
        changes: [{ path: "inputs.cidrBlock", before: "10.20.0.0/16", after: "10.40.0.0/16" }],
      }),
    ]);
    expect(d.outputs).toEqual([{ path: "sizing.sfuNodes.min", before: 18, after: 20 }]);
    expect(d.files).toEqual([
      {
        path: "helm/redis.yaml",
        status: "changed",
        diff: ["@@ -1,4 +1,4 @@", "values:", "   a: 1", "-  b: 2", "+  b: 5", "   c: 3"].map((l, i) =>
          i === 1 ? " values:" : l,
        ),
      },
    ]);
    const text = formatDiff(d, "main");
    expect(text).toContain("1 to add, 1 to remove, 1 to change");
    expect(text).toContain('inputs.cidrBlock: "10.20.0.0/16" → "10.40.0.0/16"');
    expect(text).toContain("--- a/helm/redis.yaml");
  });

  it("diffs lines with context, removed before added", () => {
    const a = ["1", "2", "3", "4", "5", "6", "7", "8"].join("\n");
    const b = ["1", "2", "3", "x", "5", "6", "7", "8", "9"].join("\n");
    // Hunks whose context touches merge into one.
    expect(lineDiff(a, b)).toEqual(["@@ -2,7 +2,8 @@", " 2", " 3", "-4", "+x", " 5", " 6", " 7", " 8", "+9"]);
    const long = Array.from({ length: 20 }, (_, i) => String(i));
    const changed = long.map((l) => (l === "3" || l === "15" ? `${l}!` : l));
    expect(lineDiff(long.join("\n"), changed.join("\n"))).toEqual([
      "@@ -2,5 +2,5 @@",
      " 1",
      " 2",
      "-3",
      "+3!",
      " 4",
      " 5",
      "@@ -14,5 +14,5 @@",
      " 13",
      " 14",
      "-15",
      "+15!",
      " 16",
      " 17",
    ]);
    expect(lineDiff("", "a\n")).toEqual(["@@ -1,0 +1,1 @@", "+a"]);
  });

  it("never shows more than the masked value of a secret", () => {
    const head = snapshot();
    head.resources = [
      head.resources[0],
      { ...head.resources[1], inputs: { stringData: { key: "[secret]", other: "[secret]" } } },
    ];
    const text = formatDiff(diffPlans(snapshot(), head), "x");
    expect(text).toContain('inputs.stringData.other: (none) → "[secret]"');
  });
});
