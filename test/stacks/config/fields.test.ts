/**
 * The building blocks of the stack schemas: the one line each refuses a value with (the stack file's, through the
 * parser, where a stack file can give that value), their bounds, a DNS zone's id by provider, the account
 * Cloudflare needs, a secret checked without being shown.
 */
// The SDK's aws.ec2 namespace itself, without loading every other namespace of @pulumi/aws.
import * as ec2 from "@pulumi/aws/ec2";
import { availabilityZoneIds, awsRegionNames } from "../../../lib/aws-regions";
import { parseInput, SECRET_PLACEHOLDER_PREFIX } from "../../../lib/errors";
import { INSTANCE_TYPES } from "../../../lib/instance-types";
import {
  cloudflareAccountGiven,
  cloudWatchRetentionDays,
  dnsLabel,
  EC2_INSTANCE_TYPES,
  instanceTypeProblem,
  ipv4Cidr,
  nodeGroup,
  port,
  portRange,
  secretMatching,
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
    // The whole value is the id: nothing pasted after it, and no longer than Route53's ResourceId (32).
    ["route53", "Z1D633PJN98FT9 livekit.example.com", "must be a Route53 hosted zone id"],
    ["route53", `Z${"0".repeat(31)}`, undefined],
    ["route53", `Z${"0".repeat(32)}`, "must be a Route53 hosted zone id"],
    ["cloudflare", "0123456789abcdef0123456789abcdef", undefined],
    ["cloudflare", "Z0EXAMPLEZONE00000000", "looks like a route53 zone id"],
    ["cloudflare", "0123456789ABCDEF0123456789ABCDEF", "must be a Cloudflare zone id"],
    ["cloudflare", "0123456789abcdef0123456789abcdef0", "must be a Cloudflare zone id"],
    ["cloudflare", "x0123456789abcdef0123456789abcdef", "must be a Cloudflare zone id"],
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
    // Nothing near it: the line ends at the rule.
    expect(instanceTypeProblem("quantum.unheardofsize")).toBe(
      "is not an EC2 instance type (aws.ec2.InstanceType of the pinned @pulumi/aws)",
    );
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

describe("the line a stack file's mistake gets", () => {
  const region = (overrides: Record<string, unknown>) => () =>
    parseStackConfig(stackConfig("mumbai", overrides), "mumbai");
  const global = (overrides: Record<string, unknown>) => () =>
    parseStackConfig(stackConfig("global", overrides), "global");
  const mumbaiDns = JSON.parse(stackConfig("mumbai")["livekit-platform:dns"]);
  const globalDns = JSON.parse(stackConfig("global")["livekit-platform:dns"]);

  it.each([
    // Pulumi passes a scalar as a string, and a list or a map as JSON: a list is what reaches the type check.
    [
      { "livekit-platform:domain": ["livekit.example.com"] },
      'livekit-platform:domain: must be a domain name such as livekit.example.com, got ["livekit.example.com"]',
    ],
    [
      { "livekit-platform:domain": "Livekit.Example.com" },
      'livekit-platform:domain: must be a lowercase domain name such as livekit.example.com, got "Livekit.Example.com"',
    ],
    [
      { "livekit-platform:regionLabel": ["mumbai"] },
      'livekit-platform:regionLabel: must be a DNS label (lowercase letters, digits and hyphens), got ["mumbai"]',
    ],
    [
      { "livekit-platform:regionLabel": "Mumbai" },
      // The region label's own limit, not DNS's 63, in either line.
      'livekit-platform:regionLabel: must be a DNS label (lowercase letters, digits and hyphens, at most 25), got "Mumbai"',
    ],
    [
      { "livekit-platform:regionLabel": "a".repeat(64) },
      `livekit-platform:regionLabel: must be at most 25 characters (AWS names are derived from it), got "${"a".repeat(64)}"`,
    ],
    [
      { "livekit-platform:dns": { ...mumbaiDns, zoneId: 123 } },
      "livekit-platform:dns.zoneId: must be the id of the DNS zone that holds the domain, got 123",
    ],
    [
      {
        "livekit-platform:dns": {
          provider: "cloudflare",
          zoneId: "0123456789abcdef0123456789abcdef",
          cloudflareAccountId: "0123456789ABCDEF0123456789ABCDEF",
        },
      },
      'livekit-platform:dns.cloudflareAccountId: must be a Cloudflare account id (32 hex characters), got "0123456789ABCDEF0123456789ABCDEF"',
    ],
    [
      { "livekit-platform:capacity": { targetParticipants: 25000, egressNodeType: 5 } },
      "livekit-platform:capacity.egressNodeType: must be an EC2 instance type such as c6i.2xlarge, got 5",
    ],
    [
      { "livekit-platform:capacity": { targetParticipants: 25000, egressNodeType: "C6i.4xlarge" } },
      'livekit-platform:capacity.egressNodeType: must be an EC2 instance type such as c6i.2xlarge, got "C6i.4xlarge"',
    ],
    [
      { "livekit-platform:rtc": { tcpPort: 65536 } },
      "livekit-platform:rtc.tcpPort: must be a port number (1-65535), got 65536",
    ],
    [
      { "livekit-platform:auditLogs": { flowLogRetentionDays: "90" } },
      'livekit-platform:auditLogs.flowLogRetentionDays: must be a number of days CloudWatch accepts, got "90"',
    ],
  ])("in a region: %j", (overrides, line) => {
    expect(region(overrides)).toThrow(line);
  });

  it("in the global stack: the Cloudflare fallback region is a DNS label", () => {
    expect(global({ "livekit-platform:dns": { ...globalDns, cloudflareFallbackRegion: 1 } })).toThrow(
      "livekit-platform:dns.cloudflareFallbackRegion: must be a DNS label (lowercase letters, digits and hyphens), got 1",
    );
    expect(global({ "livekit-platform:dns": { ...globalDns, cloudflareFallbackRegion: "Mumbai" } })).toThrow(
      'livekit-platform:dns.cloudflareFallbackRegion: must be a DNS label (lowercase letters, digits and hyphens, at most 63), got "Mumbai"',
    );
  });
});

describe("more of the building blocks' bounds", () => {
  const problem = (
    schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } },
    value: unknown,
  ) => {
    const result = schema.safeParse(value);
    return result.success ? undefined : result.error!.issues[0].message;
  };

  it("a DNS label has at most 63 characters, a letter or digit first and last", () => {
    for (const ok of ["a", "0", "eu-west-1", "a".repeat(63)]) expect(problem(dnsLabel, ok)).toBeUndefined();
    expect(problem(dnsLabel, "a".repeat(64))).toBe("must be at most 63 characters (a DNS label's limit)");
    for (const bad of ["", "-a", "a-", "a_b", "A"])
      expect(problem(dnsLabel, bad)).toBe("must be a DNS label (lowercase letters, digits and hyphens, at most 63)");
  });

  it("a port is a whole number from 1 to 65535, both included", () => {
    for (const ok of [1, 7881, 65535]) expect(problem(port, ok)).toBeUndefined();
    for (const bad of [0, 65536, 7881.5]) expect(problem(port, bad)).toBe("must be a port number (1-65535)");
  });

  // CloudWatch Logs API reference (PutRetentionPolicy, LogGroup.retentionInDays): the possible values are these;
  // CloudWatch refuses any other when the log group is created or updated, and `pulumi up` fails.
  const CLOUDWATCH_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
  ];

  it("a log retention is one of the periods CloudWatch accepts, from 1 to 3653 days", () => {
    for (const days of CLOUDWATCH_RETENTION_DAYS) expect(problem(cloudWatchRetentionDays, days)).toBeUndefined();
    const refused = `must be one of ${CLOUDWATCH_RETENTION_DAYS.join(", ")} (days CloudWatch accepts)`;
    for (const days of [0, 2, 29, 31, 365.5, 3650, 3654]) expect(problem(cloudWatchRetentionDays, days)).toBe(refused);
  });

  it("a log retention off CloudWatch's list is refused with the list, in both settings that take one", () => {
    const raw = (overrides: Record<string, unknown>) => () =>
      parseStackConfig(stackConfig("mumbai", overrides), "mumbai");
    expect(raw({ "livekit-platform:auditLogs": { flowLogRetentionDays: 3650 } })).toThrow(
      /^livekit-platform:auditLogs\.flowLogRetentionDays: must be one of 1, 3, 5, .*, 3288, 3653 \(days CloudWatch accepts\), got 3650$/,
    );
    expect(raw({ "livekit-platform:auditLogs": { flowLogRetentionDays: 3653 } })).not.toThrow();
    const cluster = JSON.parse(stackConfig("mumbai")["livekit-platform:cluster"]);
    expect(raw({ "livekit-platform:cluster": { ...cluster, logRetentionDays: 31 } })).toThrow(
      /^livekit-platform:cluster\.logRetentionDays: must be one of .* \(days CloudWatch accepts\), got 31$/,
    );
  });
});

describe("a secret with a pattern", () => {
  const heartbeatUrl = secretMatching(/^https:\/\//, "must be an https:// URL");
  const read = (value: string) => () => parseInput(heartbeatUrl, value, { keyOf: () => "alerting.heartbeatUrl" });

  it("takes a value of its pattern", () => {
    expect(read("https://hc-ping.com/abc")()).toBe("https://hc-ping.com/abc");
  });

  it("takes the offline plan's stand-in for a secure: value, which pulumi preview then checks decrypted", () => {
    const standIn = `${SECRET_PLACEHOLDER_PREFIX}livekit-platform:alerting`;
    expect(read(standIn)()).toBe(standIn);
  });

  it("refuses a value off its pattern in one line that does not show it", () => {
    expect(read("http://hc-ping.com/abc")).toThrow(
      new Error("alerting.heartbeatUrl: must be an https:// URL, got a value not shown (a secret)"),
    );
    // Only a value that starts as the stand-in does is taken as one.
    expect(read(`http://${SECRET_PLACEHOLDER_PREFIX}`)).toThrow("must be an https:// URL");
  });
});
