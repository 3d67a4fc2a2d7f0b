/**
 * The drills' stop condition (components/chaos/stop-alarm.ts). That every drill stops on it, and that it watches
 * the region's own ALB: chaos.plan.test.ts.
 */
import { albNameFromHostname, signallingFailureAlarm } from "../../../components/chaos/stop-alarm";
import { ALB_HOST } from "../../support/chaos";

const SUFFIX = "app/k8s-livekit-livekits-0123456789/0123456789abcdef";

describe("the signalling failure alarm", () => {
  const alarm = signallingFailureAlarm(SUFFIX, 5) as Record<string, any>;

  it("fires when more than the given share of signalling requests fail for 2 of 3 minutes, never on silence", () => {
    expect(alarm).toEqual(
      expect.objectContaining({
        comparisonOperator: "GreaterThanThreshold",
        threshold: 5,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: "notBreaching",
      }),
    );
    expect(signallingFailureAlarm(SUFFIX, 2).threshold).toBe(2);
  });

  it("says in its description the share and the window it fires on", () => {
    expect(signallingFailureAlarm(SUFFIX, 7).alarmDescription).toMatch(/more than 7% of .* for 2 of 3 minutes\.$/);
  });

  it("counts ELB and LiveKit 5xx over all requests of the ALB", () => {
    const queries = Object.fromEntries(alarm.metricQueries.map((q: any) => [q.id, q]));
    for (const [id, metricName] of [
      ["elb5xx", "HTTPCode_ELB_5XX_Count"],
      ["target5xx", "HTTPCode_Target_5XX_Count"],
      ["requests", "RequestCount"],
    ]) {
      expect(queries[id]).toEqual({
        id,
        returnData: false,
        metric: {
          namespace: "AWS/ApplicationELB",
          metricName,
          period: 60,
          stat: "Sum",
          dimensions: { LoadBalancer: SUFFIX },
        },
      });
    }
    expect(queries.failedpercent).toEqual(
      expect.objectContaining({
        returnData: true,
        expression: expect.stringContaining("100 * (FILL(elb5xx, 0) + FILL(target5xx, 0))"),
      }),
    );
    expect(alarm.metricQueries.filter((q: any) => q.returnData)).toHaveLength(1);
  });
});

describe("albNameFromHostname", () => {
  it("reads the ALB name out of its DNS name", () => {
    expect(albNameFromHostname(ALB_HOST)).toBe("k8s-livekit-livekits-0123456789");
    expect(albNameFromHostname("internal-k8s-livekit-x-abcdef0123-42.ap-south-1.elb.amazonaws.com")).toBe(
      "k8s-livekit-x-abcdef0123",
    );
    // Only a leading "internal-" is the scheme's: a name may hold the word itself.
    expect(albNameFromHostname("k8s-internal-livekits-0123456789-42.ap-south-1.elb.amazonaws.com")).toBe(
      "k8s-internal-livekits-0123456789",
    );
  });
});
