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

describe("LiveKit's and Coturn's settings, refused with one line", () => {
  const parse = (section: string, settings: Record<string, unknown>) => () =>
    parseStackConfig(stackConfig("mumbai", { [`livekit-platform:${section}`]: settings }), "mumbai");
  const webhook = (urls: unknown) => parse("livekit", { webhook: { urls } });
  const NO_CREDENTIALS = "must be an https:// URL without user or password (LiveKit signs each request instead)";

  it.each([
    ["http://app.example.com/hook"],
    ["https://user@app.example.com/hook"],
    ["https://:pw@app.example.com/hook"],
    ["not a url"],
  ])("refuses the webhook URL %s", (url) => {
    expect(webhook([url])).toThrow(`livekit-platform:livekit.webhook.urls[0]: ${NO_CREDENTIALS}, got "${url}"`);
  });

  it("refuses a webhook list that is no list of strings, too long, or lists a URL twice", () => {
    const urls = (n: number) => Array.from({ length: n }, (_, i) => `https://app.example.com/hook/${i}`);
    expect(webhook("https://app.example.com/hook")).toThrow(
      "livekit-platform:livekit.webhook.urls: must be a list of https:// URLs",
    );
    expect(webhook([7])).toThrow("livekit-platform:livekit.webhook.urls[0]: must be an https:// URL, got 7");
    expect(webhook(urls(11))).toThrow("livekit-platform:livekit.webhook.urls: must list at most 10 URLs");
    expect(() => webhook(urls(10))()).not.toThrow();
    expect(webhook([...urls(1), ...urls(1)])).toThrow(
      "livekit-platform:livekit.webhook.urls: must not list a URL twice",
    );
  });

  it.each([
    ["turn", "userQuota", 0, "must be an integer from 1 to 1000, got 0"],
    ["turn", "totalQuota", 65536, "must be an integer from 1 to 65535, got 65536"],
    ["livekit", "logLevel", "trace", 'must be "debug", "info", "warn" or "error", got "trace"'],
    ["livekit", "emptyTimeoutSeconds", 86_401, "must be seconds from 0 to 86400, got 86401"],
    ["livekit", "departureTimeoutSeconds", -1, "must be seconds from 0 to 86400, got -1"],
    ["livekit", "maxParticipantsPerRoom", 1.5, "must be an integer from 0 (the mix's largest room) to 100000, got 1.5"],
  ])("refuses %s.%s = %j", (section, key, value, problem) => {
    expect(parse(section, { [key]: value })).toThrow(`livekit-platform:${section}.${key}: ${problem}`);
  });
});
