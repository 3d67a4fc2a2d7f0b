/** Region stack files checked against each other and against the global stack (stacks/regions.ts). */
import { GlobalSettings, parseStackConfig, RegionSettings } from "../../stacks/config";
import { checkRegionStacks, discoverRegionStacks, RegionStackFile } from "../../stacks/regions";
import { sizedRegion } from "../../stacks/sizing";
import { projectRoot, stackConfig, stackYaml } from "../support/stack-config";

describe("region stacks, checked against each other and the global stack", () => {
  const globalConfig = (dns: Record<string, unknown> = {}) =>
    parseStackConfig(
      stackConfig("global", { "livekit-platform:dns": { ...stackYaml("global")["livekit-platform:dns"], ...dns } }),
      "global",
    ) as GlobalSettings;
  /**
   * A region stack file like mumbai's, named `stack`, labelled and tagged after it and with a VPC range of its
   * own unless overridden (a copy that keeps mumbai's tag or range is an error of its own, tested below).
   */
  let nextCidr = 40;
  const region = (stack: string, overrides: Record<string, unknown> = {}): RegionStackFile => ({
    file: `Pulumi.${stack}.yaml`,
    ...sizedRegion(
      parseStackConfig(
        stackConfig("mumbai", {
          "livekit-platform:regionLabel": stack,
          // The once-per-deployment setting stays with mumbai.
          "livekit-platform:dns": {
            ...stackYaml("mumbai")["livekit-platform:dns"],
            ownsGlobalNameValidation: stack === "mumbai",
          },
          "aws:defaultTags": { tags: { project: "livekit-platform", stack } },
          "livekit-platform:network": { cidr: `10.${nextCidr++}.0.0/16`, availabilityZones: 3 },
          ...overrides,
        }),
        stack,
      ) as RegionSettings,
    ),
  });
  const mumbai = region("mumbai");
  const singapore = region("singapore", { "aws:region": "ap-southeast-1" });

  it("accepts the shipped region stacks", () => {
    expect(() => checkRegionStacks(discoverRegionStacks(projectRoot), globalConfig())).not.toThrow();
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
              ownsGlobalNameValidation: stack === "mumbai",
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
