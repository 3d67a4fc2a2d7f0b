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

describe("monitoring's and alerting's settings, refused with one line", () => {
  const parse = (section: string, settings: Record<string, unknown>) =>
    parseStackConfig(stackConfig("mumbai", { [`livekit-platform:${section}`]: settings }), "mumbai");

  it.each([
    ["monitoring", "retention", "15 days", 'must be a Prometheus duration such as "15d", got "15 days"'],
    ["monitoring", "retentionSize", "90G", 'must be a size such as "90GB", got "90G"'],
    ["monitoring", "volumeSize", "100GB", 'must be a volume size such as "100Gi", got "100GB"'],
    ["alerting", "heartbeatUrl", "http://hb.example.com/ping", "must be an https:// URL"],
    [
      "alerting",
      "slackWebhookUrl",
      "https://example.com/hook",
      "must be a Slack incoming-webhook URL (https://hooks.slack.com/...)",
    ],
    ["alerting", "pagerDutyRoutingKey", "short", "must be a PagerDuty Events API v2 routing key (32 characters)"],
  ])("refuses %s.%s = %j", (section, key, value, problem) => {
    expect(() => parse(section, { [key]: value })).toThrow(`livekit-platform:${section}.${key}: ${problem}`);
  });

  it("refuses an email subscription that is no address, naming which", () => {
    expect(() => parse("alerting", { emailSubscriptions: ["ops@example.com", "ops"] })).toThrow(
      'livekit-platform:alerting.emailSubscriptions[1]: must be an email address, got "ops"',
    );
  });
});
