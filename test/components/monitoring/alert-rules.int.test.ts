/**
 * The alert rules under promtool (Debian package `prometheus`, installed in CI by .ci/install-test-packages;
 * skipped only off CI): the rules load, and synthetic series make the alerts fire exactly where they should.
 * What the rules say, without promtool, is in alert-rules.test.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import {
  AlertRule,
  AlertRulesInput,
  renderAlertRules,
  renderAlertRulesYaml,
} from "../../../components/monitoring/alert-rules";
import { promtool, withPromtool } from "../../support/promtool";

const { describe: describeWithPromtool } = withPromtool("alert-rules.int.test");

const input: AlertRulesInput = {
  region: "mumbai",
  capacity: { maxRooms: 1000, maxParticipants: 20000 },
  sfu: { namespace: "livekit", deployment: "livekit-server" },
  turn: { totalQuota: 500, relayBudgetMbps: 80 },
};

const ruleNamed = (name: string): AlertRule => {
  const r = renderAlertRules(input)
    .groups.flatMap((g) => g.rules)
    .find((x) => x.alert === name);
  if (!r) throw new Error(`no rule ${name}`);
  return r;
};

// ---------------------------------------------------------------------------------------------------
// promtool: the rules load, and synthetic series make the alerts fire exactly where they should.

/** Go's %.4g for the plain (non-exponent) range our values live in. */
function goG4(x: number): string {
  const s = x.toPrecision(4);
  if (s.includes("e")) throw new Error(`goG4: ${x} needs exponent notation; pick another test value`);
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/** Expand the few template forms our annotations use, as Prometheus would; anything else is a test error. */
function expandTemplate(tpl: string, labels: Record<string, string>, value: number): string {
  return tpl.replace(/\{\{(.*?)\}\}/g, (_all, inner: string) => {
    const t = inner.trim();
    let m: RegExpExecArray | null;
    if ((m = /^\$labels\.(\w+)$/.exec(t))) return labels[m[1]] ?? "";
    if (t === "$value | humanizePercentage") return `${goG4(value * 100)}%`;
    if ((m = /^printf "%\.(\d)f" \$value$/.exec(t))) return value.toFixed(Number(m[1]));
    if (t === "$value" && Number.isInteger(value)) return String(value);
    throw new Error(`expandTemplate: unsupported template {{${inner}}}`);
  });
}

interface Expected {
  /** Labels of the expression's result (the rule's own labels are added). */
  labels?: Record<string, string>;
  /** The alert's $value at that time, for the annotations. */
  value: number;
}

interface Scenario {
  series: Array<{ series: string; values: string }>;
  /** Between samples and between evaluations; 1m unless a scenario spans days. */
  interval?: string;
  /** eval time (e.g. "15m") -> alert name -> alerts expected firing (empty = quiet). */
  checks: Array<{ at: string; alert: string; firing: Expected[] }>;
}

const LK = 'node_id="ND_a",node_type="SERVER",country=""';

describeWithPromtool("alert rules under promtool", () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "alert-rules-"));
    fs.writeFileSync(path.join(dir, "rules.yaml"), renderAlertRulesYaml(input));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function runScenario(name: string, sc: Scenario): void {
    const tests = [
      {
        interval: sc.interval ?? "1m",
        input_series: sc.series,
        alert_rule_test: sc.checks.map((c) => {
          const rule = ruleNamed(c.alert);
          return {
            eval_time: c.at,
            alertname: c.alert,
            exp_alerts: c.firing.map((e) => {
              const labels = e.labels ?? {};
              return {
                exp_labels: { ...labels, ...rule.labels },
                exp_annotations: Object.fromEntries(
                  Object.entries(rule.annotations).map(([k, v]) => [k, expandTemplate(v, labels, e.value)]),
                ),
              };
            }),
          };
        }),
      },
    ];
    const file = path.join(dir, `${name}.test.yaml`);
    fs.writeFileSync(
      file,
      YAML.stringify({ rule_files: ["rules.yaml"], evaluation_interval: sc.interval ?? "1m", tests }, { lineWidth: 0 }),
    );
    const r = promtool(["test", "rules", path.basename(file)], dir);
    if (r.code !== 0) throw new Error(`promtool test rules ${name} failed:\n${r.output}`);
  }

  it("passes promtool check rules", () => {
    const r = promtool(["check", "rules", "rules.yaml"], dir);
    expect(r.output).toMatch(/SUCCESS: 14 rules found/);
    expect(r.code).toBe(0);
  });

  // Prometheus loads a rules file only whole: one expression or template it cannot parse, or an empty or repeated
  // group name, and it keeps the old rules. Without the optional rules (no egress, no TURN) too.
  it("passes promtool check rules without the optional rules", () => {
    const bare: AlertRulesInput = { region: "r", capacity: { maxRooms: 1, maxParticipants: 1 }, egress: false };
    fs.writeFileSync(path.join(dir, "bare.yaml"), renderAlertRulesYaml(bare));
    const r = promtool(["check", "rules", "bare.yaml"], dir);
    expect({ code: r.code, output: r.output }).toEqual({ code: 0, output: expect.stringContaining("SUCCESS") });
  });

  describe("capacity alerts fire above 80% of the planned capacity and not at it", () => {
    it("rooms: 801 of 1000 fires, 800 stays quiet", () => {
      const rooms = (a: number, b: number): Scenario => ({
        series: [
          { series: `livekit_room_total{node_id="ND_a",node_type="SERVER"}`, values: `${a}x20` },
          { series: `livekit_room_total{node_id="ND_b",node_type="SERVER"}`, values: `${b}x20` },
        ],
        checks: [
          { at: "4m", alert: "LiveKitRoomsNearCapacity", firing: [] }, // pending for 5m first
          { at: "10m", alert: "LiveKitRoomsNearCapacity", firing: a + b > 800 ? [{ value: (a + b) / 1000 }] : [] },
        ],
      });
      runScenario("rooms-above", rooms(401, 400));
      runScenario("rooms-at", rooms(400, 400));
    });

    it("participants: 16001 of 20000 fires, 15999 stays quiet", () => {
      const participants = (n: number): Scenario => ({
        series: [{ series: `livekit_participant_total{node_id="ND_a",node_type="SERVER"}`, values: `${n}x20` }],
        checks: [
          { at: "10m", alert: "LiveKitParticipantsNearCapacity", firing: n > 16000 ? [{ value: n / 20000 }] : [] },
        ],
      });
      runScenario("participants-above", participants(16001));
      runScenario("participants-below", participants(15999));
    });
  });

  describe("packet loss alert", () => {
    const loss = (lostPerMinute: number): Scenario => ({
      series: [
        { series: `livekit_packet_total{${LK},direction="incoming",transmission="initial"}`, values: "0+10000x20" },
        { series: `livekit_packet_total{${LK},direction="outgoing",transmission="initial"}`, values: "0+10000x20" },
        {
          series: `livekit_packet_loss_total{${LK},direction="incoming",source="CAMERA",type="VIDEO"}`,
          values: `0+${lostPerMinute}x20`,
        },
        // outgoing loss well under the threshold: must not fire
        {
          series: `livekit_packet_loss_total{${LK},direction="outgoing",source="CAMERA",type="VIDEO"}`,
          values: "0+50x20",
        },
      ],
      checks: [
        {
          at: "15m",
          alert: "LiveKitPacketLossHigh",
          firing:
            lostPerMinute / 10000 > 0.02
              ? [{ labels: { node_id: "ND_a", direction: "incoming" }, value: lostPerMinute / 10000 }]
              : [],
        },
      ],
    });

    it("fires just above 2% (2.01%)", () => runScenario("loss-above", loss(201)));
    it("stays quiet just below 2% (1.99%)", () => runScenario("loss-below", loss(199)));

    it("stays quiet on a trickle of packets", () => {
      runScenario("loss-trickle", {
        series: [
          { series: `livekit_packet_total{${LK},direction="incoming",transmission="initial"}`, values: "0+600x20" }, // 10 pps
          {
            series: `livekit_packet_loss_total{${LK},direction="incoming",source="MICROPHONE",type="AUDIO"}`,
            values: "0+60x20",
          }, // 10%
        ],
        checks: [{ at: "15m", alert: "LiveKitPacketLossHigh", firing: [] }],
      });
    });
  });

  describe("jitter alert", () => {
    // Cumulative buckets of livekit_jitter_us (microseconds), increments per minute.
    const edges = ["1000", "10000", "30000", "50000", "70000", "100000", "300000", "600000", "1e+06", "+Inf"];
    const jitter = (atOrBelow30ms: number): Scenario => ({
      series: edges.map((le) => {
        const perMinute = Number(le) <= 10000 ? 0 : Number(le) <= 30000 ? atOrBelow30ms : 1000;
        return {
          series: `livekit_jitter_us_bucket{${LK},direction="outgoing",source="CAMERA",type="VIDEO",le="${le}"}`,
          values: `0+${perMinute}x20`,
        };
      }),
      checks: [
        {
          at: "15m",
          alert: "LiveKitJitterHigh",
          // p95 = 30 ms + 20 ms * (950 - below) / (1000 - below) when fewer than 95% are at or below 30 ms
          firing:
            atOrBelow30ms < 950
              ? [
                  {
                    labels: { node_id: "ND_a", direction: "outgoing" },
                    value: (30000 + (20000 * (950 - atOrBelow30ms)) / (1000 - atOrBelow30ms)) / 1000,
                  },
                ]
              : [],
        },
      ],
    });

    it("fires just above 30 ms (p95 = 30.4 ms)", () => runScenario("jitter-above", jitter(949)));
    it("stays quiet just below 30 ms (p95 = 29.98 ms)", () => runScenario("jitter-below", jitter(951)));
  });

  describe("NACK alert", () => {
    const nacks = (before: number, after: number): Scenario => ({
      series: [
        { series: `livekit_packet_total{${LK},direction="outgoing",transmission="initial"}`, values: "0+10000x180" },
        {
          series: `livekit_nack_total{${LK},direction="outgoing"}`,
          values: `0+${before}x90 ${90 * before + after}+${after}x89`,
        },
      ],
      checks: [
        {
          at: "120m",
          alert: "LiveKitNackRateRising",
          firing:
            after > 2 * before ? [{ labels: { node_id: "ND_a", direction: "outgoing" }, value: after / 10000 }] : [],
        },
      ],
    });

    it("fires when NACKs per packet rise from 0.5% to 3% within the hour", () =>
      runScenario("nack-rising", nacks(50, 300)));
    it("stays quiet when the NACK ratio is high but steady", () => runScenario("nack-steady", nacks(300, 300)));
  });

  describe("availability alerts", () => {
    const pod = (name: string, ready: 0 | 1) => [
      { series: `kube_pod_status_ready{namespace="livekit",pod="${name}",condition="true"}`, values: `${ready}x20` },
      { series: `kube_pod_status_phase{namespace="livekit",pod="${name}",phase="Running"}`, values: "1x20" },
    ];
    const a = "livekit-server-7d9f8b6c5-abcde";
    const b = "livekit-server-7d9f8b6c5-fghij";

    it("reads every SFU pod going NotReady at once as Redis being unreachable", () => {
      runScenario("redis-down", {
        series: [...pod(a, 0), ...pod(b, 0)],
        checks: [
          { at: "5m", alert: "LiveKitRedisUnreachable", firing: [{ value: 2 }] },
          { at: "5m", alert: "LiveKitSfuPodNotReady", firing: [] },
          {
            at: "15m",
            alert: "LiveKitSfuPodNotReady",
            firing: [a, b].map((p) => ({ labels: { namespace: "livekit", pod: p, condition: "true" }, value: 0 })),
          },
        ],
      });
    });

    it("does not blame Redis for one unready pod, nor count a draining pod", () => {
      runScenario("one-pod-down", {
        series: [
          ...pod(a, 0),
          ...pod(b, 1),
          ...pod("livekit-server-7d9f8b6c5-drain", 0),
          {
            series: 'kube_pod_deletion_timestamp{namespace="livekit",pod="livekit-server-7d9f8b6c5-drain"}',
            values: "1700000000x20",
          },
        ],
        checks: [
          { at: "15m", alert: "LiveKitRedisUnreachable", firing: [] },
          {
            at: "15m",
            alert: "LiveKitSfuPodNotReady",
            firing: [{ labels: { namespace: "livekit", pod: a, condition: "true" }, value: 0 }],
          },
        ],
      });
    });
  });

  describe("platform alerts", () => {
    it("reports the first Karpenter interruption after a controller restart", () => {
      const interrupted =
        'karpenter_nodeclaims_disrupted_total{reason="spot_interrupted",nodepool="sfu",capacity_type="spot"}';
      runScenario("karpenter-interrupted", {
        series: [
          {
            series: 'karpenter_nodes_allocatable{node_name="ip-10-0-1-1",nodepool="sfu",resource_type="cpu"}',
            values: "8x60",
          },
          {
            series: 'karpenter_nodeclaims_disrupted_total{reason="underutilized",nodepool="sfu",capacity_type="spot"}',
            values: "0+1x60",
          },
          { series: interrupted, values: "_x20 1x20 2x20" },
        ],
        checks: [
          {
            at: "25m",
            alert: "KarpenterNodeInterrupted",
            firing: [{ labels: { nodepool: "sfu", reason: "spot_interrupted" }, value: 1 }],
          },
          { at: "38m", alert: "KarpenterNodeInterrupted", firing: [] },
          {
            at: "45m",
            alert: "KarpenterNodeInterrupted",
            firing: [{ labels: { nodepool: "sfu", reason: "spot_interrupted" }, value: 1 }],
          },
        ],
      });
    });

    it("reports drift that left drifted nodes unreplaced for 72 hours, not a drift still turning over", () => {
      const drifted = (values: string) => ({
        series: 'karpenter_voluntary_disruption_eligible_nodes{reason="drifted"}',
        values,
      });
      const other = { series: 'karpenter_voluntary_disruption_eligible_nodes{reason="empty"}', values: "2x600" };
      // Samples every 10 minutes: 6 a hour. Stalled: 3 drifted nodes from hour 0 on.
      runScenario("karpenter-drift-stalled", {
        interval: "10m",
        series: [drifted("3x600"), other],
        checks: [
          { at: "71h50m", alert: "KarpenterDriftStalled", firing: [] },
          { at: "72h10m", alert: "KarpenterDriftStalled", firing: [{ value: 3 }] },
        ],
      });
      // Turning over: the count falls wave by wave and is 0 once the last wave is under way (before 72 h).
      runScenario("karpenter-drift-turning-over", {
        interval: "10m",
        series: [drifted("17x60 14x60 11x60 8x60 5x60 2x60 0x240"), other],
        checks: [{ at: "75h", alert: "KarpenterDriftStalled", firing: [] }],
      });
    });

    it("reports a Karpenter node older than 45 days, and not a system node", () => {
      const age = (labels: string, values: string) => ({
        series: `karpenter_nodes_current_lifetime_seconds{${labels},instance_type="c6i.2xlarge",capacity_type="on-demand",zone="ap-south-1a",phase="Running"}`,
        values,
      });
      // 45 days less 30 minutes, a minute older each minute: above 45 days from minute 31, firing an hour later.
      const start = 45 * 86400 - 30 * 60;
      runScenario("karpenter-node-too-old", {
        series: [
          age('node_name="ip-10-0-1-1",nodepool="sfu",managed="true"', `${start}+60x120`),
          // The managed node group's nodes: Karpenter tracks them too, unmanaged and in no pool.
          age('node_name="ip-10-0-9-9",nodepool="",managed="false"', `${100 * 86400}+60x120`),
        ],
        checks: [
          { at: "1h30m", alert: "KarpenterNodeTooOld", firing: [] },
          {
            at: "1h32m",
            alert: "KarpenterNodeTooOld",
            firing: [{ labels: { nodepool: "sfu", node_name: "ip-10-0-1-1" }, value: (start + 92 * 60) / 86400 }],
          },
        ],
      });
    });

    it("does not page on old interruption counters when Prometheus has no history", () => {
      runScenario("karpenter-fresh-prometheus", {
        series: [
          {
            series: 'karpenter_nodes_allocatable{node_name="ip-10-0-1-1",nodepool="sfu",resource_type="cpu"}',
            values: "8x20",
          },
          {
            series:
              'karpenter_nodeclaims_disrupted_total{reason="scheduled_change",nodepool="sfu",capacity_type="on-demand"}',
            values: "3x20",
          },
        ],
        checks: [{ at: "5m", alert: "KarpenterNodeInterrupted", firing: [] }],
      });
    });

    it("flags egress as saturated when no instance is idle and accepting for 5 minutes", () => {
      const pod = (name: string) =>
        `node_id="EG_${name}",cluster_id="",namespace="livekit-egress",pod="livekit-egress-${name}"`;
      const egress = (a: { available: string; canAccept: string }, firing: boolean, at = "6m"): Scenario => ({
        series: [
          { series: `livekit_egress_available{${pod("a")}}`, values: a.available },
          { series: `livekit_egress_can_accept_request{${pod("a")}}`, values: a.canAccept },
          // A busy pod that could still take an audio-only job is no capacity for a room composite.
          { series: `livekit_egress_available{${pod("b")}}`, values: "0x20" },
          { series: `livekit_egress_can_accept_request{${pod("b")}}`, values: "1x20" },
        ],
        checks: [{ at, alert: "LiveKitEgressSaturated", firing: firing ? [{ value: 0 }] : [] }],
      });
      runScenario("egress-full", egress({ available: "0x20", canAccept: "0x20" }, true));
      runScenario("egress-full-not-yet", egress({ available: "0x20", canAccept: "0x20" }, false, "4m"));
      runScenario("egress-idle-but-disabled", egress({ available: "1x20", canAccept: "0x20" }, true));
      runScenario("egress-ok", egress({ available: "1x20", canAccept: "1x20" }, false));
      runScenario("egress-none-scraped", {
        series: [],
        checks: [{ at: "6m", alert: "LiveKitEgressSaturated", firing: [{ value: 0 }] }],
      });
    });

    it("flags TURN challenges that never turn into allocations", () => {
      const target = 'namespace="livekit",pod="coturn-abc",instance="10.0.1.5:9641"';
      const turn = (allocations: boolean): Scenario => ({
        series: [
          { series: `turn_unauthenticated_401_responses{${target}}`, values: "0+30x30" },
          ...(allocations ? [{ series: `turn_total_allocations{${target},type="UDP"}`, values: "4x30" }] : []),
        ],
        checks: [
          {
            at: "25m",
            alert: "TurnAllocationsFailing",
            firing: allocations
              ? []
              : [{ labels: { namespace: "livekit", pod: "coturn-abc", instance: "10.0.1.5:9641" }, value: 0.5 }],
          },
        ],
      });
      runScenario("turn-failing", turn(false));
      runScenario("turn-ok", turn(true));
    });

    it("warns before Coturn's total-quota refuses allocations", () => {
      const target = 'namespace="livekit",pod="coturn-abc",instance="10.0.1.5:9641"';
      runScenario("turn-quota", {
        series: [
          { series: `turn_total_allocations{${target},type="UDP"}`, values: "400x20" },
          { series: `turn_total_allocations{${target},type="TCP"}`, values: "60x20" },
        ],
        checks: [
          {
            at: "10m",
            alert: "TurnAllocationQuotaNearlyExhausted",
            firing: [
              { labels: { namespace: "livekit", pod: "coturn-abc", instance: "10.0.1.5:9641" }, value: 460 / 500 },
            ],
          },
        ],
      });
    });

    describe("warns when Coturn relays more bytes than the node's relay budget, not on allocations", () => {
      const target = 'namespace="livekit",pod="coturn-abc",instance="10.0.1.5:9641"';
      const labels = { namespace: "livekit", pod: "coturn-abc", instance: "10.0.1.5:9641" };
      /**
       * Counters for 2 h of `mbps` relayed out of the node against the rules' 80 Mbps budget, 1/6 of it towards the
       * SFU; coturn adds a session's bytes when it ends, so the counters step once a session length.
       */
      const relaying = (mbps: number, sessionMinutes: number): Scenario["series"] => {
        const perMinute = (mbps * 1e6 * 60) / 8;
        const steps = (share: number) =>
          Array.from(
            { length: 121 },
            (_, m) => share * perMinute * sessionMinutes * Math.floor(m / sessionMinutes),
          ).join(" ");
        return [
          { series: `turn_total_traffic_sentb{${target}}`, values: steps(5 / 6) },
          { series: `turn_total_traffic_peer_sentb{${target}}`, values: steps(1 / 6) },
          // Thousands of idle allocations relay nothing and change nothing.
          { series: `turn_total_allocations{${target},type="UDP"}`, values: "3000x120" },
        ];
      };

      it("fires after 30 minutes above the budget, from sessions that end every minute or every 10 minutes", () => {
        for (const sessionMinutes of [1, 10]) {
          runScenario(`turn-relay-over-${sessionMinutes}`, {
            series: relaying(96, sessionMinutes),
            checks: [
              { at: "25m", alert: "TurnRelayTrafficAboveBudget", firing: [] }, // pending for 30m first
              { at: "100m", alert: "TurnRelayTrafficAboveBudget", firing: [{ labels, value: 96 / 80 }] },
            ],
          });
        }
      });

      it("stays quiet below it, however many allocations are open", () => {
        runScenario("turn-relay-under", {
          series: relaying(72, 1),
          checks: [{ at: "100m", alert: "TurnRelayTrafficAboveBudget", firing: [] }],
        });
      });
    });
  });
});
