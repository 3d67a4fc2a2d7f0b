import * as fs from "fs";
import { parse } from "yaml";
import { parseStackConfig, RegionStackConfig, GlobalStackConfig } from "../../stacks/config";
import { checkRegionStacks, discoverRegionStacks, RegionStackFile } from "../../stacks/regions";
import { main, report } from "../../tools/plan";
import { planCommand, stackConfig, writeTempStackFile } from "../support/plan";
import { stackFilePath } from "../../stacks/stack-files";
import { projectRoot } from "../support/plan";

/** The shipped stack file's `config:` map as YAML values (objects, not JSON text). */
function stackYaml(stack: string): Record<string, any> {
  return parse(fs.readFileSync(stackFilePath(projectRoot, stack), "utf8")).config;
}

/** Each bad input, the stack it breaks, and the exact line the user must see. */
const badInputs: Array<{ what: string; stack: string; change: (c: Record<string, any>) => void; message: string }> = [
  {
    what: "a missing AWS region",
    stack: "mumbai",
    change: (c) => delete c["aws:region"],
    message: "error: aws:region: is required, got nothing",
  },
  {
    what: "an unknown AWS region",
    stack: "mumbai",
    change: (c) => (c["aws:region"] = "ap-mumbai-1"),
    message:
      'error: aws:region: unknown AWS region, expected one such as ap-south-1 or ap-southeast-1, got "ap-mumbai-1"',
  },
  {
    what: "a malformed domain",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:domain"] = "https://LiveKit.example.com"),
    message:
      'error: livekit-platform:domain: must be a lowercase domain name such as livekit.example.com, got "https://LiveKit.example.com"',
  },
  {
    what: "a node count that is not a positive integer",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:cluster"] = { sfuNodes: { min: 0, max: 4 } }),
    message: "error: livekit-platform:cluster.sfuNodes.min: must be a positive integer, got 0",
  },
  {
    what: "a fractional node count",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:cluster"] = { systemNodes: { min: 2, max: 2.5 } }),
    message: "error: livekit-platform:cluster.systemNodes.max: must be a positive integer, got 2.5",
  },
  {
    what: "min nodes above max nodes",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:cluster"] = { sfuNodes: { min: 6, max: 4 } }),
    message: "error: livekit-platform:cluster.sfuNodes.min: must not exceed max (4), got 6",
  },
  {
    what: "a TURN relay range overlapping the SFU's UDP range",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:turn"] = { relayPortRange: { start: 45000, end: 55000 } }),
    message:
      'error: livekit-platform:turn.relayPortRange: overlaps rtc.udpPortRange 50000-60000; Coturn and LiveKit share the node\'s host network, got {"start":45000,"end":55000}',
  },
  {
    what: "a Karpenter CPU limit too small for one node",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:karpenter"] = { sfuCpuLimit: 4 }),
    message:
      "error: livekit-platform:karpenter.sfuCpuLimit: must be a whole number of vCPUs, at least 8 (one 8-vCPU node), got 4",
  },
  {
    what: "a Redis node type that is not an ElastiCache type",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:redis"] = { nodeType: "r7g.large" }),
    message:
      'error: livekit-platform:redis.nodeType: must be an ElastiCache node type such as cache.r7g.large, got "r7g.large"',
  },
  {
    what: "a single Redis node, which cannot fail over",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:redis"] = { nodeCount: 1 }),
    message:
      "error: livekit-platform:redis.nodeCount: must be an integer from 2 to 6 (a primary and 1-5 replicas; failover needs a replica), got 1",
  },
  {
    what: "a Route53 health-checker region that does not exist",
    stack: "global",
    change: (c) =>
      (c["livekit-platform:dns"].healthCheck.checkerRegions = ["ap-southeast-1", "ap-south-1", "eu-west-1"]),
    message:
      'error: livekit-platform:dns.healthCheck.checkerRegions[1]: not a Route53 health-checker region, expected one of us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1, got "ap-south-1"',
  },
  {
    what: "an unknown DNS provider",
    stack: "global",
    change: (c) => (c["livekit-platform:dns"].provider = "godaddy"),
    message:
      'error: livekit-platform:dns.provider: unknown DNS provider, expected "route53" or "cloudflare", got "godaddy"',
  },
  {
    what: "a global TURN name equal to the signalling name",
    stack: "global",
    change: (c) => (c["livekit-platform:dns"].turnHostname = c["livekit-platform:domain"]),
    message:
      'error: livekit-platform:dns.turnHostname: must differ from domain (signalling and TURN go to different load balancers), got "livekit.example.com"',
  },
  {
    what: "a Cloudflare monitor timeout as long as its interval",
    stack: "global",
    change: (c) => (c["livekit-platform:dns"].cloudflareMonitor = { interval: 10, timeout: 10 }),
    message: "error: livekit-platform:dns.cloudflareMonitor.timeout: must be shorter than interval (10 s), got 10",
  },
  {
    what: "a runbook link that is not a URL",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:monitoring"] = { runbookUrl: "docs/runbooks.md" }),
    message:
      'error: livekit-platform:monitoring.runbookUrl: must be a URL such as https://github.com/<org>/<repo>/blob/main/docs/runbooks.md, got "docs/runbooks.md"',
  },
  {
    what: "an unknown stack role",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:role"] = "edge"),
    message: 'error: livekit-platform:role: unknown stack role, expected "region" or "global", got "edge"',
  },
  {
    what: "a misspelt setting",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:netwrok"] = { cidr: "10.0.0.0/16" }),
    message:
      'error: livekit-platform:netwrok: is not a setting this stack reads (did you mean livekit-platform:network?), got {"cidr":"10.0.0.0/16"}',
  },
];

describe("stack configuration", () => {
  it("reads the shipped region stacks with their defaults filled in", () => {
    const mumbai = parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionStackConfig;
    expect(mumbai).toMatchObject({
      role: "region",
      awsRegion: "ap-south-1",
      regionLabel: "mumbai",
      rtc: { udpPortRange: { start: 50000, end: 60000 }, tcpPort: 7881 },
      cluster: { sfuNodes: { instanceType: "c6i.2xlarge" } },
      karpenter: { generalCpuLimit: 32 },
      capacity: { targetParticipants: 25_000, mix: "mixed", targetUtilisation: 0.6 },
      redis: { nodeType: "cache.r7g.large", nodeCount: 2 },
    });
    const singapore = parseStackConfig(stackConfig("singapore"), "singapore") as RegionStackConfig;
    expect(singapore.awsRegion).toBe("ap-southeast-1");
  });

  it("names a region after its stack when regionLabel is not set", () => {
    const cfg = parseStackConfig(
      stackConfig("mumbai", { "livekit-platform:regionLabel": undefined, "aws:defaultTags": undefined }),
      "bom",
    ) as RegionStackConfig;
    expect(cfg.regionLabel).toBe("bom");
  });

  it("links alerts to the runbooks in the repository unless a runbook URL is set", () => {
    const url = "https://github.com/example/livekit-platform/blob/main/docs/runbooks.md";
    const cfg = parseStackConfig(
      stackConfig("mumbai", { "livekit-platform:monitoring": { runbookUrl: url } }),
      "mumbai",
    ) as RegionStackConfig;
    expect(cfg.monitoring.runbookUrl).toBe(url);
    expect(
      (parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionStackConfig).monitoring.runbookUrl,
    ).toBeUndefined();
  });

  it("reads the global stack", () => {
    const cfg = parseStackConfig(stackConfig("global"), "global") as GlobalStackConfig;
    expect(cfg.dns.healthCheck.checkerRegions).toHaveLength(3);
    expect(cfg.stackReferences).toEqual({ organization: "organization", project: "livekit-platform" });
  });

  it("requires a Cloudflare account id with the cloudflare provider", () => {
    const raw = stackConfig("mumbai", {
      "livekit-platform:dns": { provider: "cloudflare", zoneId: "fedcba9876543210fedcba9876543210" },
    });
    expect(() => parseStackConfig(raw, "mumbai")).toThrow(
      "livekit-platform:dns.cloudflareAccountId: is required when dns.provider is cloudflare, got nothing",
    );
  });

  it.each(badInputs)("rejects $what with one line naming key, problem and value", ({ stack, change, message }) => {
    const yaml = stackYaml(stack);
    change(yaml);
    const raw = Object.fromEntries(
      Object.entries(yaml).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
    expect(() => parseStackConfig(raw, stack)).toThrow(message.replace(/^error: /, ""));
  });

  it.each(badInputs)(
    "stops the plan command on $what with exit code 2, before any resource exists",
    async ({ stack, change, message }) => {
      const yaml = stackYaml(stack);
      change(yaml);
      const file = writeTempStackFile(stack, yaml);
      let stderr = "";
      const code = await main(["--stack", stack, "--stack-file", file, "--out", `${file}.plan`]).catch((e) =>
        report(e, (t) => (stderr += t)),
      );
      expect({ code, stderr, wrote: fs.existsSync(`${file}.plan`) }).toEqual({
        code: 2,
        stderr: `${message}\n`,
        wrote: false,
      });
    },
  );

  it("exits the plan process with code 2 and nothing but that line on stderr (a region and the global stack)", async () => {
    const runs = [badInputs[1], badInputs.find((b) => b.stack === "global")!].map(
      async ({ stack, change, message }) => {
        const yaml = stackYaml(stack);
        change(yaml);
        const file = writeTempStackFile(stack, yaml);
        const run = await planCommand(stack, "--stack-file", file, "--out", `${file}.plan`);
        expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: `${message}\n` });
      },
    );
    await Promise.all(runs);
  }, 60_000);
});

describe("region stacks, checked against each other and the global stack", () => {
  const globalConfig = (dns: Record<string, unknown> = {}) =>
    parseStackConfig(
      stackConfig("global", { "livekit-platform:dns": { ...stackYaml("global")["livekit-platform:dns"], ...dns } }),
      "global",
    ) as GlobalStackConfig;
  /**
   * A region stack file like mumbai's, named `stack`, labelled and tagged after it and with a VPC range of its
   * own unless overridden (a copy that keeps mumbai's tag or range is an error of its own, tested below).
   */
  let nextCidr = 40;
  const region = (stack: string, overrides: Record<string, unknown> = {}): RegionStackFile => ({
    file: `Pulumi.${stack}.yaml`,
    config: parseStackConfig(
      stackConfig("mumbai", {
        "livekit-platform:regionLabel": stack,
        "aws:defaultTags": { tags: { project: "livekit-platform", stack } },
        "livekit-platform:network": { cidr: `10.${nextCidr++}.0.0/16`, availabilityZones: 3 },
        ...overrides,
      }),
      stack,
    ) as RegionStackConfig,
  });
  const mumbai = region("mumbai");
  const singapore = region("singapore", { "aws:region": "ap-southeast-1" });

  it("accepts the shipped region stacks", () => {
    expect(() => checkRegionStacks(discoverRegionStacks(projectRoot), globalConfig())).not.toThrow();
  });

  it("reads the global stack's routing settings with their defaults", () => {
    expect(globalConfig().dns).toMatchObject({
      healthCheck: { measureLatency: false },
      cloudflareSteering: "dynamic_latency",
      cloudflareMonitor: { interval: 60, timeout: 5, retries: 2 },
    });
    expect(globalConfig().dns.turnHostname).toBeUndefined();
  });

  it.each([
    {
      what: "two region files naming the same AWS region",
      regions: () => [region("bombay"), mumbai],
      message:
        'Pulumi.mumbai.yaml aws:region: is also the region of Pulumi.bombay.yaml; one region stack per AWS region, got "ap-south-1"',
    },
    {
      what: "two region files giving the same hostname",
      regions: () => [
        mumbai,
        region("mumbai-2", { "aws:region": "ap-southeast-1", "livekit-platform:regionLabel": "mumbai" }),
      ],
      message:
        'Pulumi.mumbai-2.yaml livekit-platform:regionLabel: gives the hostname mumbai.livekit.example.com, which is also a hostname of Pulumi.mumbai.yaml; every region needs a label of its own, got "mumbai"',
    },
    {
      what: "a label whose hostname is another region's TURN name",
      regions: () => [mumbai, region("turn-mumbai", { "aws:region": "ap-southeast-1" })],
      message:
        'Pulumi.turn-mumbai.yaml livekit-platform:regionLabel: gives the hostname turn-mumbai.livekit.example.com, which is also a hostname of Pulumi.mumbai.yaml; every region needs a label of its own, got "turn-mumbai"',
    },
    {
      what: "a region hostname equal to the global TURN name",
      regions: () => [mumbai, singapore],
      dns: { turnHostname: "singapore.livekit.example.com" },
      message:
        'Pulumi.singapore.yaml livekit-platform:regionLabel: gives the hostname singapore.livekit.example.com, which is also the global stack\'s dns.turnHostname; every region needs a label of its own, got "singapore"',
    },
    {
      what: "a region file with another domain than the global stack's",
      regions: () => [
        mumbai,
        region("singapore", { "aws:region": "ap-southeast-1", "livekit-platform:domain": "livekit.example.org" }),
      ],
      message:
        "Pulumi.singapore.yaml livekit-platform:domain: must be the global stack's domain livekit.example.com (the global name is served by each region's load balancers), got \"livekit.example.org\"",
    },
    {
      what: "a Cloudflare fallback region that no region stack has",
      regions: () =>
        [
          ["mumbai", "ap-south-1"],
          ["singapore", "ap-southeast-1"],
        ].map(([stack, awsRegion]) =>
          region(stack, {
            "aws:region": awsRegion,
            "livekit-platform:dns": {
              provider: "cloudflare",
              zoneId: "fedcba9876543210fedcba9876543210",
              cloudflareAccountId: "0123456789abcdef0123456789abcdef",
            },
          }),
        ),
      dns: {
        provider: "cloudflare",
        zoneId: "fedcba9876543210fedcba9876543210",
        cloudflareAccountId: "0123456789abcdef0123456789abcdef",
        cloudflareFallbackRegion: "tokyo",
      },
      message:
        'livekit-platform:dns.cloudflareFallbackRegion: must be the regionLabel of a region stack (mumbai, singapore), got "tokyo"',
    },
  ])("rejects $what with one line naming both", ({ regions, dns, message }) => {
    expect(() => checkRegionStacks(regions(), globalConfig(dns))).toThrow(message);
  });
});
