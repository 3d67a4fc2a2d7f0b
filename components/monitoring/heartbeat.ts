/**
 * The dead man's switch. kube-prometheus-stack's always-firing `Watchdog` alert is routed to a heartbeat SNS
 * topic (./alertmanager-config.ts); a CloudWatch alarm on that topic's `NumberOfMessagesPublished` pages through
 * the alert topic when the messages stop, that is when Prometheus, its rules, Alertmanager or its SNS
 * credentials are down. Pure: the Monitoring component (./index.ts) creates the topic and the alarm.
 *
 * SNS sends its topic metrics to CloudWatch every five minutes, per topic with the dimension `TopicName`, and a
 * topic with no publishes has no data points (AWS SNS, "Monitoring Amazon SNS topics using CloudWatch"):
 * missing data is what the switch watches for, so it counts as breaching.
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
