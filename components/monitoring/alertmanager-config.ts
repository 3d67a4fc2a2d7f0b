/**
 * Where Alertmanager sends alerts (kube-prometheus-stack `alertmanager.config`). The chart's default
 * (88.5.3 values.yaml) routes everything to a "null" receiver: alerts would only show in the UI.
 */

export interface AlertReceivers {
  /** SNS topic every alert goes to (subscribe email, chat or paging integrations to it). */
  snsTopicArn: string;
  /** AWS region of the topic (Alertmanager signs its SNS calls with SigV4 for it). */
  awsRegion: string;
  /** Slack incoming-webhook URL (a secret). */
  slackWebhookUrl?: string;
  /** PagerDuty Events API v2 routing key (a secret). */
  pagerDutyRoutingKey?: string;
  /** Dead-man's-switch URL the always-firing Watchdog alert is sent to every minute (a secret). */
  heartbeatUrl?: string;
}

/** Receiver names, as alerts' routes refer to them. */
export const RECEIVERS = { default: "platform", heartbeat: "heartbeat", none: "null" } as const;

export function alertmanagerConfig(r: AlertReceivers) {
  const platform: Record<string, unknown> = {
    name: RECEIVERS.default,
    sns_configs: [
      {
        topic_arn: r.snsTopicArn,
        sigv4: { region: r.awsRegion },
        subject: "[{{ .Status | toUpper }}] {{ .CommonLabels.region }} {{ .CommonLabels.alertname }}",
        send_resolved: true,
      },
    ],
  };
  if (r.slackWebhookUrl) platform.slack_configs = [{ api_url: r.slackWebhookUrl, send_resolved: true }];
  if (r.pagerDutyRoutingKey) platform.pagerduty_configs = [{ routing_key: r.pagerDutyRoutingKey, send_resolved: true }];
  const receivers: Record<string, unknown>[] = [{ name: RECEIVERS.none }, platform];
  if (r.heartbeatUrl) {
    receivers.push({ name: RECEIVERS.heartbeat, webhook_configs: [{ url: r.heartbeatUrl, send_resolved: false }] });
  }
  return {
    global: { resolve_timeout: "5m" },
    route: {
      receiver: RECEIVERS.default,
      group_by: ["region", "alertname", "namespace"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: [
        // Watchdog always fires: a heartbeat that stops means Prometheus or Alertmanager is down.
        {
          receiver: r.heartbeatUrl ? RECEIVERS.heartbeat : RECEIVERS.none,
          matchers: ['alertname = "Watchdog"'],
          group_wait: "0s",
          group_interval: "1m",
          repeat_interval: "1m",
        },
        // kube-prometheus-stack's helper alert for inhibiting info-level alerts: never a page.
        { receiver: RECEIVERS.none, matchers: ['alertname = "InfoInhibitor"'] },
      ],
    },
    inhibit_rules: [
      {
        source_matchers: ['severity = "critical"'],
        target_matchers: ['severity =~ "warning|info"'],
        equal: ["namespace", "alertname"],
      },
      {
        source_matchers: ['severity = "warning"'],
        target_matchers: ['severity = "info"'],
        equal: ["namespace", "alertname"],
      },
    ],
    receivers,
  };
}
