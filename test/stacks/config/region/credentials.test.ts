/** The region's credentials as a stack file states them: application keys, and the TURN secret's generations. */
import { parseStackConfig, RegionSettings } from "../../../../stacks/config";
import { stackConfig } from "../../../support/stack-config";

describe("the region's credentials", () => {
  it("reads the application's keys, one or two (a rotation's overlap)", () => {
    const steady = parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionSettings;
    expect(steady.applicationKeys.signing).toBe("APPexamplekey0001");
    expect(Object.keys(steady.applicationKeys.keys)).toEqual(["APPexamplekey0001"]);
    const overlap = parseStackConfig(
      stackConfig("mumbai", {
        "livekit-platform:applicationKeys": {
          signing: "APPnew",
          keys: { APPold: "o".repeat(48), APPnew: "n".repeat(48) },
        },
      }),
      "mumbai",
    ) as RegionSettings;
    expect(overlap.applicationKeys).toEqual({
      signing: "APPnew",
      keys: { APPold: "o".repeat(48), APPnew: "n".repeat(48) },
    });
  });

  it("reads the TURN secret's generations: the initial one alone by default, a YAML number as its label", () => {
    const turn = (sharedSecret?: unknown) =>
      (
        parseStackConfig(
          stackConfig("mumbai", { "livekit-platform:turn": sharedSecret === undefined ? undefined : { sharedSecret } }),
          "mumbai",
        ) as RegionSettings
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
});
