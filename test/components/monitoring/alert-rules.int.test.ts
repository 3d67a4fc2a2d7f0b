/**
 * The alert rules under promtool (Debian package `prometheus`, installed in CI by .ci/install-test-packages;
 * skipped only off CI): the rules load, and synthetic series make the alerts fire exactly where they should.
 * What the rules say, without promtool, is in alert-rules.test.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { AlertRule, AlertRulesInput, renderAlertRules } from "../../../components/monitoring/alert-rules";
import { PromtoolFileResult, promtoolPerFile, withPromtool } from "../../support/promtool";

/** The rules as a rules file, the way `promtool check rules` and `promtool test rules` read them. */
const rulesYaml = (input: AlertRulesInput) => YAML.stringify(renderAlertRules(input), { lineWidth: 0 });

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
  /**
   * Every scenario of this file, registered while jest collects the tests (`itScenarios`) and run by one
   * `promtool test rules` in beforeAll; each test then reads its own files' sections of the output.
   */
  const scenarios = new Map<string, Scenario>();
  let tested: Map<string, PromtoolFileResult>;
  let checked: Map<string, PromtoolFileResult>;
  const bare: AlertRulesInput = { region: "r", capacity: { maxRooms: 1, maxParticipants: 1 }, egress: false };

  /** The test file of one scenario: the alerts it checks, each with the annotations Prometheus would render. */
  function testFile(name: string, sc: Scenario): string {
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
    return YAML.stringify(
      { rule_files: [`${name}.rules.yaml`], evaluation_interval: sc.interval ?? "1m", tests },
      { lineWidth: 0 },
    );
  }

  /**
   * The rendered rules a scenario checks, in their rendered groups: promtool evaluates every loaded rule at every
   * step up to the last eval time, so a 72-hour scenario over all 14 rules costs a second of CPU, over one a
   * tenth. Alone or among the others a rule fires the same: none reads another's output (checked below).
   */
  function rulesFile(sc: Scenario): string {
    const checked = new Set(sc.checks.map((c) => c.alert));
    const groups = renderAlertRules(input)
      .groups.map((g) => ({ ...g, rules: g.rules.filter((r) => checked.has(r.alert)) }))
      .filter((g) => g.rules.length > 0);
    return YAML.stringify({ groups }, { lineWidth: 0 });
  }

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "alert-rules-"));
    fs.writeFileSync(path.join(dir, "rules.yaml"), rulesYaml(input));
    fs.writeFileSync(path.join(dir, "bare.yaml"), rulesYaml(bare));
    checked = promtoolPerFile("check", ["rules.yaml", "bare.yaml"], dir);
    for (const [name, sc] of scenarios) {
      fs.writeFileSync(path.join(dir, `${name}.rules.yaml`), rulesFile(sc));
      fs.writeFileSync(path.join(dir, `${name}.test.yaml`), testFile(name, sc));
    }
    tested = promtoolPerFile(
      "test",
      [...scenarios.keys()].map((name) => `${name}.test.yaml`),
      dir,
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A test that passes when promtool passes every one of its scenarios (file name -> scenario). */
  function itScenarios(title: string, named: Record<string, Scenario>): void {
    for (const [name, sc] of Object.entries(named)) {
      if (scenarios.has(name)) throw new Error(`two scenarios named ${name}`);
      scenarios.set(name, sc);
    }
    it(title, () => {
      for (const name of Object.keys(named)) {
        const result = tested.get(`${name}.test.yaml`)!;
        if (!result.passed) throw new Error(`promtool test rules ${name} failed:\n${result.output}`);
      }
    });
  }

  it("evaluates each alert on its own: no rule reads another's output", () => {
    // Rules see each other only through series Prometheus writes: recording rules' and ALERTS{...}.
    const rules = renderAlertRules(input).groups.flatMap((g) => g.rules);
    expect(rules.filter((r) => !r.alert || "record" in r).map((r) => r.alert)).toEqual([]);
    expect(rules.filter((r) => /\bALERTS/.test(r.expr)).map((r) => r.alert)).toEqual([]);
  });

  it("passes promtool check rules", () => {
    const r = checked.get("rules.yaml")!;
    expect(r.output).toMatch(/SUCCESS: 14 rules found/);
    expect(r.passed).toBe(true);
  });

  // Prometheus loads a rules file only whole: one expression or template it cannot parse, or an empty or repeated
  // group name, and it keeps the old rules. Without the optional rules (no egress, no TURN) too.
  it("passes promtool check rules without the optional rules", () => {
    const r = checked.get("bare.yaml")!;
    expect(r).toEqual({ passed: true, output: expect.stringContaining("SUCCESS") });
  });

  describe("capacity alerts fire above 80% of the planned capacity and not at it", () => {
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
    itScenarios("rooms: 801 of 1000 fires, 800 stays quiet", {
      "rooms-above": rooms(401, 400),
      "rooms-at": rooms(400, 400),
    });

    const participants = (n: number): Scenario => ({
      series: [{ series: `livekit_participant_total{node_id="ND_a",node_type="SERVER"}`, values: `${n}x20` }],
      checks: [
        { at: "10m", alert: "LiveKitParticipantsNearCapacity", firing: n > 16000 ? [{ value: n / 20000 }] : [] },
      ],
    });
    itScenarios("participants: 16001 of 20000 fires, 15999 stays quiet", {
      "participants-above": participants(16001),
      "participants-below": participants(15999),
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

    itScenarios("fires just above 2% (2.01%)", { "loss-above": loss(201) });
    itScenarios("stays quiet just below 2% (1.99%)", { "loss-below": loss(199) });

    itScenarios("stays quiet on a trickle of packets", {
      "loss-trickle": {
        series: [
          { series: `livekit_packet_total{${LK},direction="incoming",transmission="initial"}`, values: "0+600x20" }, // 10 pps
          {
            series: `livekit_packet_loss_total{${LK},direction="incoming",source="MICROPHONE",type="AUDIO"}`,
            values: "0+60x20",
          }, // 10%
        ],
        checks: [{ at: "15m", alert: "LiveKitPacketLossHigh", firing: [] }],
      },
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

    itScenarios("fires just above 30 ms (p95 = 30.4 ms)", { "jitter-above": jitter(949) });
    itScenarios("stays quiet just below 30 ms (p95 = 29.98 ms)", { "jitter-below": jitter(951) });
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

    itScenarios("fires when NACKs per packet rise from 0.5% to 3% within the hour", { "nack-rising": nacks(50, 300) });
    itScenarios("stays quiet when the NACK ratio is high but steady", { "nack-steady": nacks(300, 300) });
  });

  describe("availability alerts", () => {
    const pod = (name: string, ready: 0 | 1) => [
      { series: `kube_pod_status_ready{namespace="livekit",pod="${name}",condition="true"}`, values: `${ready}x20` },
      { series: `kube_pod_status_phase{namespace="livekit",pod="${name}",phase="Running"}`, values: "1x20" },
    ];
    const a = "livekit-server-7d9f8b6c5-abcde";
    const b = "livekit-server-7d9f8b6c5-fghij";

    itScenarios("reads every SFU pod going NotReady at once as Redis being unreachable", {
      "redis-down": {
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
      },
    });

    itScenarios("does not blame Redis for one unready pod, nor count a draining pod", {
      "one-pod-down": {
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
      },
    });
  });

  describe("platform alerts", () => {
    const interrupted =
      'karpenter_nodeclaims_disrupted_total{reason="spot_interrupted",nodepool="sfu",capacity_type="spot"}';
    itScenarios("reports the first Karpenter interruption after a controller restart", {
      "karpenter-interrupted": {
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
      },
    });

    const drifted = (values: string) => ({
      series: 'karpenter_voluntary_disruption_eligible_nodes{reason="drifted"}',
      values,
    });
    const otherEligible = { series: 'karpenter_voluntary_disruption_eligible_nodes{reason="empty"}', values: "2x600" };
    itScenarios("reports drift that left drifted nodes unreplaced for 72 hours, not a drift still turning over", {
      // Samples every 10 minutes: 6 a hour. Stalled: 3 drifted nodes from hour 0 on.
      "karpenter-drift-stalled": {
        interval: "10m",
        series: [drifted("3x600"), otherEligible],
        checks: [
          { at: "71h50m", alert: "KarpenterDriftStalled", firing: [] },
          { at: "72h10m", alert: "KarpenterDriftStalled", firing: [{ value: 3 }] },
        ],
      },
      // Turning over: the count falls wave by wave and is 0 once the last wave is under way (before 72 h).
      "karpenter-drift-turning-over": {
        interval: "10m",
        series: [drifted("17x60 14x60 11x60 8x60 5x60 2x60 0x240"), otherEligible],
        checks: [{ at: "75h", alert: "KarpenterDriftStalled", firing: [] }],
      },
    });

    const age = (labels: string, values: string) => ({
      series: `karpenter_nodes_current_lifetime_seconds{${labels},instance_type="c6i.2xlarge",capacity_type="on-demand",zone="ap-south-1a",phase="Running"}`,
      values,
    });
    // 45 days less 30 minutes, a minute older each minute: above 45 days from minute 31, firing an hour later.
    const start = 45 * 86400 - 30 * 60;
    itScenarios("reports a Karpenter node older than 45 days, and not a system node", {
      "karpenter-node-too-old": {
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
      },
    });

    itScenarios("does not page on old interruption counters when Prometheus has no history", {
      "karpenter-fresh-prometheus": {
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
      },
    });

    const egressPod = (name: string) =>
      `node_id="EG_${name}",cluster_id="",namespace="livekit-egress",pod="livekit-egress-${name}"`;
    const egress = (a: { available: string; canAccept: string }, firing: boolean, at = "6m"): Scenario => ({
      series: [
        { series: `livekit_egress_available{${egressPod("a")}}`, values: a.available },
        { series: `livekit_egress_can_accept_request{${egressPod("a")}}`, values: a.canAccept },
        // A busy pod that could still take an audio-only job is no capacity for a room composite.
        { series: `livekit_egress_available{${egressPod("b")}}`, values: "0x20" },
        { series: `livekit_egress_can_accept_request{${egressPod("b")}}`, values: "1x20" },
      ],
      checks: [{ at, alert: "LiveKitEgressSaturated", firing: firing ? [{ value: 0 }] : [] }],
    });
    itScenarios("flags egress as saturated when no instance is idle and accepting for 5 minutes", {
      "egress-full": egress({ available: "0x20", canAccept: "0x20" }, true),
      "egress-full-not-yet": egress({ available: "0x20", canAccept: "0x20" }, false, "4m"),
      "egress-idle-but-disabled": egress({ available: "1x20", canAccept: "0x20" }, true),
      "egress-ok": egress({ available: "1x20", canAccept: "1x20" }, false),
      "egress-none-scraped": {
        series: [],
        checks: [{ at: "6m", alert: "LiveKitEgressSaturated", firing: [{ value: 0 }] }],
      },
    });

    const target = 'namespace="livekit",pod="coturn-abc",instance="10.0.1.5:9641"';
    const targetLabels = { namespace: "livekit", pod: "coturn-abc", instance: "10.0.1.5:9641" };
    const turn = (allocations: boolean): Scenario => ({
      series: [
        { series: `turn_unauthenticated_401_responses{${target}}`, values: "0+30x30" },
        ...(allocations ? [{ series: `turn_total_allocations{${target},type="UDP"}`, values: "4x30" }] : []),
      ],
      checks: [
        {
          at: "25m",
          alert: "TurnAllocationsFailing",
          firing: allocations ? [] : [{ labels: targetLabels, value: 0.5 }],
        },
      ],
    });
    itScenarios("flags TURN challenges that never turn into allocations", {
      "turn-failing": turn(false),
      "turn-ok": turn(true),
    });

    itScenarios("warns before Coturn's total-quota refuses allocations", {
      "turn-quota": {
        series: [
          { series: `turn_total_allocations{${target},type="UDP"}`, values: "400x20" },
          { series: `turn_total_allocations{${target},type="TCP"}`, values: "60x20" },
        ],
        checks: [
          {
            at: "10m",
            alert: "TurnAllocationQuotaNearlyExhausted",
            firing: [{ labels: targetLabels, value: 460 / 500 }],
          },
        ],
      },
    });

    describe("warns when Coturn relays more bytes than the node's relay budget, not on allocations", () => {
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
      const over = (sessionMinutes: number): Scenario => ({
        series: relaying(96, sessionMinutes),
        checks: [
          { at: "25m", alert: "TurnRelayTrafficAboveBudget", firing: [] }, // pending for 30m first
          { at: "100m", alert: "TurnRelayTrafficAboveBudget", firing: [{ labels: targetLabels, value: 96 / 80 }] },
        ],
      });

      itScenarios("fires after 30 minutes above the budget, from sessions that end every minute or every 10 minutes", {
        "turn-relay-over-1": over(1),
        "turn-relay-over-10": over(10),
      });

      itScenarios("stays quiet below it, however many allocations are open", {
        "turn-relay-under": {
          series: relaying(72, 1),
          checks: [{ at: "100m", alert: "TurnRelayTrafficAboveBudget", firing: [] }],
        },
      });
    });
  });
});
