/** The names a region serves. */
import { parseStackConfig, RegionSettings } from "../../../../stacks/config";
import { stackConfig } from "../../../support/stack-config";

describe("the region's names", () => {
  it("names a region after its stack when regionLabel is not set", () => {
    const cfg = parseStackConfig(
      stackConfig("mumbai", { "livekit-platform:regionLabel": undefined, "aws:defaultTags": undefined }),
      "bom",
    ) as RegionSettings;
    expect(cfg.regionLabel).toBe("bom");
  });
});
