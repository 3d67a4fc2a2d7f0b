/**
 * Where Alertmanager sends alerts (kube-prometheus-stack `alertmanager.config`). The chart's default
 * (88.5.3 values.yaml) routes everything to a "null" receiver: alerts would only show in the UI.
 *
 * The chart runs Alertmanager v0.34.0 (values.yaml `alertmanager.alertmanagerSpec.image.tag` at
 * kube-prometheus-stack-88.5.3); the tests check this config with Debian's amtool, v0.25.0. Every field used
 * here parses in both (prometheus/alertmanager config/notifiers.go, `SNSConfig` and `WebhookConfig`): the
 * webhook's `url_file` (v0.26.0 on) is not used, the URL sits in the config, which the chart keeps in a Secret.
 */

export interface AlertReceivers {
  /** SNS topic every alert goes to (subscribe email, chat or paging integrations to it). */
  snsTopicArn: string;
  /** SNS topic the always-firing Watchdog is published to: a CloudWatch alarm pages when it goes quiet. */
  heartbeatTopicArn: string;
  /** AWS region of the topics (Alertmanager signs its SNS calls with SigV4 for it). */
  awsRegion: string;
  /** Slack incoming-webhook URL (a secret). */
  slackWebhookUrl?: string;
  /** PagerDuty Events API v2 routing key (a secret). */
  pagerDutyRoutingKey?: string;
  /** An external dead-man's-switch URL the Watchdog is also sent to every minute (a secret). */
  heartbeatUrl?: string;
}

/** Receiver names, as alerts' routes refer to them. */
export const RECEIVERS = { default: "platform", heartbeat: "heartbeat", none: "null" } as const;

/**
 * How often Alertmanager sends the Watchdog again: the route's group_interval and repeat_interval. A group is
 * flushed every group_interval and a firing one is resent once repeat_interval has passed since the last send
 * (dispatch/dispatch.go, notify/dedup_stage.go `needsUpdate`, v0.34.0), so one message every one to two minutes.
 */
export const HEARTBEAT_INTERVAL = "1m";

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
  const heartbeat: Record<string, unknown> = {
    name: RECEIVERS.heartbeat,
    sns_configs: [
      {
        topic_arn: r.heartbeatTopicArn,
        sigv4: { region: r.awsRegion },
        subject: "Watchdog {{ .CommonLabels.region }}",
        send_resolved: false,
      },
    ],
  };
  if (r.heartbeatUrl) heartbeat.webhook_configs = [{ url: r.heartbeatUrl, send_resolved: false }];
  const receivers: Record<string, unknown>[] = [{ name: RECEIVERS.none }, platform, heartbeat];
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
          receiver: RECEIVERS.heartbeat,
          matchers: ['alertname = "Watchdog"'],
          group_wait: "0s",
          group_interval: HEARTBEAT_INTERVAL,
          repeat_interval: HEARTBEAT_INTERVAL,
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
      // kube-prometheus-stack's own rule (its values.yaml alertmanager.config): InfoInhibitor fires in a namespace
      // with info alerts and nothing worse, and keeps those info alerts from reaching anyone.
      {
        source_matchers: ['alertname = "InfoInhibitor"'],
        target_matchers: ['severity = "info"'],
        equal: ["namespace"],
      },
    ],
    receivers,
  };
}
