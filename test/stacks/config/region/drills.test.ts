/** The drills' settings (chaos, the load test): each refused with the one line naming its range. */
import { parseStackConfig, RegionSettings } from "../../../../stacks/config";
import { stackConfig } from "../../../support/stack-config";

const parse = (section: string, settings: Record<string, unknown>) =>
  parseStackConfig(stackConfig("mumbai", { [`livekit-platform:${section}`]: settings }), "mumbai");

describe("the drills' settings", () => {
  it("are off, with a third of each target, until set", () => {
    const { chaos, loadTest } = parse("chaos", {}) as RegionSettings;
    expect(chaos).toEqual({
      enabled: false,
      sfuNodeTerminationPercent: 33,
      turnNodeTerminationPercent: 33,
      livekitPodDeletePercent: 33,
    });
    expect(loadTest).toEqual({ rooms: 10, videoPublishersPerRoom: 2, subscribersPerRoom: 18, duration: "10m" });
  });

  it("takes a load test up to an hour short of the testers' node expiry", () => {
    expect((parse("loadTest", { duration: "23h" }) as RegionSettings).loadTest.duration).toBe("23h");
    expect((parse("loadTest", { duration: "82800s" }) as RegionSettings).loadTest.duration).toBe("82800s");
  });

  it.each([
    ["chaos", "enabled", "yes", 'must be true or false, got "yes"'],
    ["chaos", "sfuNodeTerminationPercent", 0, "must be a percentage from 1 to 100, got 0"],
    ["chaos", "turnNodeTerminationPercent", 101, "must be a percentage from 1 to 100, got 101"],
    ["chaos", "livekitPodDeletePercent", 33.5, "must be a percentage from 1 to 100, got 33.5"],
    ["chaos", "logRetentionDays", 3651, "must be a number of days from 1 to 3650, got 3651"],
    ["loadTest", "rooms", 1001, "must be an integer from 1 to 1000, got 1001"],
    ["loadTest", "videoPublishersPerRoom", -1, "must be an integer from 0 to 100, got -1"],
    ["loadTest", "subscribersPerRoom", 10_001, "must be an integer from 0 to 10000, got 10001"],
    ["loadTest", "duration", "10 minutes", 'must be a duration such as "10m", got "10 minutes"'],
    // Karpenter v1 ends the testers' nodes at their expiry, whatever runs on them.
    [
      "loadTest",
      "duration",
      "82801s",
      `must be at most 23h: the testers' nodes expire after 24 h, test or not, got "82801s"`,
    ],
  ])("refuse %s.%s = %j with one line", (section, key, value, problem) => {
    expect(() => parse(section, { [key]: value })).toThrow(`livekit-platform:${section}.${key}: ${problem}`);
  });
});
