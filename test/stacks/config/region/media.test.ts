/** LiveKit's own settings: webhooks off unless URLs are given. */
import { parseStackConfig, RegionSettings } from "../../../../stacks/config";
import { stackConfig } from "../../../support/stack-config";

describe("LiveKit's settings", () => {
  it("reads the webhook URLs", () => {
    const steady = parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionSettings;
    expect(steady.livekit.webhook).toBeUndefined();
    const withWebhook = parseStackConfig(
      stackConfig("mumbai", {
        "livekit-platform:livekit": { webhook: { urls: ["https://app.example.com/livekit"] } },
      }),
      "mumbai",
    ) as RegionSettings;
    expect(withWebhook.livekit.webhook).toEqual({ urls: ["https://app.example.com/livekit"] });
  });
});
