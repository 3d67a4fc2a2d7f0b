/** Egress's settings: how long a recording may run. */
import { parseStackConfig, RegionSettings } from "../../../../stacks/config";
import { stackConfig } from "../../../support/stack-config";

describe("Egress's settings", () => {
  it("limits recordings to 6 hours unless set, within 1 to 24 hours", () => {
    const mumbai = parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionSettings;
    expect(mumbai.egress.maxRecordingHours).toBe(6);
    const set = (hours: unknown) =>
      parseStackConfig(stackConfig("mumbai", { "livekit-platform:egress": { maxRecordingHours: hours } }), "mumbai");
    expect((set(12) as RegionSettings).egress.maxRecordingHours).toBe(12);
    for (const bad of [0, 25, 1.5]) {
      expect(() => set(bad)).toThrow(`egress.maxRecordingHours: must be a number of hours from 1 to 24, got ${bad}`);
    }
  });
});
