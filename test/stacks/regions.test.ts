/** Region stack files checked against each other and against the global stack (stacks/regions.ts). */
import { GlobalSettings, parseStackConfig, RegionSettings } from "../../stacks/config";
import {
  checkOneGlobal,
  checkRegionStacks,
  discoverRegionStacks,
  RegionStackFile,
  regionStackIssues,
} from "../../stacks/regions";
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
    {
      what: "a region file with another DNS provider than the global stack's",
      regions: () => [
        mumbai,
        region("singapore", {
          "aws:region": "ap-southeast-1",
          "livekit-platform:dns": {
            provider: "cloudflare",
            zoneId: "fedcba9876543210fedcba9876543210",
            cloudflareAccountId: "0123456789abcdef0123456789abcdef",
            ownsGlobalNameValidation: false,
          },
        }),
      ],
      message:
        'Pulumi.singapore.yaml livekit-platform:dns.provider: must be the global stack\'s DNS provider route53 (regional names and certificate validation live in the same zone), got "cloudflare"',
    },
    {
      what: "a region file with another hosted zone than the global stack's",
      regions: () => [
        mumbai,
        region("singapore", {
          "aws:region": "ap-southeast-1",
          "livekit-platform:dns": {
            provider: "route53",
            zoneId: "Z0OTHERZONE0000000000",
            ownsGlobalNameValidation: false,
          },
        }),
      ],
      message:
        "Pulumi.singapore.yaml livekit-platform:dns.zoneId: must be the global stack's zone Z0EXAMPLEZONE00000000 (every region serves the global stack's domain), got \"Z0OTHERZONE0000000000\"",
    },
    {
      what: "a region in another partition than a Route53 global stack's",
      regions: () => [
        mumbai,
        region("beijing", {
          "aws:region": "cn-north-1",
          "livekit-platform:network": { cidr: "10.90.0.0/16", availabilityZones: 2 },
        }),
      ],
      message:
        'Pulumi.beijing.yaml aws:region: is in the aws-cn partition, the global stack\'s us-east-1 in aws: with dns.provider route53 every stack writes to one hosted zone, which serves one partition (route with dns.provider cloudflare across partitions), got "cn-north-1"',
    },
    {
      what: "no region file owning the global name's validation record",
      regions: () => [
        region("singapore", { "aws:region": "ap-southeast-1" }),
        region("tokyo", { "aws:region": "ap-northeast-1" }),
      ],
      message:
        "Pulumi.singapore.yaml livekit-platform:dns.ownsGlobalNameValidation: must be true in exactly one region stack file (it creates the ACM validation record of livekit.example.com), none has it, got false",
    },
    {
      what: "two region files owning the global name's validation record",
      regions: () => [
        mumbai,
        region("singapore", {
          "aws:region": "ap-southeast-1",
          "livekit-platform:dns": { ...stackYaml("mumbai")["livekit-platform:dns"], ownsGlobalNameValidation: true },
        }),
      ],
      message:
        "Pulumi.singapore.yaml livekit-platform:dns.ownsGlobalNameValidation: is also true in Pulumi.mumbai.yaml; exactly one region stack owns the ACM validation record of livekit.example.com, got true",
    },
    {
      what: "VPC ranges that overlap, even by their last address",
      regions: () => [
        region("mumbai", { "livekit-platform:network": { cidr: "10.20.0.0/16", availabilityZones: 3 } }),
        region("singapore", {
          "aws:region": "ap-southeast-1",
          "livekit-platform:network": { cidr: "10.20.240.0/20", availabilityZones: 3 },
        }),
      ],
      message:
        'Pulumi.singapore.yaml livekit-platform:network.cidr: overlaps 10.20.0.0/16 of Pulumi.mumbai.yaml; keep the regions\' VPC ranges distinct, got "10.20.240.0/20"',
    },
    {
      what: "a VPC range that holds an earlier region's",
      regions: () => [
        region("mumbai", { "livekit-platform:network": { cidr: "10.20.128.0/20", availabilityZones: 3 } }),
        region("singapore", {
          "aws:region": "ap-southeast-1",
          "livekit-platform:network": { cidr: "10.20.0.0/16", availabilityZones: 3 },
        }),
      ],
      message:
        /^Pulumi\.singapore\.yaml livekit-platform:network\.cidr: overlaps 10\.20\.128\.0\/20 of Pulumi\.mumbai\.yaml;/,
    },
    ...(
      [
        ["stack name", "mumbai"],
        ["region label", "bombay"],
        ["AWS region", "ap-south-1"],
      ] as const
    ).map(([what, copied]) => ({
      what: `a region file tagged with another region's ${what}`,
      regions: () => [
        region("mumbai", { "livekit-platform:regionLabel": "bombay" }),
        { ...region("singapore", { "aws:region": "ap-southeast-1" }), tags: { stack: "singapore", copied } },
      ],
      message: `Pulumi.singapore.yaml aws:defaultTags.tags.copied: names the region of Pulumi.mumbai.yaml (a file copied from it?); tag this region's resources with its own name, got "${copied}"`,
    })),
  ])("rejects $what with one line naming both", (clash) => {
    const dns = "dns" in clash ? clash.dns : undefined;
    expect(() => checkRegionStacks(clash.regions(), globalConfig(dns))).toThrow(clash.message);
  });

  it("accepts what is not a clash: adjacent VPC ranges, an existing VPC, a region's own names in its tags", () => {
    const adjacent = [
      region("mumbai", { "livekit-platform:network": { cidr: "10.20.0.0/16", availabilityZones: 3 } }),
      region("singapore", {
        "aws:region": "ap-southeast-1",
        "livekit-platform:network": { cidr: "10.21.0.0/16", availabilityZones: 3 },
      }),
      region("tokyo", {
        "aws:region": "ap-northeast-1",
        // Its range is the existing VPC's, which the file does not state: the default cidr is not compared.
        "livekit-platform:network": {
          cidr: "10.20.0.0/16",
          availabilityZones: 3,
          existingVpc: {
            vpcId: "vpc-0abc12345def67890",
            publicSubnetIds: ["subnet-0abc1231", "subnet-0abc1232"],
            privateSubnetIds: ["subnet-0abc1233", "subnet-0abc1234"],
          },
        },
      }),
    ];
    adjacent[1] = { ...adjacent[1], tags: { stack: "singapore", label: "singapore", region: "ap-southeast-1" } };
    expect(() => checkRegionStacks(adjacent, globalConfig())).not.toThrow();
    expect(() => checkRegionStacks([], globalConfig())).not.toThrow();
  });

  it("accepts a Cloudflare fallback region that a region stack has", () => {
    const cloudflare = {
      provider: "cloudflare",
      zoneId: "fedcba9876543210fedcba9876543210",
      cloudflareAccountId: "0123456789abcdef0123456789abcdef",
    };
    const regions = [
      ["mumbai", "ap-south-1"],
      ["singapore", "ap-southeast-1"],
    ].map(([stack, awsRegion]) =>
      region(stack, {
        "aws:region": awsRegion,
        "livekit-platform:dns": { ...cloudflare, ownsGlobalNameValidation: stack === "mumbai" },
      }),
    );
    expect(() =>
      checkRegionStacks(regions, globalConfig({ ...cloudflare, cloudflareFallbackRegion: "singapore" })),
    ).not.toThrow();
    // Across partitions, Cloudflare routes where one Route53 zone could not.
    const beijing = region("beijing", {
      "aws:region": "cn-north-1",
      "livekit-platform:network": { cidr: "10.90.0.0/16", availabilityZones: 2 },
      "livekit-platform:dns": { ...cloudflare, ownsGlobalNameValidation: false },
    });
    expect(() => checkRegionStacks([...regions, beijing], globalConfig(cloudflare))).not.toThrow();
  });

  it("refuses a Cloudflare fallback region when there is no region stack, saying so", () => {
    const cloudflare = {
      provider: "cloudflare",
      zoneId: "fedcba9876543210fedcba9876543210",
      cloudflareAccountId: "0123456789abcdef0123456789abcdef",
    };
    expect(() => checkRegionStacks([], globalConfig({ ...cloudflare, cloudflareFallbackRegion: "mumbai" }))).toThrow(
      'livekit-platform:dns.cloudflareFallbackRegion: must be the regionLabel of a region stack (there are none), got "mumbai"',
    );
  });

  it("refuses a second global stack, naming the later file", () => {
    expect(() => checkOneGlobal([{ file: "Pulumi.global.yaml" }])).not.toThrow();
    expect(() => checkOneGlobal([{ file: "Pulumi.global.yaml" }, { file: "Pulumi.global-2.yaml" }])).toThrow(
      new Error(
        'Pulumi.global-2.yaml livekit-platform:role: is global, as is Pulumi.global.yaml; a project has one global stack (make this file a region, or delete it), got "global"',
      ),
    );
  });

  it("finds the project's region files, sized and tagged, leaving out the global stack being planned", () => {
    const regions = discoverRegionStacks(projectRoot, "global");
    expect(regions.map((r) => r.file)).toEqual(["Pulumi.mumbai.yaml", "Pulumi.singapore.yaml"]);
    expect(regions[0].tags).toEqual({ project: "livekit-platform", stack: "mumbai" });
    // Planning another global stack beside the project's is a second global stack.
    expect(() => discoverRegionStacks(projectRoot, "global-2")).toThrow(
      "Pulumi.global.yaml livekit-platform:role: is global, as is Pulumi.global-2.yaml; a project has one global stack",
    );
  });

  it("accepts a region tagged with its own names, though they are another region's other names", () => {
    // singapore is labelled sg, and mumbai is labelled singapore: a tag "singapore" is singapore's own stack name.
    const regions = [
      region("mumbai", { "livekit-platform:regionLabel": "singapore" }),
      {
        ...region("singapore", { "aws:region": "ap-southeast-1", "livekit-platform:regionLabel": "sg" }),
        tags: { stack: "singapore", label: "sg" },
      },
      region("sg", { "aws:region": "ap-northeast-1", "livekit-platform:regionLabel": "tokyo" }),
    ];
    expect(() => checkRegionStacks(regions, globalConfig())).not.toThrow();
  });

  it("accepts a tag naming the region's own AWS region, though another region is labelled so", () => {
    const regions = [
      region("mumbai", { "livekit-platform:regionLabel": "ap-southeast-1" }),
      { ...singapore, tags: { stack: "singapore", region: "ap-southeast-1" } },
    ];
    expect(() => checkRegionStacks(regions, globalConfig())).not.toThrow();
  });

  describe("the ACM validation record's owner, with a focus file (a region planned on its own)", () => {
    const owner = (stack: string, owns: boolean, awsRegion: string) =>
      region(stack, {
        "aws:region": awsRegion,
        "livekit-platform:dns": { ...stackYaml("mumbai")["livekit-platform:dns"], ownsGlobalNameValidation: owns },
      });
    const firstLine = (regions: RegionStackFile[], focus?: string) =>
      [...regionStackIssues(regions, globalConfig(), focus)].map((e) => e.message)[0];

    it("names the focus file when no region owns it, else the first", () => {
      const none = [owner("mumbai", false, "ap-south-1"), owner("singapore", false, "ap-southeast-1")];
      expect(firstLine(none)).toMatch(
        /^Pulumi\.mumbai\.yaml livekit-platform:dns\.ownsGlobalNameValidation: must be true/,
      );
      expect(firstLine(none, "Pulumi.singapore.yaml")).toMatch(/^Pulumi\.singapore\.yaml .*: must be true/);
    });

    it("names the focus file when it is one of two owners, else the second owner, and the other owner beside it", () => {
      const two = [
        owner("mumbai", true, "ap-south-1"),
        owner("singapore", true, "ap-southeast-1"),
        owner("tokyo", false, "ap-northeast-1"),
      ];
      const line = (focus?: string) => firstLine(two, focus).split(";")[0];
      expect(line()).toBe(
        "Pulumi.singapore.yaml livekit-platform:dns.ownsGlobalNameValidation: is also true in Pulumi.mumbai.yaml",
      );
      expect(line("Pulumi.mumbai.yaml")).toBe(
        "Pulumi.mumbai.yaml livekit-platform:dns.ownsGlobalNameValidation: is also true in Pulumi.singapore.yaml",
      );
      expect(line("Pulumi.tokyo.yaml")).toBe(line());
    });
  });

  it("sees no overlap with an earlier VPC range wholly above the new one", () => {
    const regions = [
      region("mumbai", { "livekit-platform:network": { cidr: "10.30.0.0/16", availabilityZones: 3 } }),
      region("singapore", {
        "aws:region": "ap-southeast-1",
        "livekit-platform:network": { cidr: "10.20.0.0/16", availabilityZones: 3 },
      }),
    ];
    expect(() => checkRegionStacks(regions, globalConfig())).not.toThrow();
  });
});
