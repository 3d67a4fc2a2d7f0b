/** The plan diff's pieces: changed paths, line diffs, and what counts as a change. */
import {
  changedPaths,
  diffPlans,
  formatChangeSummary,
  formatDiff,
  hasChanges,
  lineDiff,
  PlanSnapshot,
  withoutHashSuffix,
} from "../../../tools/plan/diff";

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
    // On screen, the names of the files that differ; their line diffs in the full form (diff.txt).
    expect(text).toMatch(/^ {4}helm\/redis\.yaml$/m);
    expect(text).not.toContain("--- a/helm/redis.yaml");
    expect(formatDiff(d, "main", { full: true })).toContain(
      "--- a/helm/redis.yaml\n+++ b/helm/redis.yaml\n@@ -1,4 +1,4 @@",
    );
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

  describe("lists", () => {
    it("matches items by what identifies them: one added region is one change, not every region", () => {
      const region = (stack: string, awsRegion: string) => ({ stack, awsRegion, url: `wss://${stack}.example.com` });
      const before = [region("mumbai", "ap-south-1"), region("singapore", "ap-southeast-1")];
      const after = [region("frankfurt", "eu-central-1"), ...before];
      expect(changedPaths({ regions: before }, { regions: after })).toEqual([
        { path: "regions[stack=frankfurt]", before: undefined, after: region("frankfurt", "eu-central-1") },
      ]);
    });

    it("names containers, env and volumes by name, and Kubernetes objects by metadata.name", () => {
      const container = (name: string, image: string) => ({ name, image });
      expect(
        changedPaths(
          { containers: [container("sfu", "livekit:1.8"), container("sidecar", "cost:1")] },
          {
            containers: [container("init", "busybox"), container("sfu", "livekit:1.9"), container("sidecar", "cost:1")],
          },
        ),
      ).toEqual([
        { path: "containers[name=init]", before: undefined, after: container("init", "busybox") },
        { path: "containers[name=sfu].image", before: "livekit:1.8", after: "livekit:1.9" },
      ]);
      const object = (name: string, v: number) => ({ metadata: { name }, spec: { v } });
      expect(changedPaths([object("a", 1), object("b", 1)], [object("b", 2), object("a", 1)])).toEqual([
        { path: "[metadata.name=b].spec.v", before: 1, after: 2 },
      ]);
    });

    it("aligns anonymous items by content, and scalars too: an item added in front is one addition", () => {
      expect(changedPaths(["a", "b", "c"], ["x", "a", "b", "c"])).toEqual([
        { path: "[0]", before: undefined, after: "x" },
      ]);
      const rule = (fromPort: number, cidr: string) => ({ fromPort, toPort: fromPort, cidrBlocks: [cidr] });
      expect(
        changedPaths(
          [rule(443, "0.0.0.0/0"), rule(80, "0.0.0.0/0")],
          [rule(22, "10.0.0.0/8"), rule(443, "0.0.0.0/0"), rule(80, "0.0.0.0/0")],
        ),
      ).toEqual([{ path: "[0]", before: undefined, after: rule(22, "10.0.0.0/8") }]);
      // An item changed in place, among equal neighbours, is that item's changed fields.
      expect(changedPaths([1, 2, 3], [1, 5, 3])).toEqual([{ path: "[1]", before: 2, after: 5 }]);
    });
  });

  describe("resources that are the same under another name", () => {
    const resource = (over: Partial<PlanSnapshot["resources"][number]>): PlanSnapshot["resources"][number] => ({
      urn: "urn:x",
      type: "kubernetes:core/v1:ConfigMap",
      name: "x",
      inputs: {},
      parent: "urn:parent",
      provider: null,
      dependencies: [],
      ...over,
    });
    const plan = (resources: PlanSnapshot["resources"], files: [string, string][] = []): PlanSnapshot => ({
      resources,
      outputs: {},
      warnings: [],
      files: new Map(files),
    });

    it("shows a ConfigMap renamed by its content hash as one replaced object, and its manifest as one file", () => {
      const config = (hash: string, value: string) =>
        resource({
          urn: `urn:cm-${hash}`,
          name: `coturn-config-${hash}`,
          inputs: { metadata: { name: `coturn-config-${hash}` }, data: { conf: value } },
        });
      const d = diffPlans(
        plan(
          [config("9215431c6f", "a")],
          [["manifests/livekit/ConfigMap-coturn-config-9215431c6f.yaml", "data:\n  conf: a\n"]],
        ),
        plan(
          [config("3ba4a9bcb5", "b")],
          [["manifests/livekit/ConfigMap-coturn-config-3ba4a9bcb5.yaml", "data:\n  conf: b\n"]],
        ),
      );
      expect({ added: d.added, removed: d.removed }).toEqual({ added: [], removed: [] });
      expect(d.changed).toEqual([
        expect.objectContaining({
          name: "coturn-config-3ba4a9bcb5",
          formerly: { urn: "urn:cm-9215431c6f", name: "coturn-config-9215431c6f", how: "renamed by content hash" },
          replacedBy: ["(name)", "data.conf", "metadata.name"],
        }),
      ]);
      expect(d.files).toEqual([
        {
          path: "manifests/livekit/ConfigMap-coturn-config-3ba4a9bcb5.yaml",
          formerPath: "manifests/livekit/ConfigMap-coturn-config-9215431c6f.yaml",
          status: "changed",
          diff: ["@@ -1,2 +1,2 @@", " data:", "-  conf: a", "+  conf: b"],
        },
      ]);
    });

    it("pairs by hash only within one type and parent, and only one to one", () => {
      const a = resource({ urn: "urn:a", name: "cfg-1b221cf82b" });
      const otherParent = resource({ urn: "urn:b", name: "cfg-4e2753f308", parent: "urn:elsewhere" });
      const d = diffPlans(plan([a]), plan([otherParent]));
      expect({ added: d.added.map((r) => r.name), removed: d.removed.map((r) => r.name) }).toEqual({
        added: ["cfg-4e2753f308"],
        removed: ["cfg-1b221cf82b"],
      });
      expect(withoutHashSuffix("livekit-config-1b221cf82b")).toBe("livekit-config");
      expect(withoutHashSuffix("coturn-deadbeef")).toBeUndefined();
      expect(withoutHashSuffix("livekit-server")).toBeUndefined();
    });

    it("follows an alias: a resource registered with an alias to the old URN is moved, not added and removed", () => {
      const old = resource({
        urn: "urn:old-parent$kubernetes:core/v1:Secret::keys",
        type: "kubernetes:core/v1:Secret",
        name: "keys",
      });
      const moved = {
        ...old,
        urn: "urn:new-parent$kubernetes:core/v1:Secret::keys",
        parent: "urn:new-parent",
        aliases: [old.urn],
      };
      const d = diffPlans(plan([old]), plan([moved]));
      expect({ added: d.added, removed: d.removed }).toEqual({ added: [], removed: [] });
      expect(d.changed).toEqual([
        expect.objectContaining({
          urn: moved.urn,
          formerly: { urn: old.urn, name: "keys", how: "alias" },
          replacedBy: [],
          changes: [{ path: "parent", before: "urn:parent", after: "urn:new-parent" }],
        }),
      ]);
      expect(formatDiff(d, "main")).toContain("moved, not replaced: kubernetes:core/v1:Secret keys → keys (alias)");
      // Without the alias, the same two plans are one removal and one addition.
      const { aliases: _, ...unaliased } = moved;
      const plain = diffPlans(plan([old]), plan([unaliased]));
      expect([plain.added.length, plain.removed.length, plain.changed.length]).toEqual([1, 1, 0]);
    });

    it("reads what depends on a moved resource through its alias: unchanged, and no replacement in question", () => {
      const password = resource({
        urn: "urn:redis$random:index/randomPassword:RandomPassword::auth",
        type: "random:index/randomPassword:RandomPassword",
        name: "auth",
      });
      const moved = {
        ...password,
        urn: "urn:credentials$random:index/randomPassword:RandomPassword::auth",
        aliases: [password.urn],
      };
      const group = (dependencies: string[]) =>
        resource({
          urn: "urn:redis$aws:elasticache/replicationGroup:ReplicationGroup::redis",
          type: "aws:elasticache/replicationGroup:ReplicationGroup",
          name: "redis",
          dependencies,
        });
      const d = diffPlans(plan([password, group([password.urn])]), plan([moved, group([moved.urn])]));
      expect(d.changed.map((c) => c.name)).toEqual(["auth"]);
      // What really changed in a dependent is still shown; with no input changed, nothing can replace it, whatever
      // the type (no replacement rule of the replication group is modelled).
      const other = diffPlans(plan([password, group([password.urn])]), plan([moved, group([])]));
      expect(other.changed.find((c) => c.name === "redis")).toEqual(
        expect.objectContaining({ replacedBy: [], replaceRuleKnown: true }),
      );
      expect(formatChangeSummary(other).join("\n")).not.toMatch(/not modelled/);
      // A new provider, though, is asked about its own configuration, which the plan does not model.
      const reprovided = diffPlans(plan([group([])]), plan([{ ...group([]), provider: "urn:other-provider" }]));
      expect(reprovided.changed).toEqual([expect.objectContaining({ name: "redis", replaceRuleKnown: false })]);
      // Whatever the type: a Kubernetes object's rules are modelled, a new cluster's provider is not.
      const config = resource({ urn: "urn:cm", provider: "urn:k8s::1" });
      const newCluster = diffPlans(plan([config]), plan([{ ...config, provider: "urn:k8s::2" }]));
      expect(newCluster.changed).toEqual([
        expect.objectContaining({ name: "x", replacedBy: [], replaceRuleKnown: false }),
      ]);
    });
  });

  describe("the summary it opens with", () => {
    const res = (type: string, name: string, inputs: Record<string, unknown>) => ({
      urn: `urn:${type}::${name}`,
      type,
      name,
      inputs,
      parent: null,
      provider: null,
      dependencies: [],
    });
    const hpa = (max: number) =>
      res("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "hpa", {
        metadata: { name: "livekit-server", namespace: "livekit" },
        spec: { scaleTargetRef: { name: "livekit-server" }, minReplicas: 20, maxReplicas: max },
      });
    const ingress = (fromPort: number) =>
      res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `rule-${fromPort}`, {
        ipProtocol: "tcp",
        fromPort,
        toPort: fromPort,
        cidrIpv4: "0.0.0.0/0",
        securityGroupId: "sg-1",
      });
    const record = (stack: string, region: string) =>
      res("aws:route53/record:Record", `latency-${stack}`, {
        name: "livekit.example.com",
        type: "A",
        setIdentifier: stack,
        latencyRoutingPolicies: [{ region }],
        aliases: [{ name: `${stack}.elb.amazonaws.com`, zoneId: "Z1", evaluateTargetHealth: true }],
      });
    const cost = (monthlyUsd: number, dataTransferOut: number) => ({
      monthlyUsd,
      // Not in order of what changed most: the summary sorts them.
      byGroup: { sfuNodes: monthlyUsd - dataTransferOut, dataTransferOut },
      lines: [],
    });
    const plan = (resources: PlanSnapshot["resources"], outputs: Record<string, unknown>): PlanSnapshot => ({
      resources,
      outputs,
      warnings: [],
      files: new Map(),
    });

    it("says what changed in sizing, cost, exposure, DNS and replacements", () => {
      const base = plan([hpa(98), ingress(443), record("mumbai", "ap-south-1")], {
        sizing: { targetParticipants: 25000, sfuNodes: { min: 20, max: 98 }, cost: cost(1000, 900) },
      });
      const head = plan(
        [
          hpa(117),
          ingress(443),
          ingress(22),
          record("mumbai", "ap-south-1"),
          record("frankfurt", "eu-central-1"),
          {
            ...record("x", "eu-west-1"),
            name: "moved-zone",
            inputs: { ...record("x", "eu-west-1").inputs, zoneId: "Z2" },
          },
        ],
        { sizing: { targetParticipants: 30000, sfuNodes: { min: 24, max: 117 }, cost: cost(1200, 1080) } },
      );
      // The record in another zone: ForceNew (a replacement); base has it in zone Z1.
      base.resources.push({ ...head.resources[5], inputs: { ...(head.resources[5].inputs as object), zoneId: "Z1" } });
      const d = diffPlans(base, head);
      expect(d.summary.sizing).toEqual([
        { what: "participants at peak", before: "25000", after: "30000" },
        { what: "SFU nodes (floor-ceiling)", before: "20-98", after: "24-117" },
        { what: "pods livekit/livekit-server (HPA)", before: "20-98", after: "20-117" },
      ]);
      expect(d.summary.cost).toEqual({
        before: 1000,
        after: 1200,
        groups: [
          { group: "dataTransferOut", delta: 180 },
          { group: "sfuNodes", delta: 20 },
        ],
      });
      expect(d.summary.exposure).toEqual([
        { what: "tcp 22 from 0.0.0.0/0 on security group sg-1, rule rule-22", after: "open" },
      ]);
      expect(d.summary.dns).toEqual([
        {
          what: "record A livekit.example.com (frankfurt)",
          after: "alias frankfurt.elb.amazonaws.com, latency eu-central-1",
        },
      ]);
      const text = formatDiff(d, "main");
      const summary = text.slice(0, text.indexOf("  Resources:"));
      expect(summary).toContain("~ pods livekit/livekit-server (HPA): 20-98 → 20-117");
      expect(summary).toContain("Cost: USD 1,000 → USD 1,200 a month (+USD 200, +20%); most: dataTransferOut +USD 180");
      expect(summary).toContain("+ tcp 22 from 0.0.0.0/0 on security group sg-1, rule rule-22");
      expect(summary).toContain("Replacements: 1 replaced; 1 updated in place");
      expect(summary).toContain("± aws:route53/record:Record moved-zone (zoneId)");
    });

    it("says so when nothing in them changed", () => {
      const base = plan([hpa(98)], {});
      const head = plan(
        [
          {
            ...hpa(98),
            inputs: {
              ...hpa(98).inputs,
              metadata: { name: "livekit-server", namespace: "livekit", labels: { a: "b" } },
            },
          },
        ],
        {},
      );
      const text = formatDiff(diffPlans(base, head), "main");
      expect(text).toContain("Sizing: no change in participants, nodes or pods");
      expect(text).toContain("Cost: no change");
      expect(text).toContain("Internet exposure: no change");
      expect(text).toContain("Replacements: none; 1 updated in place");
    });
  });
});
