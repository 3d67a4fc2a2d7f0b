/**
 * The drills' stop condition (pure: Pulumi types only): users failing to join. Every join and every reconnect
 * after a lost node is one WebSocket upgrade through the ALB, so 5xx from the ALB (no healthy target, target
 * gone) or from LiveKit (join refused) is what users feel. CloudWatch has these natively; FIS stops only on
 * CloudWatch alarms.
 */
import type * as aws from "@pulumi/aws";
import type { Input } from "@pulumi/pulumi";

/** The stop alarm: share of signalling requests (joins and reconnects) failing at the ALB, percent. */
export const DEFAULT_STOP_FAILED_JOIN_PERCENT = 5;

/**
 * The ALB's name from its DNS name: `k8s-livekit-xyz-0123456789-1234567890.ap-south-1.elb.amazonaws.com`
 * -> `k8s-livekit-xyz-0123456789` (ALB DNS names are `[internal-]<name>-<number>.<region>.elb.amazonaws.com`).
 */
export function albNameFromHostname(hostname: string): string {
  const label = hostname.split(".")[0].replace(/^internal-/, "");
  return label.replace(/-\d+$/, "");
}

/** The alarm's settings but its tags: more than `percent`% of signalling requests failing for 2 of 3 minutes. */
export function signallingFailureAlarm(
  albArnSuffix: Input<string>,
  percent: number,
): Omit<aws.cloudwatch.MetricAlarmArgs, "tags"> {
  const albMetric = (id: string, metricName: string) => ({
    id,
    returnData: false,
    metric: {
      namespace: "AWS/ApplicationELB",
      metricName,
      dimensions: { LoadBalancer: albArnSuffix },
      period: 60,
      stat: "Sum",
    },
  });
  return {
    alarmDescription: `Chaos stop condition: more than ${percent}% of LiveKit signalling requests (joins, reconnects) fail at the ALB for 2 of 3 minutes.`,
    comparisonOperator: "GreaterThanThreshold",
    threshold: percent,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    // No traffic is no harm; an idle region must not stop a drill.
    treatMissingData: "notBreaching",
    metricQueries: [
      albMetric("elb5xx", "HTTPCode_ELB_5XX_Count"),
      albMetric("target5xx", "HTTPCode_Target_5XX_Count"),
      albMetric("requests", "RequestCount"),
      {
        id: "failedpercent",
        label: "Failed signalling requests (%)",
        // ELB 5xx without a target are not in RequestCount; +1 keeps a near-idle minute from dividing by zero.
        expression: "100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0) + 1)",
        returnData: true,
      },
    ],
  };
}
