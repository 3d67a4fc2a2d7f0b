/** Monitoring's settings: where alerts link for their runbooks. */
import { parseStackConfig, RegionSettings } from "../../../../stacks/config";
import { alerting } from "../../../../stacks/config/region/monitoring";
import { stackConfig } from "../../../support/stack-config";
import { readStackFile } from "../../../../stacks/stack-files";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

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

  it("asks for PagerDuty's CloudWatch integration key where Alertmanager pages PagerDuty, so a dead Alertmanager pages too", () => {
    const routingKey = "R".repeat(32);
    const integrationKey = "C".repeat(32);
    const parse = (alerting: Record<string, unknown>) =>
      parseStackConfig(stackConfig("mumbai", { "livekit-platform:alerting": alerting }), "mumbai") as RegionSettings;
    expect(() => parse({ pagerDutyRoutingKey: routingKey })).toThrow(
      "livekit-platform:alerting.pagerDutyCloudWatchIntegrationKey: is required with pagerDutyRoutingKey: add an Amazon CloudWatch integration to the PagerDuty service, then `pulumi config set --secret --path 'livekit-platform:alerting.pagerDutyCloudWatchIntegrationKey' < key.txt`, so a dead Alertmanager pages the same on-call, got nothing",
    );
    expect(
      parse({ pagerDutyRoutingKey: routingKey, pagerDutyCloudWatchIntegrationKey: integrationKey }).alerting,
    ).toMatchObject({ pagerDutyRoutingKey: routingKey, pagerDutyCloudWatchIntegrationKey: integrationKey });
    // The heartbeat may page PagerDuty without Alertmanager doing so.
    expect(parse({ pagerDutyCloudWatchIntegrationKey: integrationKey }).alerting.pagerDutyRoutingKey).toBeUndefined();
    expect(() => parse({ pagerDutyRoutingKey: routingKey, pagerDutyCloudWatchIntegrationKey: "short" })).toThrow(
      "livekit-platform:alerting.pagerDutyCloudWatchIntegrationKey: must be the integration key of a PagerDuty Amazon CloudWatch integration (32 characters)",
    );
  });

  it("refuses the routing key given again as the CloudWatch integration's key, without showing it", () => {
    const key = "R".repeat(32);
    const config = stackConfig("mumbai", {
      "livekit-platform:alerting": { pagerDutyRoutingKey: key, pagerDutyCloudWatchIntegrationKey: key },
    });
    expect(() => parseStackConfig(config, "mumbai")).toThrow(
      "livekit-platform:alerting.pagerDutyCloudWatchIntegrationKey: must be the CloudWatch integration's own key, not the Events API v2 routing key (PagerDuty gives each integration its own), got the same key as pagerDutyRoutingKey",
    );
  });

  it("plans offline with the alerting secrets set as secure: values, and checks them once they are readable", () => {
    const dir = mkdtempSync(join(tmpdir(), "alerting-secrets-"));
    const file = join(dir, "Pulumi.mumbai.yaml");
    const secure = (name: string) => ({ secure: `v1:${Buffer.from(name).toString("base64")}` });
    writeFileSync(
      file,
      stringify({
        config: {
          "livekit-platform:alerting": {
            slackWebhookUrl: secure("slack"),
            pagerDutyRoutingKey: secure("routing"),
            pagerDutyCloudWatchIntegrationKey: secure("integration"),
            heartbeatUrl: secure("heartbeat"),
          },
        },
      }),
    );
    try {
      const { config } = readStackFile(file, "mumbai");
      const settings = parseStackConfig({ ...stackConfig("mumbai"), ...config }, "mumbai") as RegionSettings;
      expect(settings.alerting.pagerDutyRoutingKey).toMatch(/^plan-placeholder-for-/);
      expect(settings.alerting.pagerDutyCloudWatchIntegrationKey).toMatch(/^plan-placeholder-for-/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // What pulumi preview decrypts is checked as before.
    expect(() =>
      parseStackConfig(
        stackConfig("mumbai", { "livekit-platform:alerting": { heartbeatUrl: "http://heartbeat.example.com" } }),
        "mumbai",
      ),
    ).toThrow("livekit-platform:alerting.heartbeatUrl: must be an https:// URL");
  });

  it("tells operators to give secrets on standard input, never as an argument", () => {
    const description = alerting.description ?? "";
    expect(description).toContain("< slack-webhook-url.txt");
    // No `pulumi config set --secret ... <value>` with the value on the command line.
    expect(description).not.toMatch(/pulumi config set --secret[^`]*<(url|key|value)>`/);
  });
});

describe("monitoring's and alerting's settings, refused with one line", () => {
  const parse = (section: string, settings: Record<string, unknown>) =>
    parseStackConfig(stackConfig("mumbai", { [`livekit-platform:${section}`]: settings }), "mumbai");

  it.each([
    ["monitoring", "retention", "15 days", 'must be a Prometheus duration such as "15d", got "15 days"'],
    ["monitoring", "retentionSize", "90G", 'must be a size such as "90GB", got "90G"'],
    ["monitoring", "volumeSize", "100GB", 'must be a volume size such as "100Gi", got "100GB"'],
    // Secrets: the line names the rule, never the (decrypted) value.
    [
      "alerting",
      "heartbeatUrl",
      "http://hb.example.com/ping",
      "must be an https:// URL, got a value not shown (a secret)",
    ],
    [
      "alerting",
      "slackWebhookUrl",
      "https://example.com/hook",
      "must be a Slack incoming-webhook URL (https://hooks.slack.com/...), got a value not shown (a secret)",
    ],
    [
      "alerting",
      "pagerDutyRoutingKey",
      "short",
      "must be a PagerDuty Events API v2 routing key (32 characters), got a value not shown (a secret)",
    ],
  ])("refuses %s.%s = %j", (section, key, value, problem) => {
    expect(() => parse(section, { [key]: value })).toThrow(`livekit-platform:${section}.${key}: ${problem}`);
  });

  it("refuses an email subscription that is no address, naming which", () => {
    expect(() => parse("alerting", { emailSubscriptions: ["ops@example.com", "ops"] })).toThrow(
      'livekit-platform:alerting.emailSubscriptions[1]: must be an email address, got "ops"',
    );
  });
});
