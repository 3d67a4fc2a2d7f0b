import { healthUrl, platformFromStackOutputs } from "../../../examples/token-service/platform-settings";

/** What `pulumi stack output --stack global --json --show-secrets` prints (trimmed). */
const outputs = {
  domain: "livekit.example.com",
  url: "wss://livekit.example.com",
  regionUrls: { mumbai: "wss://mumbai.livekit.example.com", singapore: "wss://singapore.livekit.example.com" },
  applicationKeyId: "APPexamplekey0001",
  applicationKeySecret: "application-secret-0123456789abcdef0123456789",
};

describe("the token service's platform settings", () => {
  it("come from the global stack's outputs", () => {
    expect(platformFromStackOutputs(outputs)).toEqual({
      regionUrls: outputs.regionUrls,
      apiKey: "APPexamplekey0001",
      apiSecret: outputs.applicationKeySecret,
    });
  });

  it.each([
    ["no region deployed", { ...outputs, regionUrls: {} }, "regionUrls: expected at least one region"],
    [
      "a region URL that is not wss",
      { ...outputs, regionUrls: { mumbai: "https://mumbai.livekit.example.com" } },
      "regionUrls.mumbai: expected a wss:// URL",
    ],
    ["no key id", { ...outputs, applicationKeyId: undefined }, "applicationKeyId: missing"],
    ["a masked secret (no --show-secrets)", { ...outputs, applicationKeySecret: "[secret]" }, "--show-secrets"],
  ])("refuse %s", (_what, bad, message) => {
    expect(() => platformFromStackOutputs(bad)).toThrow(message);
  });

  it("check a region's health on https://<label>.<domain>/ (http://host:port/ for a local LiveKit)", () => {
    expect(healthUrl("wss://mumbai.livekit.example.com")).toBe("https://mumbai.livekit.example.com/");
    expect(healthUrl("ws://localhost:7880")).toBe("http://localhost:7880/");
  });
});
