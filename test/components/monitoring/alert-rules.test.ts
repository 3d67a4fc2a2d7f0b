import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import {
  AlertRule,
  AlertRulesInput,
  DEFAULT_THRESHOLDS,
  renderAlertRules,
  renderAlertRulesYaml,
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

  it("links runbooks to another document when asked", () => {
    const base = "https://github.com/example/livekit-platform/blob/main/docs/runbooks.md";
    const r = allRules({ ...input, runbookBase: base })[0];
    expect(r.annotations.runbook).toBe(`${base}#alert-livekitroomsnearcapacity`);
  });

  it("links every alert to a section of docs/runbooks.md, and every alert section there to an alert", () => {
    // GitHub's heading anchors: lower case, punctuation other than hyphens dropped, spaces to hyphens.
    const slug = (heading: string) =>
      heading
        .trim()
        .toLowerCase()
        .replace(/[^\w\- ]/g, "")
        .replace(/ /g, "-");
    const text = fs.readFileSync(path.join(__dirname, "..", "..", "..", RUNBOOKS_DOCUMENT), "utf8");
    const headings = [...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]));
    const anchors = allRules().map((r) => r.annotations.runbook.split("#")[1]);
    expect(anchors.filter((a) => !headings.includes(a))).toEqual([]);
    const alertSections = [...text.matchAll(/^#{1,6} (Alert: .+)$/gm)].map((m) => slug(m[1]));
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

  it("renders YAML that parses back to the same spec", () => {
    expect(YAML.parse(renderAlertRulesYaml(input))).toEqual(renderAlertRules(input));
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
