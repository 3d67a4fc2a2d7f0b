import { headingsOf } from "../../support/markdown";
import * as path from "path";
import {
  AlertRule,
  AlertRulesInput,
  DEFAULT_THRESHOLDS,
  renderAlertRules,
  runbookAnchor,
  RUNBOOKS_DOCUMENT,
} from "../../../components/monitoring/alert-rules";
import { lookupMetric, metricNamesIn, seriesSelectors, TARGET_LABELS } from "../../support/metrics";

// ---------------------------------------------------------------------------------------------------

const input: AlertRulesInput = {
  region: "mumbai",
  capacity: { maxRooms: 1000, maxParticipants: 20000 },
  sfu: { namespace: "livekit", deployment: "livekit-server" },
  turn: { totalQuota: 500, relayBudgetMbps: 80 },
};

const allRules = (i: AlertRulesInput = input): AlertRule[] => renderAlertRules(i).groups.flatMap((g) => g.rules);
const ruleNamed = (name: string): AlertRule => {
  const r = allRules().find((x) => x.alert === name);
  if (!r) throw new Error(`no rule ${name}`);
  return r;
};

describe("renderAlertRules", () => {
  it("renders the seed's alert table plus the platform alerts, each named once", () => {
    const names = allRules().map((r) => r.alert);
    expect(names).toEqual([
      "LiveKitRoomsNearCapacity",
      "LiveKitParticipantsNearCapacity",
      "LiveKitPacketLossHigh",
      "LiveKitNackRateRising",
      "LiveKitJitterHigh",
      "LiveKitSfuPodNotReady",
      "LiveKitRedisUnreachable",
      "KarpenterNodeInterrupted",
      "KarpenterDriftStalled",
      "KarpenterNodeTooOld",
      "TurnAllocationsFailing",
      "TurnAllocationQuotaNearlyExhausted",
      "TurnRelayTrafficAboveBudget",
      "LiveKitEgressSaturated",
    ]);
    expect(new Set(names).size).toBe(names.length);
  });

  it("gives every alert a for, a severity, the region, a summary, a description and a link to its runbook", () => {
    for (const r of allRules()) {
      expect(r.for).toMatch(/^\d+[smh]$/);
      expect(["critical", "warning", "info"]).toContain(r.labels.severity);
      expect(r.labels.region).toBe("mumbai");
      expect(r.annotations.summary.length).toBeGreaterThan(10);
      expect(r.annotations.description.length).toBeGreaterThan(20);
      expect(r.annotations.runbook).toBe(`docs/runbooks.md#alert-${r.alert.toLowerCase()}`);
      expect(r.annotations.runbook).toBe(`${RUNBOOKS_DOCUMENT}#${runbookAnchor(r.alert)}`);
    }
  });

  // What a page says: which region, and the value that fired or the labels of what it fired on (an alert on a
  // count of zero has nothing left to show).
  it("names the region in each description, with the alert's value or what it is about", () => {
    for (const r of allRules()) {
      const { description } = r.annotations;
      expect({ alert: r.alert, region: description.includes("mumbai") }).toEqual({ alert: r.alert, region: true });
      expect({
        alert: r.alert,
        shows: /\{\{[^}]*\$(value|labels\.\w+)[^}]*\}\}/.test(description) || /\) == 0$/.test(r.expr),
      }).toEqual({
        alert: r.alert,
        shows: true,
      });
    }
  });

  // Prometheus expands `$labels.<name>` to "" for a label the alert's series lack. An aggregation keeps only its
  // `by (...)` labels, so every label an annotation names must be among them.
  it("names in its annotations only labels its expression keeps", () => {
    for (const r of allRules()) {
      const by = /\bby\s*\(([^)]*)\)/.exec(r.expr);
      if (!by) continue; // not aggregated: the series keep their own labels
      const kept = by[1].split(",").map((l) => l.trim());
      const named = [...`${r.annotations.summary} ${r.annotations.description}`.matchAll(/\$labels\.(\w+)/g)].map(
        (m) => m[1],
      );
      expect({ alert: r.alert, unknown: named.filter((l) => !kept.includes(l)) }).toEqual({
        alert: r.alert,
        unknown: [],
      });
    }
  });

  // LiveKit counts every packet it expects, lost ones included, as transmission="initial", and retransmissions
  // apart (pkg/telemetry/prometheus/packets.go); loss and NACK ratios over all packets would count retransmissions too.
  it("divides loss and NACKs by the initial transmissions only", () => {
    for (const r of allRules()) {
      for (const m of r.expr.matchAll(/livekit_packet_total(\{[^}]*\})?/g))
        expect({ alert: r.alert, selector: m[0] }).toEqual({
          alert: r.alert,
          selector: 'livekit_packet_total{transmission="initial"}',
        });
    }
    expect(ruleNamed("LiveKitPacketLossHigh").expr.match(/livekit_packet_total/g)!.length).toBeGreaterThanOrEqual(2);
  });

  // The LiveKit component's SFU: Deployment livekit-server in namespace livekit (components/livekit).
  it("watches the livekit-server Deployment in the livekit namespace unless told otherwise", () => {
    const expr = allRules({ ...input, sfu: undefined }).find((r) => r.alert === "LiveKitSfuPodNotReady")!.expr;
    expect(new Set([...expr.matchAll(/namespace="([^"]*)"/g)].map((m) => m[1]))).toEqual(new Set(["livekit"]));
    for (const m of expr.matchAll(/pod=~"([^"]*)"/g))
      expect(new RegExp(`^(?:${m[1]})$`).test("livekit-server-7d9f8b6c5d-x2k4q")).toBe(true);
  });

  it("links runbooks to another document when asked", () => {
    const base = "https://github.com/example/livekit-platform/blob/main/docs/runbooks.md";
    const r = allRules({ ...input, runbookBase: base })[0];
    expect(r.annotations.runbook).toBe(`${base}#alert-livekitroomsnearcapacity`);
  });

  it("links every alert to a section of docs/runbooks.md, and every alert section there to an alert", () => {
    // GitHub's heading anchors (test/support/markdown.ts).
    const sections = headingsOf(path.join(__dirname, "..", "..", "..", RUNBOOKS_DOCUMENT));
    const headings = sections.map((h) => h.anchor);
    const anchors = allRules().map((r) => r.annotations.runbook.split("#")[1]);
    expect(anchors.filter((a) => !headings.includes(a))).toEqual([]);
    const alertSections = sections.filter((h) => h.text.startsWith("Alert: ")).map((h) => h.anchor);
    expect(alertSections.filter((h) => !anchors.includes(h))).toEqual([]);
  });

  it("compares rooms and participants with the region's planned capacity", () => {
    expect(ruleNamed("LiveKitRoomsNearCapacity").expr).toBe("sum(livekit_room_total) / 1000 > 0.8");
    expect(ruleNamed("LiveKitParticipantsNearCapacity").expr).toBe("sum(livekit_participant_total) / 20000 > 0.8");
    const custom = allRules({ ...input, thresholds: { capacityRatio: 0.9 } });
    expect(custom[0].expr).toBe("sum(livekit_room_total) / 1000 > 0.9");
  });

  it("reads jitter from the microsecond histogram and converts it to milliseconds", () => {
    const expr = ruleNamed("LiveKitJitterHigh").expr;
    expect(expr).toContain(
      "histogram_quantile(0.95, sum by (le, node_id, direction) (rate(livekit_jitter_us_bucket[5m])))",
    );
    expect(expr).toMatch(/\/ 1000 > 30$/);
  });

  it("computes packet loss as lost / expected packets, never from a gauge", () => {
    const expr = ruleNamed("LiveKitPacketLossHigh").expr;
    expect(expr).toContain("rate(livekit_packet_loss_total[5m])");
    expect(expr).toContain('rate(livekit_packet_total{transmission="initial"}[5m])');
    expect(expr).not.toMatch(/livekit_packet_loss(?!_total|_percent)/);
  });

  it("alerts on the bytes Coturn relayed against the node's relay budget, never on allocations or reservations", () => {
    const expr = ruleNamed("TurnRelayTrafficAboveBudget").expr;
    expect(expr).toContain("rate(turn_total_traffic_sentb[1h]) + rate(turn_total_traffic_peer_sentb[1h])");
    expect(expr).toMatch(/^8 \* sum by \(namespace, pod, instance\) \(.*\) \/ 1e6 \/ 80 > 1$/);
    expect(expr).not.toContain("turn_total_allocations");
    for (const r of allRules()) expect(r.expr).not.toMatch(/bps.capacity|max.bps/i);
  });

  // aws/karpenter-provider-aws v1.14.1: the interruption controller counts karpenter_nodeclaims_disrupted_total
  // with the message's kind as `reason` when it deletes a NodeClaim (pkg/controllers/interruption/utils.go:162-166);
  // the kinds are messages/types.go:38-48. A rebalance recommendation only publishes an event (utils.go:191) and a
  // no-op message is dropped (utils.go:67): neither deletes a node. Prometheus anchors a `=~` regex at both ends.
  it("counts every interruption kind that deletes a Karpenter node, and only those", () => {
    const deleting = [
      "scheduled_change",
      "spot_interrupted",
      "instance_stopped",
      "instance_terminated",
      "capacity_reservation_interrupted",
      "instance_status",
      "system_status",
      "event_status",
    ];
    const expr = ruleNamed("KarpenterNodeInterrupted").expr;
    const regexes = [...expr.matchAll(/karpenter_nodeclaims_disrupted_total\{reason=~"([^"]*)"\}/g)].map(
      (m) => new RegExp(`^(?:${m[1]})$`),
    );
    expect(regexes.length).toBeGreaterThan(0);
    for (const reason of regexes) {
      expect(deleting.filter((kind) => !reason.test(kind))).toEqual([]);
      expect(["rebalance_recommendation", "no_op", "", "drifted"].filter((kind) => reason.test(kind))).toEqual([]);
    }
  });

  // A Deployment's pods are named <deployment>-<pod-template-hash>-<5 random characters>: kubernetes
  // pkg/controller/deployment/sync.go names the ReplicaSet <deployment>-<hash>, pkg/controller/controller_utils.go
  // gives its pods the generateName "<replicaset>-", and the API server's name generator
  // (apiserver pkg/storage/names/generate.go) appends 5 characters. The SFU rules must select exactly the SFU
  // Deployment's pods, wherever it runs.
  it("selects the SFU Deployment's pods by their names, in the namespace it is given", () => {
    const sfuInput = { ...input, sfu: { namespace: "media", deployment: "sfu" } };
    for (const alert of ["LiveKitSfuPodNotReady", "LiveKitRedisUnreachable"]) {
      const expr = allRules(sfuInput).find((r) => r.alert === alert)!.expr;
      const namespaces = [...expr.matchAll(/namespace="([^"]*)"/g)].map((m) => m[1]);
      const pods = [...expr.matchAll(/pod=~"([^"]*)"/g)].map((m) => new RegExp(`^(?:${m[1]})$`));
      expect(new Set(namespaces)).toEqual(new Set(["media"]));
      expect(pods.length).toBeGreaterThan(0);
      for (const pod of pods) {
        expect(pod.test("sfu-7d9f8b6c5d-x2k4q")).toBe(true);
        for (const other of ["sfu-egress-7d9f8b6c5d-x2k4q", "sfu-0", "coturn-7d9f8b6c5d-x2k4q", "sfu-7d9f8b6c5d"])
          expect({ other, matches: pod.test(other) }).toEqual({ other, matches: false });
      }
    }
  });

  // Kubernetes pod phases: Pending, Running, Succeeded, Failed, Unknown. A pod Pending for the rule's 10 minutes
  // found no node; readiness through Redis is only a signal on running pods.
  it("counts Pending and Running SFU pods as not ready, and only Running ones for Redis", () => {
    const phases = (alert: string) =>
      [...ruleNamed(alert).expr.matchAll(/phase=~"([^"]*)"/g)].map((m) =>
        ["Pending", "Running", "Succeeded", "Failed", "Unknown"].filter((p) => new RegExp(`^(?:${m[1]})$`).test(p)),
      );
    expect(phases("LiveKitSfuPodNotReady")).toEqual([["Pending", "Running"]]);
    expect(phases("LiveKitRedisUnreachable")).toEqual([["Running"], ["Running"]]);
  });

  it("finds a NACK ratio rising against the same ratio one hour earlier", () => {
    const expr = ruleNamed("LiveKitNackRateRising").expr;
    const [now, rising] = expr.split(" and ");
    const ratio = now.replace(/^\((.*)\) > [\d.]+$/, "$1");
    expect(rising).toBe(`(${ratio}) > 2 * (${ratio.replace(/\[5m\]/g, "[5m] offset 1h")})`);
  });

  // The summary is what a page says: the threshold in it is the one the expression fires at.
  it("states in each summary the threshold its expression compares with", () => {
    const custom = { capacityRatio: 0.75, packetLossRatio: 0.035, jitterMs: 45, jitterQuantile: 0.99 };
    const rules = allRules({ ...input, thresholds: custom });
    const named = (alert: string) => rules.find((r) => r.alert === alert)!;
    for (const alert of ["LiveKitRoomsNearCapacity", "LiveKitParticipantsNearCapacity"]) {
      expect(named(alert).expr).toMatch(/ > 0\.75$/);
      expect(named(alert).annotations.summary).toContain("above 75% of planned capacity");
    }
    expect(named("LiveKitPacketLossHigh").expr).toContain(") > 0.035 and");
    expect(named("LiveKitPacketLossHigh").annotations.summary).toContain("above 3.5%");
    expect(named("LiveKitJitterHigh").expr).toMatch(/^histogram_quantile\(0\.99, .* > 45$/);
    expect(named("LiveKitJitterHigh").annotations.summary).toMatch(/^Jitter p99 above 45 ms/);
    expect(named("LiveKitJitterHigh").annotations.description).toMatch(/^p99 of /);
  });

  it("leaves out the optional rules when their inputs are absent", () => {
    const names = allRules({ ...input, turn: undefined, egress: false }).map((r) => r.alert);
    expect(names).not.toContain("TurnAllocationQuotaNearlyExhausted");
    expect(names).not.toContain("TurnRelayTrafficAboveBudget");
    expect(names).not.toContain("LiveKitEgressSaturated");
    expect(names).toContain("TurnAllocationsFailing");
  });

  it("rejects bad input with one line naming the key", () => {
    expect(() => renderAlertRules({ ...input, capacity: { maxRooms: 0, maxParticipants: 10 } })).toThrow(
      /^alert rules capacity\.maxRooms: must be a positive number, got 0$/,
    );
    expect(() => renderAlertRules({ ...input, thresholds: { packetLossRatio: 2 } })).toThrow(
      /thresholds\.packetLossRatio: .*, got 2$/,
    );
    expect(() => renderAlertRules({ ...input, region: "" })).toThrow(/region: .*, got ""$/);
    expect(() => renderAlertRules({ ...input, sfu: { namespace: "livekit", deployment: "LiveKit.Server" } })).toThrow(
      /sfu\.deployment/,
    );
    expect(() => renderAlertRules({ ...input, turn: { totalQuota: 1.5 } })).toThrow(/turn\.totalQuota/);
    expect(() => renderAlertRules({ ...input, turn: { relayBudgetMbps: 0 } })).toThrow(
      /^alert rules turn\.relayBudgetMbps: must be above 0, got 0$/,
    );
  });

  it("uses only metrics from the catalog, with labels those metrics have", () => {
    for (const r of allRules()) {
      for (const s of seriesSelectors(r.expr)) {
        const info = lookupMetric(s.metric);
        expect({ alert: r.alert, metric: s.metric, known: Boolean(info) }).toEqual({
          alert: r.alert,
          metric: s.metric,
          known: true,
        });
        for (const label of s.matcherLabels) {
          expect({
            metric: s.metric,
            label,
            known: info!.labels.includes(label) || TARGET_LABELS.includes(label),
          }).toEqual({ metric: s.metric, label, known: true });
        }
      }
    }
  });
});

// A rule rendered from a value past these bounds loads, but never fires or always does (`> NaN`, a ratio above 1,
// a negative rate, a quantile past 1): the input stops first, with one line naming the key.
describe("renderAlertRules' input checks", () => {
  const render = (override: Partial<AlertRulesInput>) => () => renderAlertRules({ ...input, ...override });
  const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const line = (key: string, problem: string, got: string) =>
    new RegExp(`^${escaped(`alert rules ${key}: ${problem}, got ${got}`)}$`);

  const FRACTIONS = ["capacityRatio", "packetLossRatio", "nackRatio", "jitterQuantile", "turnQuotaRatio"] as const;
  it.each(FRACTIONS)("takes thresholds.%s in (0, 1] and refuses any other", (key) => {
    expect(render({ thresholds: { [key]: 1 } })).not.toThrow();
    expect(render({ thresholds: { [key]: 0.001 } })).not.toThrow();
    for (const [bad, got] of [
      [0, "0"],
      [1.001, "1.001"],
      [NaN, "NaN"],
    ] as const)
      expect(render({ thresholds: { [key]: bad } })).toThrow(
        line(`thresholds.${key}`, "must be a number in (0, 1]", got),
      );
  });

  it.each(["minPacketRate", "jitterMs", "turnChallengeRate"] as const)(
    "takes thresholds.%s from 0 up and refuses a negative or endless one",
    (key) => {
      expect(render({ thresholds: { [key]: 0 } })).not.toThrow();
      for (const [bad, got] of [
        [-0.001, "-0.001"],
        [Infinity, "Infinity"],
      ] as const)
        expect(render({ thresholds: { [key]: bad } })).toThrow(line(`thresholds.${key}`, "must be a number >= 0", got));
    },
  );

  it("takes a NACK rise factor from 1 up and a relay budget ratio above 0", () => {
    expect(render({ thresholds: { nackRiseFactor: 1 } })).not.toThrow();
    expect(render({ thresholds: { nackRiseFactor: 0.99 } })).toThrow(
      line("thresholds.nackRiseFactor", "must be a number >= 1", "0.99"),
    );
    expect(render({ thresholds: { nackRiseFactor: Infinity } })).toThrow(/nackRiseFactor.*got Infinity$/);
    expect(render({ thresholds: { turnRelayBudgetRatio: 0.01 } })).not.toThrow();
    for (const [bad, got] of [
      [0, "0"],
      [Infinity, "Infinity"],
    ] as const)
      expect(render({ thresholds: { turnRelayBudgetRatio: bad } })).toThrow(
        line("thresholds.turnRelayBudgetRatio", "must be a number above 0", got),
      );
  });

  it.each(["maxRooms", "maxParticipants"] as const)("takes a capacity.%s above 0", (key) => {
    const capacity = (v: number) => ({ capacity: { ...input.capacity, [key]: v } });
    expect(render(capacity(0.5))).not.toThrow();
    expect(render(capacity(-1))).toThrow(line(`capacity.${key}`, "must be a positive number", "-1"));
    expect(render(capacity(Infinity))).toThrow(line(`capacity.${key}`, "must be a positive number", "Infinity"));
  });

  it("takes a TURN quota of whole allocations and a relay budget above 0", () => {
    expect(render({ turn: { totalQuota: 1 } })).not.toThrow();
    expect(render({ turn: { totalQuota: 0 } })).toThrow(line("turn.totalQuota", "must be a positive integer", "0"));
    expect(render({ turn: { relayBudgetMbps: 0.5 } })).not.toThrow();
    expect(render({ turn: { relayBudgetMbps: Infinity } })).toThrow(
      line("turn.relayBudgetMbps", "must be above 0", "Infinity"),
    );
  });

  it("refuses a region or capacity of the wrong kind with the same line, not a crash", () => {
    expect(render({ region: 5 as unknown as string })).toThrow(
      line("region", "must be a region name ([A-Za-z0-9_.-]+)", "5"),
    );
    expect(render({ capacity: undefined as unknown as AlertRulesInput["capacity"] })).toThrow(
      line("capacity.maxRooms", "must be a positive number", "nothing"),
    );
  });

  it("takes a region name and the SFU's namespace and Deployment as Kubernetes names them", () => {
    expect(render({ region: "ap-south_1.b" })).not.toThrow();
    for (const bad of ["a b", "mumbai/", "/mumbai"])
      expect(render({ region: bad })).toThrow(line("region", "must be a region name ([A-Za-z0-9_.-]+)", `"${bad}"`));
    for (const key of ["namespace", "deployment"] as const) {
      const sfu = (name: string) => ({ sfu: { namespace: "livekit", deployment: "livekit-server", [key]: name } });
      for (const good of ["a", "lk-2", "0a"]) expect(render(sfu(good))).not.toThrow();
      for (const bad of ["-lk", "lk-", "Lk", "lk.server", ""])
        expect(render(sfu(bad))).toThrow(line(`sfu.${key}`, "must be a DNS-1123 label", `"${bad}"`));
    }
  });
});

describe("metric name scanner", () => {
  it("finds metrics, not functions, keywords, labels, durations or Grafana variables", () => {
    const expr =
      'histogram_quantile(0.95, sum by (le, node_id) (rate(livekit_jitter_us_bucket{region=~"$region",x="a{b}"}[$__rate_interval] offset 1h))) / 1e3 > bool 30' +
      ' and on (node_id) sum without (country) (livekit_packet_total) or vector(0) unless count(kube_node_info{node=~"${node}"})';
    expect(metricNamesIn(expr)).toEqual(["livekit_jitter_us_bucket", "livekit_packet_total", "kube_node_info"]);
    expect(seriesSelectors(expr)[0].matcherLabels).toEqual(["region", "x"]);
  });

  it("catches a misspelt metric", () => {
    expect(lookupMetric("livekit_rooms_total")).toBeUndefined();
    expect(lookupMetric("livekit_jitter_us_bucket")?.base).toBe("livekit_jitter_us");
    expect(lookupMetric("livekit_room_total_bucket")).toBeUndefined(); // a gauge has no buckets
  });
});

describe("alert thresholds", () => {
  it("keeps the default thresholds the seed asks for", () => {
    expect(DEFAULT_THRESHOLDS).toMatchObject({ capacityRatio: 0.8, packetLossRatio: 0.02, jitterMs: 30 });
  });
});
