/** The building blocks of the stack schemas: a DNS zone's id by provider, the account Cloudflare needs. */
import * as aws from "@pulumi/aws";
import { availabilityZoneIds, awsRegionNames } from "../../../lib/aws-regions";
import { INSTANCE_TYPES } from "../../../lib/instance-types";
import { EC2_INSTANCE_TYPES, instanceTypeProblem, zoneIdProblem } from "../../../stacks/config/fields";
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
    expect([...EC2_INSTANCE_TYPES].sort()).toEqual([...new Set(Object.values(aws.ec2.InstanceType))].sort());
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
