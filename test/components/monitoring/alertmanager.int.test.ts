/**
 * The Alertmanager configuration a region stack renders, under the real amtool (Debian package
 * `prometheus-alertmanager`, installed in CI by .ci/install-test-packages; skipped only off CI): it loads, a
 * critical alert reaches the receiver whose topic people are subscribed to, and the Watchdog reaches the
 * heartbeat topic the dead man's switch watches.
 *
 * Debian's amtool is v0.25.0, the chart runs Alertmanager v0.34.0: components/monitoring/alertmanager-config.ts
 * uses only fields both parse.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { findResource, inputsOf, PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import { alertmanagerConfig } from "../../../components/monitoring/alertmanager-config";
import { amtool, withAmtool } from "../../support/amtool";
import { runStack } from "../../support/plan";

const { describe: describeWithAmtool } = withAmtool("alertmanager.int.test");

describeWithAmtool("Alertmanager configuration of the mumbai stack, under amtool", () => {
  let plan: PlanResult;
  let config: Record<string, any>;
  let file: string;
  beforeAll(async () => {
    plan = await runStack("mumbai", {
      "livekit-platform:alerting": {
        emailSubscriptions: ["oncall@example.com"],
        heartbeatUrl: "https://hc-ping.com/0b7c1d2e",
      },
    });
    const release = findResource(plan, "kubernetes:helm.sh/v3:Release", "mumbai-monitoring-stack");
    config = inputsOf(release).values.alertmanager.config;
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lk-alertmanager-")), "alertmanager.yaml");
    fs.writeFileSync(file, stringify(config));
  }, 30_000);

  /** A topic's name, from its ARN (the plan's topics are auto-named). */
  const topicName = (arn: string) => arn.split(":").pop();
  const receiver = (name: string) => config.receivers.find((r: { name: string }) => r.name === name);
  const routedTo = (labels: string[]) => {
    const r = amtool(["config", "routes", "test", `--config.file=${file}`, ...labels]);
    expect(r.code).toBe(0);
    return r.stdout.trim().split(/\s*,\s*/);
  };

  it("passes amtool check-config", () => {
    const r = amtool(["check-config", file]);
    expect(r.output).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });

  it("sends a critical alert to the receiver whose SNS topic people are subscribed to", () => {
    expect(routedTo(["alertname=LiveKitServerDown", "severity=critical", "region=mumbai"])).toEqual(["platform"]);
    const alertTopic = findResource(plan, "aws:sns/topic:Topic", "mumbai-monitoring-alerts");
    const topics = receiver("platform").sns_configs.map((c: { topic_arn: string }) => topicName(c.topic_arn));
    expect(topics).toEqual([expect.stringMatching(/^mumbai-monitoring-alerts-/)]);
    const emails = resourcesOfType(plan, "aws:sns/topicSubscription:TopicSubscription").filter((s) =>
      s.dependencies.includes(alertTopic.urn),
    );
    expect(emails.map((s) => inputsOf(s))).toEqual([
      expect.objectContaining({ protocol: "email", endpoint: "oncall@example.com" }),
    ]);
  });

  it("sends the Watchdog to the heartbeat topic the dead man's switch watches (and the external URL), never to people", () => {
    expect(routedTo(["alertname=Watchdog", "severity=none", "region=mumbai"])).toEqual(["heartbeat"]);
    const heartbeat = receiver("heartbeat");
    const [topic] = heartbeat.sns_configs.map((c: { topic_arn: string }) => topicName(c.topic_arn));
    expect(topic).toMatch(/^mumbai-monitoring-heartbeat-/);
    expect(heartbeat.webhook_configs).toEqual([{ url: "https://hc-ping.com/0b7c1d2e", send_resolved: false }]);
    const alarm = inputsOf(findResource(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "mumbai-monitoring-heartbeat"));
    // The alarm watches the topic the Watchdog reaches, and pages through the one people are subscribed to.
    expect(alarm.dimensions).toEqual({ TopicName: topic });
    expect(alarm.alarmActions).toEqual(receiver("platform").sns_configs.map((c: { topic_arn: string }) => c.topic_arn));
  });

  it("sends kube-prometheus-stack's InfoInhibitor nowhere", () => {
    expect(routedTo(["alertname=InfoInhibitor", "severity=none"])).toEqual(["null"]);
  });

  it("lets InfoInhibitor silence info alerts of its namespace only, as the chart's default does", () => {
    // Alertmanager's inhibition (inhibit/inhibit.go): a target is muted while a source matching the rule's source
    // matchers fires with the same values of its `equal` labels.
    const matches = (matcher: string, labels: Record<string, string>) => {
      const [, name, op, value] = /^(\w+) (=~|=) "(.*)"$/.exec(matcher)!;
      return op === "=" ? labels[name] === value : new RegExp(`^(?:${value})$`).test(labels[name] ?? "");
    };
    const inhibited = (target: Record<string, string>, source: Record<string, string>) =>
      config.inhibit_rules.some(
        (rule: { source_matchers: string[]; target_matchers: string[]; equal: string[] }) =>
          rule.source_matchers.every((m) => matches(m, source)) &&
          rule.target_matchers.every((m) => matches(m, target)) &&
          rule.equal.every((label) => target[label] === source[label]),
      );
    const inhibitor = { alertname: "InfoInhibitor", severity: "none", namespace: "livekit" };
    expect(inhibited({ alertname: "CPUThrottlingHigh", severity: "info", namespace: "livekit" }, inhibitor)).toBe(true);
    expect(inhibited({ alertname: "CPUThrottlingHigh", severity: "info", namespace: "monitoring" }, inhibitor)).toBe(
      false,
    );
    expect(inhibited({ alertname: "KubePodCrashLooping", severity: "warning", namespace: "livekit" }, inhibitor)).toBe(
      false,
    );
  });
});

describeWithAmtool("Alertmanager configuration with every receiver, under amtool", () => {
  it("passes amtool check-config", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lk-alertmanager-config-"));
    try {
      const file = path.join(dir, "alertmanager.yaml");
      const config = alertmanagerConfig({
        snsTopicArn: "arn:aws:sns:ap-south-1:123456789012:alerts",
        heartbeatTopicArn: "arn:aws:sns:ap-south-1:123456789012:heartbeat",
        awsRegion: "ap-south-1",
        slackWebhookUrl: "https://hooks.slack.com/x",
        pagerDutyRoutingKey: "k",
        heartbeatUrl: "https://hc-ping.com/x",
      });
      fs.writeFileSync(file, stringify(config));
      const r = amtool(["check-config", file]);
      expect({ code: r.code, output: r.output }).toEqual({ code: 0, output: expect.stringContaining("SUCCESS") });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
