/** Monitoring's settings: where alerts link for their runbooks. */
import { parseStackConfig, RegionSettings } from "../../../../stacks/config";
import { alerting } from "../../../../stacks/config/region/monitoring";
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

  it("asks for PagerDuty's CloudWatch integration key where Alertmanager pages PagerDuty, so a dead Alertmanager pages too", () => {
    const routingKey = "R".repeat(32);
    const integrationKey = "C".repeat(32);
    const parse = (alerting: Record<string, unknown>) =>
      parseStackConfig(stackConfig("mumbai", { "livekit-platform:alerting": alerting }), "mumbai") as RegionSettings;
    expect(() => parse({ pagerDutyRoutingKey: routingKey })).toThrow(
      "livekit-platform:alerting.pagerDutyCloudWatchIntegrationKey: is required with pagerDutyRoutingKey: add an Amazon CloudWatch integration to the PagerDuty service and set its integration key, so a dead Alertmanager pages the same on-call, got nothing",
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

  it("tells operators to give secrets on standard input, never as an argument", () => {
    const description = alerting.description ?? "";
    expect(description).toContain("< slack-webhook-url.txt");
    // No `pulumi config set --secret ... <value>` with the value on the command line.
    expect(description).not.toMatch(/pulumi config set --secret[^`]*<(url|key|value)>`/);
  });
});
