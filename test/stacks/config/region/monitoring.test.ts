/** Monitoring's settings: where alerts link for their runbooks. */
import { parseStackConfig, RegionSettings } from "../../../../stacks/config";
import { stackConfig } from "../../../support/stack-config";

describe("monitoring's settings", () => {
  it("links alerts to the runbooks in the repository unless a runbook URL is set", () => {
    const url = "https://github.com/example/livekit-platform/blob/main/docs/runbooks.md";
    const cfg = parseStackConfig(
      stackConfig("mumbai", { "livekit-platform:monitoring": { runbookUrl: url } }),
      "mumbai",
    ) as RegionSettings;
    expect(cfg.monitoring.runbookUrl).toBe(url);
    expect((parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionSettings).monitoring.runbookUrl).toBeUndefined();
  });
});
