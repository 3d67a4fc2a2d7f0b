/**
 * The stack config schema: what it reads, and the one line it gives for each bad input. How the plan
 * command reports those lines (exit code 2) is in config.e2e.test.ts.
 */
import { parseStackConfig, RegionStackConfig, GlobalStackConfig } from "../../stacks/config";
import { checkRegionStacks, discoverRegionStacks, RegionStackFile } from "../../stacks/regions";
import { badInputs, projectRoot, stackConfig, stackYaml } from "../support/stack-config";

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
      capacity: { targetParticipants: 25_000, mix: { preset: "mixed", name: "mixed" }, targetUtilisation: 0.6 },
      // The node type comes from the capacity model unless the file sets one.
      redis: { nodeCount: 2 },
      sizing: { redis: { nodeType: "cache.r7g.large", nodeCount: 2 } },
    });
    const singapore = parseStackConfig(stackConfig("singapore"), "singapore") as RegionStackConfig;
    expect(singapore.awsRegion).toBe("ap-southeast-1");
  });

  it("reads the application's keys, one or two (a rotation's overlap), and the webhook URLs", () => {
    const steady = parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionStackConfig;
    expect(steady.applicationKeys.signing).toBe("APPexamplekey0001");
    expect(Object.keys(steady.applicationKeys.keys)).toEqual(["APPexamplekey0001"]);
    expect(steady.livekit.webhook).toBeUndefined();
    const overlap = parseStackConfig(
      stackConfig("mumbai", {
        "livekit-platform:applicationKeys": {
          signing: "APPnew",
          keys: { APPold: "o".repeat(48), APPnew: "n".repeat(48) },
        },
        "livekit-platform:livekit": { webhook: { urls: ["https://app.example.com/livekit"] } },
      }),
      "mumbai",
    ) as RegionStackConfig;
    expect(overlap.applicationKeys).toEqual({
      signing: "APPnew",
      keys: { APPold: "o".repeat(48), APPnew: "n".repeat(48) },
    });
    expect(overlap.livekit.webhook).toEqual({ urls: ["https://app.example.com/livekit"] });
  });

  it("reads the TURN secret's generations: the initial one alone by default, a YAML number as its label", () => {
    const turn = (sharedSecret?: unknown) =>
      (
        parseStackConfig(
          stackConfig("mumbai", { "livekit-platform:turn": sharedSecret === undefined ? undefined : { sharedSecret } }),
          "mumbai",
        ) as RegionStackConfig
      ).turn;
    expect(turn().sharedSecret).toEqual({ current: "1", alsoAccepted: [] });
    expect(turn().relayPortRange).toEqual({ start: 40000, end: 49999 });
    expect(turn({ current: 1, alsoAccepted: [2] }).sharedSecret).toEqual({ current: "1", alsoAccepted: ["2"] });
    expect(turn({ current: "2026-q3", alsoAccepted: ["2"] }).sharedSecret).toEqual({
      current: "2026-q3",
      alsoAccepted: ["2"],
    });
    expect(turn({ current: "a".repeat(16) }).sharedSecret.current).toBe("a".repeat(16));
    for (const bad of ["a".repeat(17), "-2", "2-", "", 1.5, -1, "2 "]) {
      expect(() => turn({ current: bad })).toThrow(
        "livekit-platform:turn.sharedSecret.current: must be a generation label",
      );
    }
    expect(() => turn({ alsoAccepted: "2" })).toThrow(
      'livekit-platform:turn.sharedSecret.alsoAccepted: must be a list of generation labels, got "2"',
    );
  });

  it("limits recordings to 6 hours unless set, within 1 to 24 hours", () => {
    const mumbai = parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionStackConfig;
    expect(mumbai.egress.maxRecordingHours).toBe(6);
    const set = (hours: unknown) =>
      parseStackConfig(stackConfig("mumbai", { "livekit-platform:egress": { maxRecordingHours: hours } }), "mumbai");
    expect((set(12) as RegionStackConfig).egress.maxRecordingHours).toBe(12);
    for (const bad of [0, 25, 1.5]) expect(() => set(bad)).toThrow("egress.maxRecordingHours");
  });

  it("keeps access logs a year and flow logs 90 days unless set, and access logs at least as long as recordings", () => {
    const auditLogs = (settings: Record<string, unknown>, egress?: Record<string, unknown>) =>
      (
        parseStackConfig(
          stackConfig("mumbai", { "livekit-platform:auditLogs": settings, "livekit-platform:egress": egress }),
          "mumbai",
        ) as RegionStackConfig
      ).auditLogs;
    expect(auditLogs({})).toEqual({ retentionDays: 365, flowLogRetentionDays: 90 });
    expect(auditLogs({ retentionDays: 30, flowLogRetentionDays: 1 })).toEqual({
      retentionDays: 30,
      flowLogRetentionDays: 1,
    });
    expect(auditLogs({ retentionDays: 3650, flowLogRetentionDays: 3653 })).toEqual({
      retentionDays: 3650,
      flowLogRetentionDays: 3653,
    });
    for (const bad of [0, 3651, 1.5, "365"]) {
      expect(() => auditLogs({ retentionDays: bad })).toThrow(
        `livekit-platform:auditLogs.retentionDays: must be a number of days from 1 to 3650, got ${JSON.stringify(bad)}`,
      );
    }
    for (const bad of [0, 31, 366]) {
      expect(() => auditLogs({ flowLogRetentionDays: bad })).toThrow(
        /^livekit-platform:auditLogs\.flowLogRetentionDays: must be one of 1, 3, 5, .*, 3653 \(days CloudWatch accepts\), got \d+$/,
      );
    }
    // Who read a recording must stay known while the recording exists.
    expect(auditLogs({ retentionDays: 90 }, { recordingRetentionDays: 90 }).retentionDays).toBe(90);
    expect(() => auditLogs({ retentionDays: 89 }, { recordingRetentionDays: 90 })).toThrow(
      "livekit-platform:auditLogs.retentionDays: must be at least egress.recordingRetentionDays (90): who read a recording must stay known while it exists, got 89",
    );
    expect(() => auditLogs({ retentionDays: 365, retention: 30 })).toThrow(/^livekit-platform:auditLogs/);
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

  it("keeps the TURN certificate's first name within ACM's 64 characters: 64 passes, 65 stops with one line", () => {
    // turn-mumbai. is 12 characters: a 52-character domain makes 64.
    const withDomain = (domain: string) => () =>
      parseStackConfig(stackConfig("mumbai", { "livekit-platform:domain": domain }), "mumbai");
    const longest = `${"a".repeat(40)}.example.com`;
    expect(`turn-mumbai.${longest}`).toHaveLength(64);
    expect((withDomain(longest)() as RegionStackConfig).domain).toBe(longest);
    const tooLong = `${"a".repeat(41)}.example.com`;
    expect(withDomain(tooLong)).toThrow(
      `livekit-platform:domain: makes the TURN certificate's name turn-mumbai.${tooLong} 65 characters, over the 64 ACM allows (shorten domain or regionLabel), got "${tooLong}"`,
    );
    // The label counts as much as the domain: the longest label (25) leaves the domain 33.
    const label = "l".repeat(25);
    const withLabel = (domain: string) => () =>
      parseStackConfig(
        stackConfig("mumbai", { "livekit-platform:regionLabel": label, "livekit-platform:domain": domain }),
        "mumbai",
      );
    expect(withLabel(`${"b".repeat(21)}.example.com`)).not.toThrow();
    expect(withLabel(`${"b".repeat(22)}.example.com`)).toThrow(
      "livekit-platform:domain: makes the TURN certificate's name",
    );
  });

  it("requires a Cloudflare account id with the cloudflare provider", () => {
    const raw = stackConfig("mumbai", {
      "livekit-platform:dns": { provider: "cloudflare", zoneId: "fedcba9876543210fedcba9876543210" },
    });
    expect(() => parseStackConfig(raw, "mumbai")).toThrow(
      "livekit-platform:dns.cloudflareAccountId: is required when dns.provider is cloudflare, got nothing",
    );
  });

  it("reads capacity.mix with the room mix schema, naming a problem by its config key", () => {
    const mix = (value: unknown) => () =>
      parseStackConfig(
        stackConfig("mumbai", { "livekit-platform:capacity": { targetParticipants: 1000, mix: value } }),
        "mumbai",
      ) as RegionStackConfig;
    expect(mix({ name: "classes", kinds: [{ kind: "webinar", share: 1, subscribers: 30 }] })().capacity.mix).toEqual(
      expect.objectContaining({
        name: "classes",
        kinds: [expect.objectContaining({ name: "webinar", subscribers: 30 })],
      }),
    );
    expect(mix({ kinds: [{ kind: "webinar", share: 0 }] })).toThrow(
      "livekit-platform:capacity.mix.kinds[0].share: must be a fraction of participants above 0 and at most 1, got 0",
    );
    expect(mix({ kinds: [{ kind: "webinar", share: 1, viewers: 3 }] })).toThrow(
      /^livekit-platform:capacity\.mix\.kinds\[0\]\.viewers: unknown field \(expected kind, name, .*\), got 3$/,
    );
    expect(mix({ kinds: [{ kind: "webinar", publishers: 2 }] })).toThrow(
      "livekit-platform:capacity.mix.kinds[0].share: is required, got nothing",
    );
    expect(mix("conference")).toThrow(
      /^livekit-platform:capacity\.mix: unknown room mix preset \(known: .*\), got "conference"$/,
    );
  });

  it("names an unknown key inside a section like any other, and a section that is no object by its own words", () => {
    const cluster = (value: unknown) => () =>
      parseStackConfig(stackConfig("mumbai", { "livekit-platform:cluster": value }), "mumbai");
    expect(cluster({ publicAccessCidrs: [], sfuNode: {} })).toThrow(
      "livekit-platform:cluster.sfuNode: is not a setting this stack reads (a typo?), got {}",
    );
    expect(cluster("yes")).toThrow(
      'livekit-platform:cluster: must be set (at least cluster.publicAccessCidrs), got "yes"',
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
