/**
 * The dead man's switch. kube-prometheus-stack's always-firing `Watchdog` alert is routed to a heartbeat SNS
 * topic (./alertmanager-config.ts); a CloudWatch alarm on that topic's `NumberOfMessagesPublished` pages through
 * the alert topic when the messages stop, that is when Prometheus, its rules, Alertmanager or its SNS
 * credentials are down. Pure: the Monitoring component (./index.ts) creates the topic and the alarm.
 *
 * SNS sends its topic metrics to CloudWatch every five minutes, per topic with the dimension `TopicName`, and a
 * topic with no publishes has no data points (AWS SNS, "Monitoring Amazon SNS topics using CloudWatch"):
 * missing data is what the switch watches for, so it counts as breaching.
 *
 * Where Alertmanager pages PagerDuty, the alarm must too: the alert topic reaches only its email subscribers,
 * and the one component that would page is the one that is down. The alarm then also publishes to a paging
 * topic of its own whose one subscriber is PagerDuty's Amazon CloudWatch integration, an HTTPS endpoint that
 * takes SNS's CloudWatch alarm notifications as they are and confirms the subscription itself (PagerDuty,
 * "Amazon CloudWatch Integration Guide": the integration URL `https://events.pagerduty.com/integration/<integration
 * key>/enqueue`). Its key is the integration's, not the Events API v2 routing key Alertmanager uses: that API
 * takes only its own JSON events, never an SNS notification. The alert topic is not subscribed there instead:
 * Alertmanager publishes every alert to it, warnings included, and PagerDuty would page them twice.
 */

/** The alarm's name in CloudWatch (per region stack: the topic name carries the stack's resource name). */
export const HEARTBEAT_ALARM_KIND = "LiveKitAlertingHeartbeatMissing";

/** The section of docs/runbooks.md the alarm links to. */
export const HEARTBEAT_RUNBOOK_ANCHOR = "dead-mans-switch-livekitalertingheartbeatmissing";

/** `TopicName` is the topic's name, or its Output in the component. */
export interface HeartbeatAlarmSpec<TopicName = string> {
  alarmDescription: string;
  namespace: "AWS/SNS";
  metricName: "NumberOfMessagesPublished";
  dimensions: { TopicName: TopicName };
  statistic: "Sum";
  period: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparisonOperator: "LessThanThreshold";
  treatMissingData: "breaching";
}

/** SNS's metric period (five minutes): a shorter alarm period would see gaps between its data points. */
export const HEARTBEAT_PERIOD_SECONDS = 300;
/** Quiet periods in a row before it pages: 15 minutes, several Watchdog messages each (one every 1-2 min). */
export const HEARTBEAT_EVALUATION_PERIODS = 3;

/** The alarm on the heartbeat topic `topicName`; `runbookBase` is where the runbook links point. */
export function heartbeatAlarmSpec<TopicName>(
  topicName: TopicName,
  runbookBase: string,
): HeartbeatAlarmSpec<TopicName> {
  return {
    alarmDescription:
      `No Watchdog heartbeat from Alertmanager for ${(HEARTBEAT_PERIOD_SECONDS * HEARTBEAT_EVALUATION_PERIODS) / 60} ` +
      `minutes: Prometheus or Alertmanager is down and no other alert can reach you. ` +
      `${runbookBase}#${HEARTBEAT_RUNBOOK_ANCHOR}`,
    namespace: "AWS/SNS",
    metricName: "NumberOfMessagesPublished",
    dimensions: { TopicName: topicName },
    statistic: "Sum",
    period: HEARTBEAT_PERIOD_SECONDS,
    evaluationPeriods: HEARTBEAT_EVALUATION_PERIODS,
    datapointsToAlarm: HEARTBEAT_EVALUATION_PERIODS,
    threshold: 1,
    comparisonOperator: "LessThanThreshold",
    treatMissingData: "breaching",
  };
}

/** The alarm on failed deliveries from the paging topic, in CloudWatch (beside the heartbeat alarm's name). */
export const PAGE_DELIVERY_ALARM_KIND = "LiveKitHeartbeatPageUndelivered";

/**
 * The alarm on the paging topic `topicName` when SNS could not deliver to PagerDuty (a wrong or deleted
 * integration key, PagerDuty refusing): `NumberOfNotificationsFailed` counts deliveries that failed after SNS's
 * retries (AWS SNS, "Monitoring Amazon SNS topics using CloudWatch"). It goes to the alert topic (email): the page
 * that did not arrive is the one that mattered, and nothing else would say so. No failure, no data point: missing
 * data is fine here.
 */
export function pageDeliveryAlarmSpec<TopicName>(topicName: TopicName, runbookBase: string) {
  return {
    alarmDescription:
      `SNS could not deliver the dead man's switch's page to PagerDuty: the heartbeat alarm pages by email only. ` +
      `Check the PagerDuty Amazon CloudWatch integration key. ${runbookBase}#${HEARTBEAT_RUNBOOK_ANCHOR}`,
    namespace: "AWS/SNS",
    metricName: "NumberOfNotificationsFailed",
    dimensions: { TopicName: topicName },
    statistic: "Sum",
    period: HEARTBEAT_PERIOD_SECONDS,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
  } as const;
}

/** PagerDuty's endpoint for an Amazon CloudWatch integration (a secret: the key lets anyone open incidents). */
export function pagerDutyCloudWatchEndpoint(integrationKey: string): string {
  return `https://events.pagerduty.com/integration/${integrationKey}/enqueue`;
}
