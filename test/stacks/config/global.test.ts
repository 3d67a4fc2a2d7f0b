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
