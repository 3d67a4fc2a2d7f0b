/**
 * The dead man's switch's alarms as CloudWatch evaluates them (Amazon CloudWatch API Reference, PutMetricAlarm,
 * and "Using Amazon CloudWatch alarms"): each period's datapoints are reduced by the statistic and compared with
 * the threshold by the operator; the alarm fires when `datapointsToAlarm` of the last `evaluationPeriods` periods
 * breach. A period without datapoints counts by `TreatMissingData`. SNS publishes its topic metrics every five
 * minutes, and a topic with nothing published has no datapoints at all (AWS SNS, "Monitoring Amazon SNS topics
 * using CloudWatch").
 */
import * as fs from "fs";
import * as path from "path";
import {
  HEARTBEAT_ALARM_KIND,
  HEARTBEAT_RUNBOOK_ANCHOR,
  PAGE_DELIVERY_ALARM_KIND,
  heartbeatAlarmSpec,
  pageDeliveryAlarmSpec,
  pagerDutyCloudWatchEndpoint,
} from "../../../components/monitoring/heartbeat";
import { alarmState } from "../../support/cloudwatch-alarm";
import { headingsOf } from "../../support/markdown";

/** `minutes` of time as SNS reports it: one datapoint per five minutes, the messages published in it. */
const fiveMinutePeriods = (minutes: number, messages: number[]) => Array.from({ length: minutes / 5 }, () => messages);

const runbooksFile = path.join(__dirname, "..", "..", "..", "docs", "runbooks.md");
const runbooks = fs.readFileSync(runbooksFile, "utf8");
const headingAnchors = headingsOf(runbooksFile).map((h) => h.anchor);

describe("the heartbeat alarm", () => {
  const spec = heartbeatAlarmSpec("livekit-mumbai-heartbeat", "docs/runbooks.md");

  it("watches the messages published to the heartbeat topic, by its name", () => {
    expect(spec).toMatchObject({
      namespace: "AWS/SNS",
      metricName: "NumberOfMessagesPublished",
      dimensions: { TopicName: "livekit-mumbai-heartbeat" },
    });
  });

  it("stays quiet while the Watchdog publishes, even one message in five minutes", () => {
    expect(alarmState(spec, fiveMinutePeriods(60, [1, 1, 1]))).toBe("OK");
    expect(alarmState(spec, fiveMinutePeriods(60, [1]))).toBe("OK");
  });

  it("pages after 15 quiet minutes, when the topic has no datapoints, and not before", () => {
    const alive = fiveMinutePeriods(60, [3]);
    expect(alarmState(spec, [...alive, ...fiveMinutePeriods(10, [])])).toBe("OK");
    expect(alarmState(spec, [...alive, ...fiveMinutePeriods(15, [])])).toBe("ALARM");
    // Silence from the start (the stack's first minutes, or a Prometheus that never came up) pages too.
    expect(alarmState(spec, fiveMinutePeriods(15, []))).toBe("ALARM");
    // A datapoint of zero messages is as silent as none.
    expect(alarmState(spec, fiveMinutePeriods(15, [0]))).toBe("ALARM");
  });

  it("clears as soon as one period has messages again", () => {
    expect(alarmState(spec, [...fiveMinutePeriods(30, []), [2]])).toBe("OK");
  });

  it("is an alarm PutMetricAlarm takes, on SNS's own five-minute period", () => {
    expect(() => alarmState(spec, [])).not.toThrow();
    expect(spec.period).toBe(300);
  });

  it("says how long it has been quiet and links its runbook section", () => {
    expect(spec.alarmDescription).toContain("for 15 minutes");
    expect(spec.alarmDescription).toMatch(new RegExp(` docs/runbooks\\.md#${HEARTBEAT_RUNBOOK_ANCHOR}$`));
    expect(headingAnchors).toContain(HEARTBEAT_RUNBOOK_ANCHOR);
  });
});

describe("the alarm on undelivered pages", () => {
  const spec = pageDeliveryAlarmSpec("livekit-mumbai-heartbeat-page", "https://example.com/runbooks.md");

  it("watches the failed deliveries of the paging topic, by its name", () => {
    expect(spec).toMatchObject({
      namespace: "AWS/SNS",
      metricName: "NumberOfNotificationsFailed",
      dimensions: { TopicName: "livekit-mumbai-heartbeat-page" },
    });
  });

  it("fires on one failed delivery in a period, and is quiet with none or no datapoints", () => {
    expect(() => alarmState(spec, [])).not.toThrow();
    expect(alarmState(spec, [[1]])).toBe("ALARM");
    expect(alarmState(spec, [[0]])).toBe("OK");
    expect(alarmState(spec, fiveMinutePeriods(60, []))).toBe("OK");
    // A failure an hour ago is over once a period without one follows.
    expect(alarmState(spec, [[1], ...fiveMinutePeriods(5, [])])).toBe("OK");
  });

  it("is an alarm on SNS's own five-minute period", () => {
    expect(spec.period).toBe(300);
  });

  it("says what failed, what to check, and links the runbook section", () => {
    expect(spec.alarmDescription).toContain("PagerDuty");
    expect(spec.alarmDescription).toContain("integration key");
    expect(spec.alarmDescription).toMatch(
      new RegExp(` https://example\\.com/runbooks\\.md#${HEARTBEAT_RUNBOOK_ANCHOR}$`),
    );
  });
});

describe("the alarms' names", () => {
  it("are the kinds the runbook names, each its own, so the two alarms of a topic never share a name", () => {
    // The alarm is `<topic>-<kind>`: the runbook's section is headed by the heartbeat alarm's kind, and names the
    // page alarm's as `<heartbeat topic>-<kind>`.
    expect(runbooks).toContain(`## Dead man's switch: ${HEARTBEAT_ALARM_KIND}\n`);
    expect(runbooks).toContain(`\`<heartbeat topic>-${PAGE_DELIVERY_ALARM_KIND}\``);
    for (const kind of [HEARTBEAT_ALARM_KIND, PAGE_DELIVERY_ALARM_KIND]) expect(kind).toMatch(/^LiveKit[A-Za-z]+$/);
    expect(HEARTBEAT_ALARM_KIND).not.toBe(PAGE_DELIVERY_ALARM_KIND);
  });
});

describe("PagerDuty's Amazon CloudWatch endpoint", () => {
  it("is the integration's enqueue URL over HTTPS, with the key as one path segment", () => {
    const url = new URL(pagerDutyCloudWatchEndpoint("0123456789abcdef0123456789abcdef"));
    expect(url.protocol).toBe("https:");
    expect(url.host).toBe("events.pagerduty.com");
    expect(url.pathname.split("/")).toEqual(["", "integration", "0123456789abcdef0123456789abcdef", "enqueue"]);
  });
});
