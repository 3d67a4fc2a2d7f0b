import {
  archOf,
  CPU_FACTOR_BY_FAMILY,
  cpuFactorOf,
  familyOf,
  INSTANCE_TYPES,
  NODE_DAEMONSET_MEMORY_MIB,
  workloadMemoryMiB,
} from "../../lib/instance-types";

const SIZES = ["xlarge", "2xlarge", "4xlarge", "8xlarge"];

describe("the instance types the models size for", () => {
  it("lists the four sizes of every family that has a CPU factor, and no type of another family", () => {
    const families = Object.keys(CPU_FACTOR_BY_FAMILY);
    expect(Object.keys(INSTANCE_TYPES).sort()).toEqual(families.flatMap((f) => SIZES.map((s) => `${f}.${s}`)).sort());
  });

  it("gives each type the architecture its EC2 name says: a `g` after the generation is Graviton, arm64", () => {
    // EC2 instance type naming (AWS "Instance type naming conventions"): the processor letter `g` is Graviton;
    // the stacks refuse arm64 types for SFU and egress nodes, since they build x86_64 nodes only.
    for (const [name, type] of Object.entries(INSTANCE_TYPES)) {
      expect([name, type.arch]).toEqual([name, /^[a-z]+\d+g/.test(familyOf(name)) ? "arm64" : "amd64"]);
    }
  });

  it("counts memory in MiB from the GiB Karpenter's reference lists (instance-memory is MiB)", () => {
    expect(INSTANCE_TYPES["c6i.xlarge"].memoryMiB).toBe(8 * 1024);
    expect(INSTANCE_TYPES["m7i.8xlarge"].memoryMiB).toBe(128 * 1024);
    // kube-reserved and eviction take some of it: a node's allocatable memory is below its capacity.
    for (const type of Object.values(INSTANCE_TYPES)) expect(type.allocatableMemoryMiB).toBeLessThan(type.memoryMiB);
  });

  it("leaves workload pods a node's allocatable memory less the DaemonSets' requests", () => {
    expect(workloadMemoryMiB(INSTANCE_TYPES["c6i.2xlarge"])).toBe(14162 - NODE_DAEMONSET_MEMORY_MIB);
  });
});

describe("the CPU factor of a type", () => {
  it("is its family's, the family being the name before the dot", () => {
    expect(familyOf("c6in.2xlarge")).toBe("c6in");
    expect(cpuFactorOf("c7a.4xlarge")).toBe(1.25);
    expect(cpuFactorOf("c8g.xlarge")).toBe(1.15);
    expect(cpuFactorOf("c7i.xlarge")).toBe(1.1);
    expect(cpuFactorOf("m7i.xlarge")).toBe(1.1);
  });

  it("is 1 for a family without one, as for the reference c6i", () => {
    expect(cpuFactorOf("c6i.xlarge")).toBe(1);
    expect(cpuFactorOf("r8i.xlarge")).toBe(1);
  });

  it("states its basis, and every factor but the Ice Lake families' says it is an estimate", () => {
    const iceLake = ["c6i", "c6in", "m6i"];
    for (const [family, { factor, basis }] of Object.entries(CPU_FACTOR_BY_FAMILY)) {
      expect([family, typeof factor, basis.startsWith("estimate:")]).toEqual([
        family,
        "number",
        !iceLake.includes(family),
      ]);
      expect(basis.length).toBeGreaterThan("estimate: ".length);
    }
  });
});

describe("the architecture of a type", () => {
  it("is the table's for a type it lists", () => {
    for (const [name, type] of Object.entries(INSTANCE_TYPES)) expect(archOf(name)).toBe(type.arch);
  });

  // EC2's naming convention: a `g` among the attribute letters after the generation is AWS Graviton.
  it.each([
    "m7g.large",
    "c7gn.xlarge",
    "r8gd.2xlarge",
    "t4g.medium",
    "g5g.xlarge",
    "m6gd.large",
    "im4gn.large",
    "a1.large",
  ])("is arm64 for Graviton %s, which the table does not list", (name) => expect(archOf(name)).toBe("arm64"));

  it.each([
    "m6i.large",
    "t3.medium",
    "m7a.xlarge",
    "r6in.large",
    "g4dn.xlarge",
    "m7i-flex.large",
    "c5n.large",
    "u7in-16tb.224xlarge",
  ])("is amd64 for %s", (name) => expect(archOf(name)).toBe("amd64"));
});
