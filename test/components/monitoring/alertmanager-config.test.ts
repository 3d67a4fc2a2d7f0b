/**
 * Alertmanager's configuration as Alertmanager v0.34.0 (the chart's) acts on it: where each alert goes
 * (dispatch/route.go: the first child route whose matchers match, recursively, else the route itself; a child
 * inherits what it leaves unset), what one notification groups (the route's group_by values), how often the
 * Watchdog is sent, and which alerts another mutes (inhibit/inhibit.go: a firing source alert mutes a target
 * alert when both sides' matchers match and the `equal` labels have the same value on both, a label missing on
 * both counting as equal). That Alertmanager loads the file, with every receiver, is checked by amtool in
 * alertmanager.int.test.ts.
 */
import {
  AlertReceivers,
  alertmanagerConfig,
  HEARTBEAT_INTERVAL,
  RECEIVERS,
} from "../../../components/monitoring/alertmanager-config";

type Labels = Record<string, string>;
interface Route {
  receiver?: string;
  matchers?: string[];
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: Route[];
}

const receivers: AlertReceivers = {
  snsTopicArn: "arn:aws:sns:ap-south-1:123456789012:alerts",
  heartbeatTopicArn: "arn:aws:sns:ap-south-1:123456789012:heartbeat",
  awsRegion: "ap-south-1",
};
const config = alertmanagerConfig(receivers) as Record<string, any>;

/** One Alertmanager matcher, `label op "value"` (pkg/labels/parse.go); a regex is anchored at both ends. */
function matches(matcher: string, labels: Labels): boolean {
  const m = /^\s*(\w+)\s*(=~|!~|!=|=)\s*"(.*)"\s*$/.exec(matcher);
  if (!m) throw new Error(`not a matcher this model reads: ${matcher}`);
  const [, name, op, value] = m;
  const actual = labels[name] ?? "";
  if (op === "=") return actual === value;
  if (op === "!=") return actual !== value;
  const re = new RegExp(`^(?:${value})$`);
  return op === "=~" ? re.test(actual) : !re.test(actual);
}
const all = (matchers: string[] | undefined, labels: Labels) => (matchers ?? []).every((m) => matches(m, labels));

/** The route an alert ends on, with what it inherits from its parents. */
function route(labels: Labels, at: Route = config.route, inherited: Route = {}): Route {
  const here: Route = { ...inherited, ...at, routes: undefined };
  const child = (at.routes ?? []).find((r) => all(r.matchers, labels));
  return child ? route(labels, child, here) : here;
}

/** The key one notification groups by: the route's receiver and its group_by labels' values. */
const groupKey = (labels: Labels) => {
  const r = route(labels);
  return JSON.stringify([r.receiver, (r.group_by ?? []).filter(Boolean).map((l) => [l, labels[l] ?? ""])]);
};

/**
 * Whether a firing `source` mutes `target` under the config's inhibit rules (inhibit/inhibit.go Mutes and
 * hasEqual): when the target matches a rule's source side too, a source that also matches the target side does
 * not count, so alerts of one kind never mute each other.
 */
const mutes = (source: Labels, target: Labels) =>
  (config.inhibit_rules as { source_matchers: string[]; target_matchers: string[]; equal: string[] }[]).some(
    (rule) =>
      all(rule.source_matchers, source) &&
      all(rule.target_matchers, target) &&
      rule.equal.every((l) => (source[l] ?? "") === (target[l] ?? "")) &&
      !(all(rule.source_matchers, target) && all(rule.target_matchers, source)),
  );

/** Go's time.ParseDuration for the plain `<n>s|m|h` durations Alertmanager's config takes, in seconds. */
const seconds = (duration: string | undefined) => {
  const m = /^(\d+)([smh])$/.exec(duration ?? "");
  if (!m) throw new Error(`not a duration: ${JSON.stringify(duration)}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"];
};

const receiver = (name: string) => (config.receivers as { name: string }[]).find((r) => r.name === name)!;
const alert = (labels: Labels) => ({ region: "mumbai", namespace: "livekit", ...labels });

describe("Alertmanager's routes", () => {
  it("sends every alert to the platform receiver, the Watchdog to the heartbeat and InfoInhibitor nowhere", () => {
    expect(route(alert({ alertname: "LiveKitJitterHigh", severity: "warning" })).receiver).toBe(RECEIVERS.default);
    expect(route(alert({ alertname: "KubePodCrashLooping", severity: "critical" })).receiver).toBe(RECEIVERS.default);
    expect(route(alert({ alertname: "Watchdog", severity: "none" })).receiver).toBe(RECEIVERS.heartbeat);
    expect(route(alert({ alertname: "InfoInhibitor", severity: "none" })).receiver).toBe(RECEIVERS.none);
    expect(route(alert({ alertname: "WatchdogX" })).receiver).toBe(RECEIVERS.default);
  });

  it("names each receiver a route sends to once", () => {
    const names = (config.receivers as { name: string }[]).map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of Object.values(RECEIVERS)) expect(names).toContain(name);
  });

  // One notification per alert and region: the same alert in two regions are two pages, on two pods one.
  it("groups an alert's firing series per region and namespace, never across them", () => {
    const jitter = alert({ alertname: "LiveKitJitterHigh", severity: "warning" });
    expect(groupKey({ ...jitter, pod: "a" })).toBe(groupKey({ ...jitter, pod: "b" }));
    expect(groupKey(jitter)).not.toBe(groupKey({ ...jitter, region: "singapore" }));
    expect(groupKey(jitter)).not.toBe(groupKey({ ...jitter, namespace: "livekit-egress" }));
    expect(groupKey(jitter)).not.toBe(groupKey({ ...jitter, alertname: "LiveKitPacketLossHigh" }));
  });

  // A group is flushed every group_interval and a firing one resent once repeat_interval has passed
  // (dispatch/dispatch.go, notify/dedup_stage.go needsUpdate): the Watchdog must arrive within the heartbeat
  // alarm's quiet window (components/monitoring/heartbeat.ts), one message every one to two minutes.
  it("sends the Watchdog at once and again every one to two minutes", () => {
    const watchdog = route(alert({ alertname: "Watchdog" }));
    expect(seconds(watchdog.group_wait)).toBe(0);
    expect(seconds(watchdog.group_interval)).toBe(seconds(HEARTBEAT_INTERVAL));
    expect(seconds(watchdog.repeat_interval)).toBe(seconds(HEARTBEAT_INTERVAL));
    expect(seconds(HEARTBEAT_INTERVAL)).toBeLessThanOrEqual(60);
  });

  it("waits to batch a new group, and repeats a still-firing page no sooner than hours later", () => {
    const page = route(alert({ alertname: "LiveKitJitterHigh", severity: "warning" }));
    expect(seconds(page.group_wait)).toBeGreaterThan(0);
    expect(seconds(page.group_interval)).toBeGreaterThanOrEqual(60);
    expect(seconds(page.repeat_interval)).toBeGreaterThanOrEqual(3600);
    expect(seconds(config.global.resolve_timeout)).toBeGreaterThan(0);
  });
});

describe("Alertmanager's receivers", () => {
  it("publishes alerts and their resolution to the alert topic, signed for its region", () => {
    expect(receiver(RECEIVERS.default)).toEqual({
      name: RECEIVERS.default,
      sns_configs: [
        expect.objectContaining({
          topic_arn: receivers.snsTopicArn,
          sigv4: { region: "ap-south-1" },
          subject: expect.stringMatching(/\.CommonLabels\.region.*\.CommonLabels\.alertname/),
          send_resolved: true,
        }),
      ],
    });
  });

  it("adds Slack and PagerDuty only when given, with their secrets, and resolutions", () => {
    const both = alertmanagerConfig({
      ...receivers,
      slackWebhookUrl: "https://hooks.slack.com/x",
      pagerDutyRoutingKey: "k",
    });
    const platform = both.receivers.find((r) => r.name === RECEIVERS.default)!;
    expect(platform.slack_configs).toEqual([{ api_url: "https://hooks.slack.com/x", send_resolved: true }]);
    expect(platform.pagerduty_configs).toEqual([{ routing_key: "k", send_resolved: true }]);
  });

  // A resolved Watchdog means Prometheus stopped: the heartbeat alarm's silence says so, not a message.
  it("publishes the Watchdog to the heartbeat topic and the external URL, never its resolution", () => {
    expect(receiver(RECEIVERS.heartbeat)).toEqual({
      name: RECEIVERS.heartbeat,
      sns_configs: [
        expect.objectContaining({
          topic_arn: receivers.heartbeatTopicArn,
          sigv4: { region: "ap-south-1" },
          subject: expect.stringContaining(".CommonLabels.region"),
          send_resolved: false,
        }),
      ],
    });
    const withUrl = alertmanagerConfig({ ...receivers, heartbeatUrl: "https://hc-ping.com/x" });
    expect(withUrl.receivers.find((r) => r.name === RECEIVERS.heartbeat)!.webhook_configs).toEqual([
      { url: "https://hc-ping.com/x", send_resolved: false },
    ]);
  });

  it("gives the null receiver no integration", () => {
    expect(receiver(RECEIVERS.none)).toEqual({ name: RECEIVERS.none });
  });
});

describe("Alertmanager's inhibit rules", () => {
  const critical = alert({ alertname: "LiveKitRedisUnreachable", severity: "critical" });
  const warning = { ...critical, severity: "warning" };
  const info = { ...critical, severity: "info" };

  it("mutes the warning and info alerts of an alert that is critical, in the same namespace", () => {
    expect(mutes(critical, warning)).toBe(true);
    expect(mutes(critical, info)).toBe(true);
    expect(mutes(warning, info)).toBe(true);
    for (const [source, target] of [
      [critical, warning],
      [critical, info],
      [warning, info],
    ]) {
      expect(mutes(source, { ...target, namespace: "livekit-egress" })).toBe(false);
      expect(mutes(source, { ...target, alertname: "LiveKitJitterHigh" })).toBe(false);
    }
  });

  it("never mutes a worse alert, nor an equal one", () => {
    expect(mutes(warning, critical)).toBe(false);
    expect(mutes(info, warning)).toBe(false);
    expect(mutes(critical, critical)).toBe(false);
    expect(mutes(warning, warning)).toBe(false);
    expect(mutes(info, { ...info, pod: "b" })).toBe(false);
    // Only a severity the rules rank mutes: an alert of no severity of the same name mutes nothing.
    expect(mutes({ ...critical, severity: "none" }, info)).toBe(false);
    expect(mutes({ ...critical, severity: "none" }, warning)).toBe(false);
  });

  // kube-prometheus-stack's InfoInhibitor fires in a namespace with info alerts and nothing worse.
  it("lets InfoInhibitor mute the info alerts of its own namespace only", () => {
    const inhibitor = alert({ alertname: "InfoInhibitor", severity: "none" });
    expect(mutes(inhibitor, alert({ alertname: "KubeJobNotCompleted", severity: "info" }))).toBe(true);
    expect(
      mutes(inhibitor, alert({ alertname: "KubeJobNotCompleted", severity: "info", namespace: "kube-system" })),
    ).toBe(false);
    expect(mutes(inhibitor, alert({ alertname: "LiveKitJitterHigh", severity: "warning" }))).toBe(false);
    // While anything worse fires in the namespace, InfoInhibitor does not, and its info alerts are sent.
    for (const severity of ["warning", "critical", "none"])
      expect(
        mutes(
          alert({ alertname: "LiveKitJitterHigh", severity }),
          alert({ alertname: "KubeJobNotCompleted", severity: "info" }),
        ),
      ).toBe(false);
  });
});
