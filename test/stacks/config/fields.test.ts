/** The building blocks of the stack schemas: a DNS zone's id by provider, the account Cloudflare needs. */
// The SDK's aws.ec2 namespace itself, without loading every other namespace of @pulumi/aws.
import * as ec2 from "@pulumi/aws/ec2";
import { availabilityZoneIds, awsRegionNames } from "../../../lib/aws-regions";
import { INSTANCE_TYPES } from "../../../lib/instance-types";
import {
  cloudflareAccountGiven,
  EC2_INSTANCE_TYPES,
  instanceTypeProblem,
  ipv4Cidr,
  nodeGroup,
  portRange,
  zoneIdOfItsProvider,
  zoneIdProblem,
} from "../../../stacks/config/fields";
import { parseStackConfig } from "../../../stacks/config";
import { stackConfig } from "../../support/stack-config";

describe("DNS zone ids by provider", () => {
  it.each([
    ["route53", "Z0EXAMPLEZONE00000000", undefined],
    ["route53", "Z1D633PJN98FT9", undefined],
    ["route53", "livekit.example.com", "must be a Route53 hosted zone id"],
    ["route53", "12345", "must be a Route53 hosted zone id"],
    ["route53", "/hostedzone/Z1D633PJN98FT9", "without the /hostedzone/ prefix"],
    ["route53", "0123456789abcdef0123456789abcdef", "looks like a cloudflare zone id"],
    ["cloudflare", "0123456789abcdef0123456789abcdef", undefined],
    ["cloudflare", "Z0EXAMPLEZONE00000000", "looks like a route53 zone id"],
    ["cloudflare", "0123456789ABCDEF0123456789ABCDEF", "must be a Cloudflare zone id"],
  ])("%s %s", (provider, zoneId, problem) => {
    const found = zoneIdProblem(provider, zoneId);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe("a DNS zone", () => {
  it("requires a Cloudflare account id with the cloudflare provider", () => {
    const raw = stackConfig("mumbai", {
      "livekit-platform:dns": { provider: "cloudflare", zoneId: "fedcba9876543210fedcba9876543210" },
    });
    expect(() => parseStackConfig(raw, "mumbai")).toThrow(
      "livekit-platform:dns.cloudflareAccountId: is required when dns.provider is cloudflare, got nothing",
    );
  });
});

describe("an EC2 instance type", () => {
  it("is one of the pinned SDK's aws.ec2.InstanceType values, read from the SDK itself", () => {
    expect([...EC2_INSTANCE_TYPES].sort()).toEqual([...new Set(Object.values(ec2.InstanceType))].sort());
    expect(EC2_INSTANCE_TYPES.size).toBeGreaterThan(500);
  });

  it("covers every type the capacity model describes", () => {
    expect(Object.keys(INSTANCE_TYPES).filter((t) => instanceTypeProblem(t) !== undefined)).toEqual([]);
  });

  it("refuses a typo, with the nearest type", () => {
    expect(instanceTypeProblem("m6i.xlarg")).toBe(
      "is not an EC2 instance type (aws.ec2.InstanceType of the pinned @pulumi/aws); did you mean m6i.xlarge?",
    );
    expect(instanceTypeProblem("c9z.huge")).toMatch(/^is not an EC2 instance type/);
  });

  it.each([
    [
      "cluster",
      { publicAccessCidrs: [], systemNodes: { instanceType: "m6i.xlarg" } },
      "cluster.systemNodes.instanceType",
    ],
    ["cluster", { publicAccessCidrs: [], sfuNodes: { instanceType: "c6i.2xlarg" } }, "cluster.sfuNodes.instanceType"],
    ["capacity", { targetParticipants: 25000, egressNodeType: "c6i.4xlarg" }, "capacity.egressNodeType"],
  ])("is checked at %s: %j", (section, value, key) => {
    const raw = stackConfig("mumbai", { [`livekit-platform:${section}`]: value });
    expect(() => parseStackConfig(raw, "mumbai")).toThrow(`livekit-platform:${key}: is not an EC2 instance type`);
  });
});

describe("availability zones", () => {
  it("are known for every AWS region the stacks accept, two to six each", () => {
    expect(Object.keys(availabilityZoneIds).sort()).toEqual([...awsRegionNames].sort());
    for (const zones of Object.values(availabilityZoneIds)) {
      expect(zones.length).toBeGreaterThanOrEqual(2);
      expect(zones.length).toBeLessThanOrEqual(6);
    }
  });

  it("bound network.availabilityZones by the region's, naming them, before the system nodes' rule", () => {
    const raw = (awsRegion: string, availabilityZones: number) =>
      stackConfig("mumbai", {
        "aws:region": awsRegion,
        "livekit-platform:network": { cidr: "10.20.0.0/16", availabilityZones },
      });
    expect(() => parseStackConfig(raw("ap-south-1", 4), "mumbai")).toThrow(
      "livekit-platform:network.availabilityZones: must be at most the 3 availability zones ap-south-1 has (aps1-az1, aps1-az2, aps1-az3), got 4",
    );
    expect(() => parseStackConfig(raw("us-west-1", 3), "mumbai")).toThrow(
      "must be at most the 2 availability zones us-west-1 has (usw1-az1, usw1-az3), got 3",
    );
    // Four zones where there are four: then the system nodes must cover them.
    expect(() => parseStackConfig(raw("us-west-2", 4), "mumbai")).toThrow(
      "livekit-platform:cluster.systemNodes.min: must be at least network.availabilityZones (4)",
    );
  });
});

describe("the building blocks' bounds", () => {
  const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
    result.success ? [] : result.error!.issues.map(({ path, message }) => ({ path, message }));

  it("an IPv4 block takes the prefixes from its smallest to its largest, both included", () => {
    const vpc = ipv4Cidr(16, 24);
    for (const ok of ["10.0.0.0/16", "10.0.0.0/20", "10.0.0.0/24"]) expect(issues(vpc.safeParse(ok))).toEqual([]);
    for (const bad of ["10.0.0.0/15", "10.0.0.0/25", "10.0.0.1/24", "fd00::/16"])
      expect(issues(vpc.safeParse(bad))).toEqual([
        { path: [], message: "must be an IPv4 CIDR block from /16 to /24, such as 10.20.0.0/16" },
      ]);
    expect(issues(vpc.safeParse(1020))).toEqual([{ path: [], message: "must be an IPv4 CIDR block" }]);
  });

  it("a port range may be one port; its start may not pass its end", () => {
    expect(issues(portRange.safeParse({ start: 3478, end: 3478 }))).toEqual([]);
    expect(issues(portRange.safeParse({ start: 3479, end: 3478 }))).toEqual([
      { path: [], message: "start must not exceed end" },
    ]);
  });

  it("a node group may be fixed (min = max); its min may not pass its max", () => {
    const group = nodeGroup({ instanceType: "c6i.large", min: 1, max: 3 });
    expect(group.parse({})).toEqual({ instanceType: "c6i.large", min: 1, max: 3 });
    expect(issues(group.safeParse({ min: 3 }))).toEqual([]);
    expect(issues(group.safeParse({ min: 4 }))).toEqual([{ path: ["min"], message: "must not exceed max (3)" }]);
  });

  it("a node group's type is x86_64: the managed node group runs the x86_64 EKS AMI, which EKS pairs with no Graviton type", () => {
    const group = nodeGroup({ instanceType: "m6i.xlarge", min: 1, max: 3 });
    expect(issues(group.safeParse({ instanceType: "m7g.xlarge" }))).toEqual([
      {
        path: ["instanceType"],
        message: "is an arm64 (Graviton) type: the managed node group runs the x86_64 EKS AMI (AL2023_x86_64_STANDARD)",
      },
    ]);
    expect(issues(group.safeParse({ instanceType: "t4g.large" }))).toHaveLength(1);
    expect(issues(group.safeParse({ instanceType: "m7i.xlarge" }))).toEqual([]);
  });
});

describe("a DNS zone's rules", () => {
  const ROUTE53_ID = "Z0EXAMPLEZONE00000000";
  const CLOUDFLARE_ID = "0123456789abcdef0123456789abcdef";

  it("a Cloudflare account id is needed with Cloudflare only", () => {
    expect(cloudflareAccountGiven({ provider: "route53", zoneId: ROUTE53_ID })).toBeUndefined();
    expect(
      cloudflareAccountGiven({ provider: "cloudflare", zoneId: CLOUDFLARE_ID, cloudflareAccountId: CLOUDFLARE_ID }),
    ).toBeUndefined();
    expect(cloudflareAccountGiven({ provider: "cloudflare", zoneId: CLOUDFLARE_ID })).toEqual({
      path: ["cloudflareAccountId"],
      problem: "is required when dns.provider is cloudflare",
      value: undefined,
    });
  });

  it("the zone id is its provider's, and the problem names the other provider only when the id is of that form", () => {
    expect(zoneIdOfItsProvider({ provider: "route53", zoneId: ROUTE53_ID })).toBeUndefined();
    expect(zoneIdOfItsProvider({ provider: "route53", zoneId: "12345" })).toEqual({
      path: ["zoneId"],
      problem:
        "must be a Route53 hosted zone id (Z followed by capital letters and digits, such as Z0123456789ABCDEFGHIJ)",
      value: "12345",
    });
    expect(zoneIdProblem("cloudflare", ROUTE53_ID)).toBe(
      "must be a Cloudflare zone id (32 hex characters); this looks like a route53 zone id (dns.provider is cloudflare)",
    );
  });
});
