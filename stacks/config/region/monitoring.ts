/** `livekit-platform:monitoring` and `alerting`: Prometheus in the region, and where its alerts go. */
import { z } from "zod";
import { DEFAULT_PLATFORM } from "../../../lib/capacity";
import { Unshown } from "../../../lib/errors";
import { secretMatching } from "../fields";

export const monitoring = z
  .strictObject({
    retention: z
      .string()
      .regex(/^\d+[dhw]$/, { error: 'must be a Prometheus duration such as "15d"' })
      .default("15d")
      .describe("How long Prometheus keeps metrics."),
    retentionSize: z
      .string()
      .regex(/^\d+(GB|TB)$/, { error: 'must be a size such as "90GB"' })
      .default("90GB")
      .describe("Most disk space Prometheus' metrics may take before the oldest are dropped."),
    volumeSize: z
      .string()
      .regex(/^\d+Gi$/, { error: 'must be a volume size such as "100Gi"' })
      .default(`${DEFAULT_PLATFORM.prometheusVolumeGiB}Gi`)
      .describe("Size of Prometheus' gp3 volume; keep it above retentionSize."),
    runbookUrl: z
      .url({ error: "must be a URL such as https://github.com/<org>/<repo>/blob/main/docs/runbooks.md" })
      .optional()
      .meta({
        description:
          "Where alerts link for their runbooks: the URL of docs/runbooks.md in your copy of this repository, such as `https://github.com/<org>/<repo>/blob/main/docs/runbooks.md`; each alert links to `<runbookUrl>#alert-<alert name in lower case>`.",
        defaultText: "the repository path `docs/runbooks.md`",
      }),
  })
  .prefault({})
  .describe("Prometheus (kube-prometheus-stack) in the region.");

export const alerting = z
  .strictObject({
    emailSubscriptions: z
      .array(z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: "must be an email address" }))
      .default([])
      .describe("Email addresses subscribed to the region's alert SNS topic."),
    slackWebhookUrl: secretMatching(
      /^https:\/\/hooks\.slack\.com\//,
      "must be a Slack incoming-webhook URL (https://hooks.slack.com/...)",
    )
      .optional()
      .describe("Slack incoming-webhook URL for alerts (set as a secret)."),
    pagerDutyRoutingKey: secretMatching(
      /^[a-zA-Z0-9]{32}$/,
      "must be a PagerDuty Events API v2 routing key (32 characters)",
    )
      .optional()
      .describe(
        "PagerDuty Events API v2 routing key for alerts (set as a secret); needs pagerDutyCloudWatchIntegrationKey beside it.",
      ),
    pagerDutyCloudWatchIntegrationKey: secretMatching(
      /^[a-zA-Z0-9]{32}$/,
      "must be the integration key of a PagerDuty Amazon CloudWatch integration (32 characters)",
    )
      .optional()
      .describe(
        "Integration key of an Amazon CloudWatch integration on the PagerDuty service the alerts page (not the Events API v2 routing key): the heartbeat alarm pages it when Prometheus or Alertmanager is down, since Alertmanager then cannot (set as a secret).",
      ),
    heartbeatUrl: secretMatching(/^https:\/\//, "must be an https:// URL")
      .optional()
      .describe(
        "External dead-man's switch URL that also receives the Watchdog heartbeat every minute, besides the stack's own heartbeat topic and alarm (set as a secret).",
      ),
  })
  // With PagerDuty paged by Alertmanager, a dead Alertmanager must page the same people: through the heartbeat
  // alarm's own PagerDuty integration (components/monitoring/heartbeat.ts).
  .superRefine((alerting, ctx) => {
    if (alerting.pagerDutyRoutingKey !== undefined && alerting.pagerDutyCloudWatchIntegrationKey === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["pagerDutyCloudWatchIntegrationKey"],
        input: undefined,
        message:
          "is required with pagerDutyRoutingKey: add an Amazon CloudWatch integration to the PagerDuty service, then `pulumi config set --secret --path 'livekit-platform:alerting.pagerDutyCloudWatchIntegrationKey' < key.txt`, so a dead Alertmanager pages the same on-call",
      });
    // Both are 32 characters: the routing key pasted twice would pass the pattern and page nobody when it matters.
    else if (
      alerting.pagerDutyRoutingKey !== undefined &&
      alerting.pagerDutyCloudWatchIntegrationKey === alerting.pagerDutyRoutingKey
    )
      ctx.addIssue({
        code: "custom",
        path: ["pagerDutyCloudWatchIntegrationKey"],
        input: new Unshown("the same key as pagerDutyRoutingKey"),
        message:
          "must be the CloudWatch integration's own key, not the Events API v2 routing key (PagerDuty gives each integration its own)",
      });
  })
  .prefault({})
  .describe(
    "Where Alertmanager sends alerts: always an SNS topic the stack creates (subscribe to it, or list emails here); optionally Slack and PagerDuty. The Watchdog heartbeat always goes to a heartbeat topic whose CloudWatch alarm pages through the alert topic when it stops (and PagerDuty, when configured), and optionally to an external heartbeat URL. Set URLs and keys as secrets from a file or a pipe, never as an argument (which `ps` and shell history keep): `pulumi config set --secret --path 'livekit-platform:alerting.slackWebhookUrl' < slack-webhook-url.txt` (with no value, `pulumi config set` reads it from standard input, or asks for it without echo at a terminal; delete the file afterwards).",
  );
