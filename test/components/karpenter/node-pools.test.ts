/**
 * The NodePool and EC2NodeClass specs as pure data (components/karpenter/node-pools.ts): what the
 * Karpenter component sends, checked without the Pulumi runtime (and so within `npm run mutate`).
 */
import {
  karpenterDuration,
  NODE_CLASS_NAMES,
  nodeClassSpec,
  nodePoolSpecs,
  nodesReplacedAtOnce,
  subnetTierOf,
} from "../../../components/karpenter/node-pools";
import { nodeRoles } from "../../../components/shared/node-roles";

const specs = nodePoolSpecs({
  cpuLimits: { sfu: 96, egress: 48, general: 24 },
  drainSeconds: 18000,
  sfuInstanceType: "c6i.2xlarge",
  egressInstanceType: "c6i.4xlarge",
});
const requirement = (pool: keyof typeof specs, key: string) =>
  specs[pool].spec.template.spec.requirements.filter((r) => r.key === key);

describe("karpenterDuration", () => {
  it.each([
    [18900, "5h15m"],
    [3600, "1h"],
    [61, "1m1s"],
    [3601, "1h1s"],
    [59, "59s"],
    [0, "0s"],
  ])("writes %i s as %s", (seconds, text) => {
    expect(karpenterDuration(seconds)).toBe(text);
    expect(text).toMatch(/^([0-9]+(s|m|h))+$/);
  });
});

describe("nodePoolSpecs", () => {
  it("has the sfu, egress and general pools on their node classes (recorders outbound: no NAT on the media path)", () => {
    expect(Object.fromEntries(Object.entries(specs).map(([k, v]) => [k, v.nodeClass]))).toEqual({
      sfu: "public",
      egress: "outbound",
      general: "private",
    });
  });

  it("disrupts at most 10% of SFU and egress nodes at once, and only empty ones", () => {
    for (const pool of ["sfu", "egress"] as const) {
      expect(specs[pool].spec.disruption).toEqual({
        consolidationPolicy: "WhenEmpty",
        consolidateAfter: "10m",
        budgets: [{ nodes: "10%" }],
      });
    }
    expect(specs.general.spec.disruption).toEqual({
      consolidationPolicy: "WhenEmptyOrUnderutilized",
      consolidateAfter: "1m",
    });
  });

  it("gives SFU and egress nodes the drain plus 15 minutes before Karpenter forces them off, general ones an hour", () => {
    expect(specs.sfu.spec.template.spec.terminationGracePeriod).toBe("5h15m");
    expect(specs.egress.spec.template.spec.terminationGracePeriod).toBe("5h15m");
    expect(specs.general.spec.template.spec.terminationGracePeriod).toBe("1h");
  });

  it("keeps SFU and egress nodes on demand and lets general ones use spot", () => {
    expect(requirement("sfu", "karpenter.sh/capacity-type")[0].values).toEqual(["on-demand"]);
    expect(requirement("egress", "karpenter.sh/capacity-type")[0].values).toEqual(["on-demand"]);
    expect(requirement("general", "karpenter.sh/capacity-type")[0].values).toEqual(["spot", "on-demand"]);
    // Exactly the types the capacity model sized the region for.
    expect(requirement("sfu", "node.kubernetes.io/instance-type")).toEqual([
      { key: "node.kubernetes.io/instance-type", operator: "In", values: ["c6i.2xlarge"] },
    ]);
    expect(requirement("egress", "node.kubernetes.io/instance-type")).toEqual([
      { key: "node.kubernetes.io/instance-type", operator: "In", values: ["c6i.4xlarge"] },
    ]);
    // Nothing lets Karpenter pick another (larger) egress node: no category or size requirement beside it.
    expect(specs.egress.spec.template.spec.requirements.map((r) => r.key)).toEqual([
      "karpenter.sh/capacity-type",
      "node.kubernetes.io/instance-type",
      "kubernetes.io/arch",
      "kubernetes.io/os",
    ]);
    for (const pool of ["sfu", "egress", "general"] as const) {
      expect(requirement(pool, "kubernetes.io/arch")).toEqual([
        { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
      ]);
      expect(requirement(pool, "kubernetes.io/os")).toEqual([
        { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
      ]);
      expect(specs[pool].spec.template.spec.nodeClassRef).toEqual({
        group: "karpenter.k8s.aws",
        kind: "EC2NodeClass",
        name: specs[pool].nodeClass,
      });
    }
  });

  it("lets no node expire (expiry is forceful and ignores budgets): nodes are replaced by drift", () => {
    for (const pool of ["sfu", "egress", "general"] as const) {
      expect(specs[pool].spec.template.spec.expireAfter).toBe("Never");
    }
  });

  it("caps each pool at its vCPU limit", () => {
    expect([specs.sfu, specs.egress, specs.general].map((s) => s.spec.limits)).toEqual([
      { cpu: "96" },
      { cpu: "48" },
      { cpu: "24" },
    ]);
  });
});

describe("nodeClassSpec", () => {
  const refs = {
    role: "node-role",
    clusterName: "livekit-mumbai",
    securityGroupId: "sg-1",
    sfuSecurityGroupId: "sg-sfu",
  };

  it("admits the internet's WebRTC and TURN only on public (SFU) nodes; outbound nodes get a public IP and nothing more", () => {
    const pub = nodeClassSpec("public", refs, "al2023@v1", "#!/bin/bash");
    expect(pub.securityGroupSelectorTerms).toEqual([{ id: "sg-1" }, { id: "sg-sfu" }]);
    const out = nodeClassSpec("outbound", refs, "al2023@v1", "#!/bin/bash");
    expect(out.securityGroupSelectorTerms).toEqual([{ id: "sg-1" }]);
    expect(out).toMatchObject({ associatePublicIPAddress: true });
    expect(out).not.toHaveProperty("userData");
    expect(out.subnetSelectorTerms[0].tags["livekit-platform/subnet-tier"]).toBe("public");
    expect(nodeClassSpec("private", refs, "al2023@v1", "").securityGroupSelectorTerms).toEqual([{ id: "sg-1" }]);
  });

  it("gives public nodes a public IP and the SFU user data, private ones neither", () => {
    const pub = nodeClassSpec("public", refs, "al2023@v1", "#!/bin/bash");
    expect(pub).toMatchObject({ associatePublicIPAddress: true, userData: "#!/bin/bash" });
    const priv = nodeClassSpec("private", refs, "al2023@v1", "#!/bin/bash");
    expect(priv).not.toHaveProperty("associatePublicIPAddress");
    expect(priv).not.toHaveProperty("userData");
  });

  it("requires IMDSv2 with a hop limit of 1, an encrypted gp3 root volume, and selects its tier's subnets", () => {
    const spec = nodeClassSpec("private", refs, "al2023@v1", "");
    expect(spec.metadataOptions).toEqual({
      httpEndpoint: "enabled",
      httpProtocolIPv6: "disabled",
      httpPutResponseHopLimit: 1,
      httpTokens: "required",
    });
    expect(spec.blockDeviceMappings).toEqual([
      {
        deviceName: "/dev/xvda",
        ebs: { volumeSize: "40Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true },
      },
    ]);
    expect(spec.amiSelectorTerms).toEqual([{ alias: "al2023@v1" }]);
    expect(spec.role).toBe("node-role");
    expect(spec.securityGroupSelectorTerms).toEqual([{ id: "sg-1" }]);
    expect(Object.values(spec.subnetSelectorTerms[0].tags)).toEqual(["livekit-mumbai", "private"]);
  });
});

describe("how many nodes drift replaces at once under the 10% budget", () => {
  it("is the largest k with k <= ceil(10% of (nodes + k)): Karpenter counts its replacements and rounds up", () => {
    expect([0, 1, 5, 9, 10, 30, 100].map((nodes) => nodesReplacedAtOnce(nodes))).toEqual([0, 1, 1, 2, 2, 4, 12]);
    expect(nodesReplacedAtOnce(10, 50)).toBe(10);
    expect(nodesReplacedAtOnce(4, 100)).toBe(4);
  });
});

describe("the pools' nodes", () => {
  it("general: any c, m or r instance of generation 6 or later, spot or on demand, x86-64 Linux", () => {
    expect(specs.general.spec.template.spec.requirements).toEqual([
      { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
      { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] },
      { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
      { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
      { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
    ]);
    for (const pool of ["sfu", "egress"] as const)
      expect(requirement(pool, "karpenter.sh/capacity-type")).toEqual([
        { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
      ]);
  });

  it("carry their node role's labels", () => {
    for (const pool of ["sfu", "egress", "general"] as const)
      expect(specs[pool].spec.template.metadata!.labels).toEqual(nodeRoles[pool].labels);
  });

  it("come from three node classes, two of them in public subnets", () => {
    expect(NODE_CLASS_NAMES.map((name) => [name, subnetTierOf(name)])).toEqual([
      ["public", "public"],
      ["outbound", "public"],
      ["private", "private"],
    ]);
  });
});
