/** The global stack's settings, with their defaults. */
import { GlobalSettings, parseStackConfig } from "../../../stacks/config";
import { stackConfig, stackYaml } from "../../support/stack-config";

const globalConfig = (dns: Record<string, unknown> = {}) =>
  parseStackConfig(
    stackConfig("global", { "livekit-platform:dns": { ...stackYaml("global")["livekit-platform:dns"], ...dns } }),
    "global",
  ) as GlobalSettings;

describe("the global stack's settings", () => {
  it("reads the global stack", () => {
    const cfg = parseStackConfig(stackConfig("global"), "global") as GlobalSettings;
    expect(cfg.dns.healthCheck.checkerRegions).toHaveLength(3);
    expect(cfg.stackReferences).toEqual({ organization: "organization", project: "livekit-platform" });
  });

  it("reads the global stack's routing settings with their defaults", () => {
    expect(globalConfig().dns).toMatchObject({
      healthCheck: { measureLatency: false },
      cloudflareSteering: "dynamic_latency",
      cloudflareMonitor: { interval: 60, timeout: 5, retries: 2 },
    });
    expect(globalConfig().dns.turnHostname).toBeUndefined();
  });
});

describe("the line refusing a global setting", () => {
  /** The line parsing the global stack with `overrides` (config key -> value) gives, or "ok". */
  const lineFor = (overrides: Record<string, unknown>) => {
    try {
      parseStackConfig(stackConfig("global", overrides), "global");
      return "ok";
    } catch (e) {
      return (e as Error).message;
    }
  };
  const dns = (change: Record<string, unknown>) =>
    lineFor({ "livekit-platform:dns": { ...stackYaml("global")["livekit-platform:dns"], ...change } });
  const KEY = "livekit-platform:dns";

  it("names each health-check setting Route53 would refuse", () => {
    expect(dns({ healthCheck: { checkerRegions: ["ap-south-1", "eu-west-1", "us-east-1"] } })).toBe(
      `${KEY}.healthCheck.checkerRegions[0]: not a Route53 health-checker region, expected one of us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1, got "ap-south-1"`,
    );
    expect(dns({ healthCheck: { checkerRegions: ["eu-west-1", "us-east-1"] } })).toBe(
      `${KEY}.healthCheck.checkerRegions: must list at least three Route53 health-checker regions, got ["eu-west-1","us-east-1"]`,
    );
    // Route53 counts regions, not entries: three entries naming two regions are two.
    expect(dns({ healthCheck: { checkerRegions: ["eu-west-1", "us-east-1", "eu-west-1"] } })).toBe(
      `${KEY}.healthCheck.checkerRegions: must list each Route53 health-checker region once (at least three different ones), got ["eu-west-1","us-east-1","eu-west-1"]`,
    );
    expect(dns({ healthCheck: { failureThreshold: 11 } })).toBe(
      `${KEY}.healthCheck.failureThreshold: must be an integer from 1 to 10, got 11`,
    );
    expect(dns({ healthCheck: { requestInterval: 20 } })).toBe(
      `${KEY}.healthCheck.requestInterval: must be 10 or 30 (seconds), got 20`,
    );
    expect(dns({ healthCheck: { measureLatency: "yes" } })).toBe(
      `${KEY}.healthCheck.measureLatency: must be true or false, got "yes"`,
    );
  });

  it("names each Cloudflare setting it would refuse", () => {
    expect(dns({ cloudflareSteering: "random" })).toBe(
      `${KEY}.cloudflareSteering: must be "dynamic_latency" or "proximity", got "random"`,
    );
    expect(dns({ cloudflareCheckRegions: ["ALL_REGIONS"] })).toBe(
      `${KEY}.cloudflareCheckRegions[0]: not a Cloudflare check region, expected one of WNAM, ENAM, WEU, EEU, NSAM, SSAM, OC, ME, NAF, SAF, SAS, SEAS, NEAS, got "ALL_REGIONS"`,
    );
    expect(dns({ cloudflareCheckRegions: [] })).toBe(
      `${KEY}.cloudflareCheckRegions: must list at least one Cloudflare check region, got []`,
    );
    expect(dns({ cloudflareMonitor: { interval: 4 } })).toBe(
      `${KEY}.cloudflareMonitor.interval: must be an integer from 5 to 3600 (seconds), got 4`,
    );
    expect(dns({ cloudflareMonitor: { timeout: 11 } })).toBe(
      `${KEY}.cloudflareMonitor.timeout: must be an integer from 1 to 10 (seconds), got 11`,
    );
    expect(dns({ cloudflareMonitor: { retries: 6 } })).toBe(
      `${KEY}.cloudflareMonitor.retries: must be an integer from 0 to 5, got 6`,
    );
    expect(dns({ cloudflareMonitor: { interval: 5, timeout: 5 } })).toBe(
      `${KEY}.cloudflareMonitor.timeout: must be shorter than interval (5 s), got 5`,
    );
    expect(dns({ cloudflareMonitor: { interval: 6, timeout: 5 } })).toBe("ok");
    expect(dns({ cloudflareFallbackRegion: "Mumbai" })).toBe(
      `${KEY}.cloudflareFallbackRegion: must be a DNS label (lowercase letters, digits and hyphens, at most 63), got "Mumbai"`,
    );
    expect(dns({ provider: "cloudflare", zoneId: "0123456789abcdef0123456789abcdef" })).toBe(
      `${KEY}.cloudflareAccountId: is required when dns.provider is cloudflare, got nothing`,
    );
    expect(dns({ zoneId: "0123456789abcdef0123456789abcdef" })).toMatch(
      new RegExp(`^${KEY}\\.zoneId: must be a Route53 hosted zone id .*; this looks like a cloudflare zone id`),
    );
  });

  it("names a global TURN hostname that is no lowercase name, or the signalling domain itself", () => {
    expect(dns({ turnHostname: 3 })).toBe(
      `${KEY}.turnHostname: must be a hostname such as turn.livekit.example.com, got 3`,
    );
    expect(dns({ turnHostname: "TURN.livekit.example.com" })).toBe(
      `${KEY}.turnHostname: must be a lowercase hostname such as turn.livekit.example.com, got "TURN.livekit.example.com"`,
    );
    expect(dns({ turnHostname: "livekit.example.com" })).toBe(
      `${KEY}.turnHostname: must differ from domain (signalling and TURN go to different load balancers), got "livekit.example.com"`,
    );
    expect(dns({ turnHostname: "turn.livekit.example.com" })).toBe("ok");
  });

  it("says what the region stacks' organization and project must be", () => {
    expect(lineFor({ "livekit-platform:stackReferences": { organization: "" } })).toBe(
      'livekit-platform:stackReferences.organization: must be a Pulumi organization name, got ""',
    );
    expect(lineFor({ "livekit-platform:stackReferences": { project: 3 } })).toBe(
      "livekit-platform:stackReferences.project: must be a Pulumi project name, got 3",
    );
  });
});
