/**
 * Alert rules for one region, rendered as the `spec` of a prometheus-operator PrometheusRule (the same
 * `{ groups: [...] }` document `promtool check rules` reads). Pure: no Pulumi, no I/O.
 *
 * The seed guide's alert table (rooms/participants > 80% of capacity, packet loss > 2%, NACKs rising,
 * jitter > 30 ms) is written against LiveKit's real metric names: loss and jitter are histograms plus
 * counters, not gauges, and jitter is recorded in MICROseconds. The platform alerts (SFU pod readiness,
 * Redis, Karpenter interruptions, drift and node age, egress capacity, TURN allocations) use only signals that exist in this
 * design; see each rule's comment for what the signal really measures. Tests hold every metric name to the
 * catalogue in test/support/metrics.ts.
 */
import type { IPrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { invariant } from "../shared/invariant";

/**
 * Drifted Karpenter nodes still not replaced after this long: stalled drift. Drift replaces a pool a budget at a
 * time, each wave lasting up to the pool's terminationGracePeriod; the slowest shipped pool (egress: 6 h 30 min,
 * 10% a wave) turns over in under three days (test/stacks/node-disruption.plan.test.ts holds it to that).
 */
export const DRIFT_STALLED_AFTER = "72h";
/**
 * A Karpenter node this old was launched from an AMI alias at least as old: no node expires (components/karpenter
 * node-pools.ts NODE_EXPIRY), so only a bump of `karpenterNodeAmiAlias` (lib/versions.ts) replaces it. AL2023 EKS
 * AMIs are released every few weeks with the security fixes of their packages.
 */
export const KARPENTER_NODE_MAX_AGE_DAYS = 45;

/** Thresholds; every field has a default (DEFAULT_THRESHOLDS). */
export interface AlertThresholds {
  /** Fraction of the planned rooms/participants that triggers the capacity alerts. */
  capacityRatio: number;
  /** Lost/sent RTP packet ratio (per node and direction) that triggers the packet-loss alert. */
  packetLossRatio: number;
  /** Loss and NACK alerts stay quiet below this many RTP packets/s per node and direction (ratios are noise on tiny traffic). */
  minPacketRate: number;
  /** NACKs per RTP packet below which a rising NACK rate is not worth a warning. */
  nackRatio: number;
  /** How many times its value one hour earlier the NACK ratio must reach to count as "rising". */
  nackRiseFactor: number;
  /** Jitter threshold in milliseconds, applied to the `jitterQuantile` of LiveKit's jitter histogram. */
  jitterMs: number;
  /** Quantile of per-stream jitter compared with `jitterMs` (0.95 = the worst 5% of streams). */
  jitterQuantile: number;
  /** TURN 401 challenges per second (per Coturn instance) that, with zero live allocations, mean allocations fail. */
  turnChallengeRate: number;
  /** Fraction of Coturn's `total-quota` at which new allocations are about to be refused (486). */
  turnQuotaRatio: number;
  /** Multiple of a node's relay budget (the capacity plan's relay traffic per node at peak) that Coturn may relay. */
  turnRelayBudgetRatio: number;
}

export const DEFAULT_THRESHOLDS: Readonly<AlertThresholds> = Object.freeze({
  capacityRatio: 0.8,
  packetLossRatio: 0.02,
  minPacketRate: 100,
  nackRatio: 0.01,
  nackRiseFactor: 2,
  jitterMs: 30,
  jitterQuantile: 0.95,
  turnChallengeRate: 0.1,
  turnQuotaRatio: 0.9,
  turnRelayBudgetRatio: 1,
});

export interface AlertRulesInput {
  /** Region (stack) name, e.g. "mumbai". Added as a `region` label to every alert. */
  region: string;
  /** The region's planned capacity from the sizing model (lib/ capacity model). */
  capacity: {
    /** Rooms the region is sized for (all SFU nodes at their max count). */
    maxRooms: number;
    /** Participants the region is sized for. */
    maxParticipants: number;
  };
  /** Where the LiveKit SFU Deployment runs; its pods are `<deployment>-<hash>-<hash>`. Default livekit/livekit-server. */
  sfu?: { namespace: string; deployment: string };
  /** Include the egress-capacity rule (default true). */
  egress?: boolean;
  /** Coturn settings the TURN rules need. */
  turn?: {
    /** Coturn `total-quota` (max allocations per instance); adds the quota rule when set. */
    totalQuota?: number;
    /**
     * Relayed Mbps (each direction) the capacity plan puts on each node at peak: the relay share of the node's
     * SFU traffic. Adds the relay traffic rule when set.
     */
    relayBudgetMbps?: number;
  };
  /** Overrides for DEFAULT_THRESHOLDS. */
  thresholds?: Partial<AlertThresholds>;
  /**
   * Document holding the runbooks; each alert links to `<runbookBase>#alert-<alertname lowercased>`.
   * Default RUNBOOKS_DOCUMENT, the repository path; a URL of that file makes the links absolute.
   */
  runbookBase?: string;
}

export type Severity = "critical" | "warning" | "info";

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: Severity; region: string } & Record<string, string>;
  annotations: { summary: string; description: string; runbook: string } & Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

/** The PrometheusRule `spec` (and the file format `promtool` reads). */
export interface PrometheusRuleSpec {
  groups: RuleGroup[];
}

// Compile-time proof that the rendered spec is a valid prometheus-operator PrometheusRule spec.
const asOperatorSpec: (spec: PrometheusRuleSpec) => IPrometheusRule["spec"] = (spec) => spec;
void asOperatorSpec;

/** The runbooks, as a path from the repository root: one section per alert. */
export const RUNBOOKS_DOCUMENT = "docs/runbooks.md";

/** Anchor of an alert's runbook: the heading `## Alert: LiveKitRoomsNearCapacity` gets `#alert-livekitroomsnearcapacity`. */
export function runbookAnchor(alert: string): string {
  return `alert-${alert.toLowerCase()}`;
}

// ---------------------------------------------------------------------------------------------------
// PromQL builders shared with the dashboards (components/monitoring/dashboards/), so a panel shows what an alert measures.

/** `{a="b",c=~"d"}`, or "" when there are no matchers. */
export function matchers(m: readonly string[]): string {
  return m.length ? `{${m.join(",")}}` : "";
}

/** Metric with extra matchers merged into its selector. */
function sel(metric: string, base: readonly string[], extra: readonly string[] = []): string {
  return `${metric}${matchers([...base, ...extra])}`;
}

export interface RatioQueryOptions {
  /** Extra label matchers applied to every selector, e.g. `region=~"$region"`. */
  matchers?: readonly string[];
  /** Range of the rate() windows, e.g. "5m" or "$__rate_interval". */
  window: string;
  /** Labels kept by the aggregation. */
  by: readonly string[];
  /** Evaluate the rates this far in the past (e.g. "1h"). */
  offset?: string;
}

function rateSum(metric: string, o: RatioQueryOptions, extra: readonly string[] = []): string {
  const off = o.offset ? ` offset ${o.offset}` : "";
  return `sum by (${o.by.join(", ")}) (rate(${sel(metric, o.matchers ?? [], extra)}[${o.window}]${off}))`;
}

/** RTP packets sent/expected per second. `transmission="initial"` leaves out retransmissions. */
export function packetRateExpr(o: RatioQueryOptions): string {
  return rateSum("livekit_packet_total", o, ['transmission="initial"']);
}

/**
 * Lost / expected RTP packets. LiveKit counts, per track stream, `PrimaryPackets + PaddingPackets`
 * (packets expected from the sequence-number span, so lost ones are already in it) into
 * livekit_packet_total{transmission="initial"}, and the lost ones into livekit_packet_loss_total;
 * its own histogram observes exactly lost / (primary + padding) * 100 (pkg/telemetry/stats.go).
 * So the ratio of the two rates is the true packet-weighted loss ratio; lost/(lost+total) would count
 * lost packets twice. Data-channel packets are in the denominator only, a slight underestimate.
 */
export function packetLossRatioExpr(o: RatioQueryOptions): string {
  return `${rateSum("livekit_packet_loss_total", o)} / ${packetRateExpr(o)}`;
}

/** NACKs per RTP packet (same direction, same node). */
export function nackRatioExpr(o: RatioQueryOptions): string {
  return `${rateSum("livekit_nack_total", o)} / ${packetRateExpr(o)}`;
}

/** `histogram_quantile` of a LiveKit histogram, aggregated by `by` (plus `le`). */
export function histogramQuantileExpr(metric: string, quantile: number, o: RatioQueryOptions): string {
  const by = ["le", ...o.by].join(", ");
  return `histogram_quantile(${quantile}, sum by (${by}) (rate(${sel(`${metric}_bucket`, o.matchers ?? [])}[${o.window}])))`;
}

/**
 * Jitter quantile in MILLIseconds. livekit_jitter_us observes the stream's max jitter per stats
 * interval converted with `/ clockRate * 1e6`, i.e. microseconds (pkg/sfu/rtpstats/rtpstats_base.go),
 * with buckets at 1, 10, 30, 50, 70, 100, 300, 600, 1000 ms. 30 ms is a bucket edge, so p95 > 30 ms
 * exactly when more than 5% of observations are above 30 ms: the quantile is precise at this threshold.
 */
export function jitterMsExpr(quantile: number, o: RatioQueryOptions): string {
  return `${histogramQuantileExpr("livekit_jitter_us", quantile, o)} / 1000`;
}

// ---------------------------------------------------------------------------------------------------

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function validate(input: AlertRulesInput, t: AlertThresholds): void {
  invariant(
    typeof input.region === "string" && /^[A-Za-z0-9_.-]+$/.test(input.region),
    "alert rules region",
    "must be a region name ([A-Za-z0-9_.-]+)",
    input.region,
  );
  for (const k of ["maxRooms", "maxParticipants"] as const) {
    const v = input.capacity?.[k];
    invariant(Number.isFinite(v) && v > 0, `alert rules capacity.${k}`, "must be a positive number", v);
  }
  const sfu = input.sfu;
  if (sfu) {
    invariant(DNS_LABEL.test(sfu.namespace), "alert rules sfu.namespace", "must be a DNS-1123 label", sfu.namespace);
    invariant(DNS_LABEL.test(sfu.deployment), "alert rules sfu.deployment", "must be a DNS-1123 label", sfu.deployment);
  }
  const q = input.turn?.totalQuota;
  if (q !== undefined)
    invariant(Number.isInteger(q) && q > 0, "alert rules turn.totalQuota", "must be a positive integer", q);
  const budget = input.turn?.relayBudgetMbps;
  if (budget !== undefined)
    invariant(Number.isFinite(budget) && budget > 0, "alert rules turn.relayBudgetMbps", "must be above 0", budget);
  invariant(
    Number.isFinite(t.turnRelayBudgetRatio) && t.turnRelayBudgetRatio > 0,
    "alert rules thresholds.turnRelayBudgetRatio",
    "must be a number above 0",
    t.turnRelayBudgetRatio,
  );
  const fractions = ["capacityRatio", "packetLossRatio", "nackRatio", "jitterQuantile", "turnQuotaRatio"] as const;
  for (const k of fractions)
    invariant(
      Number.isFinite(t[k]) && t[k] > 0 && t[k] <= 1,
      `alert rules thresholds.${k}`,
      "must be a number in (0, 1]",
      t[k],
    );
  for (const k of ["minPacketRate", "jitterMs", "turnChallengeRate"] as const) {
    invariant(Number.isFinite(t[k]) && t[k] >= 0, `alert rules thresholds.${k}`, "must be a number >= 0", t[k]);
  }
  invariant(
    Number.isFinite(t.nackRiseFactor) && t.nackRiseFactor >= 1,
    "alert rules thresholds.nackRiseFactor",
    "must be a number >= 1",
    t.nackRiseFactor,
  );
}

/** Render the PrometheusRule spec for one region. Throws one line naming the bad key on invalid input. */
export function renderAlertRules(input: AlertRulesInput): PrometheusRuleSpec {
  const t: AlertThresholds = { ...DEFAULT_THRESHOLDS, ...input.thresholds };
  validate(input, t);
  const region = input.region;
  const runbookBase = input.runbookBase ?? RUNBOOKS_DOCUMENT;
  const sfu = input.sfu ?? { namespace: "livekit", deployment: "livekit-server" };

  const rule = (
    alert: string,
    severity: Severity,
    forDuration: string,
    expr: string,
    summary: string,
    description: string,
  ): AlertRule => ({
    alert,
    expr,
    for: forDuration,
    labels: { severity, region },
    annotations: { summary, description, runbook: `${runbookBase}#${runbookAnchor(alert)}` },
  });

  const pct = (x: number) => `${+(x * 100).toFixed(4)}%`;
  const perNode: RatioQueryOptions = { window: "5m", by: ["node_id", "direction"] };
  const enoughTraffic = `sum by (node_id, direction) (rate(livekit_packet_total{transmission="initial"}[5m])) > ${t.minPacketRate}`;

  // --- capacity: the sum over the region's SFU nodes against what the sizing model planned for.
  const capacity: AlertRule[] = [
    rule(
      "LiveKitRoomsNearCapacity",
      "warning",
      "5m",
      `sum(livekit_room_total) / ${input.capacity.maxRooms} > ${t.capacityRatio}`,
      `LiveKit rooms in ${region} above ${pct(t.capacityRatio)} of planned capacity`,
      `{{ $value | humanizePercentage }} of the ${input.capacity.maxRooms} rooms ${region} is sized for are open. ` +
        "Raise the region's target in its stack file, or move new rooms to another region.",
    ),
    rule(
      "LiveKitParticipantsNearCapacity",
      "warning",
      "5m",
      `sum(livekit_participant_total) / ${input.capacity.maxParticipants} > ${t.capacityRatio}`,
      `LiveKit participants in ${region} above ${pct(t.capacityRatio)} of planned capacity`,
      `{{ $value | humanizePercentage }} of the ${input.capacity.maxParticipants} participants ${region} is sized for are connected. ` +
        "Raise the region's target in its stack file, or move new rooms to another region.",
    ),
  ];

  // --- media quality, per SFU node and direction (incoming = publishers' uplinks, outgoing = subscribers' downlinks).
  const nackNow = nackRatioExpr(perNode);
  const nackHourAgo = nackRatioExpr({ ...perNode, offset: "1h" });
  const quality: AlertRule[] = [
    rule(
      "LiveKitPacketLossHigh",
      "warning",
      "5m",
      // Counter ratio, not the loss histogram: its buckets (…1, 5…) put no edge at 2%, so a quantile would be interpolated.
      `(${packetLossRatioExpr(perNode)}) > ${t.packetLossRatio} and on (node_id, direction) (${enoughTraffic})`,
      `RTP packet loss above ${pct(t.packetLossRatio)} on LiveKit node {{ $labels.node_id }} ({{ $labels.direction }})`,
      `{{ $value | humanizePercentage }} of {{ $labels.direction }} RTP packets on node {{ $labels.node_id }} in ${region} were lost over 5 minutes.`,
    ),
    rule(
      "LiveKitNackRateRising",
      "warning",
      "15m",
      // Both: high enough to matter, and at least nackRiseFactor x the same hour-old ratio (a missing or NaN baseline never fires).
      `(${nackNow}) > ${t.nackRatio} and (${nackNow}) > ${t.nackRiseFactor} * (${nackHourAgo}) and on (node_id, direction) (${enoughTraffic})`,
      `NACK rate rising on LiveKit node {{ $labels.node_id }} ({{ $labels.direction }})`,
      `{{ $value | humanizePercentage }} NACKs per {{ $labels.direction }} RTP packet on node {{ $labels.node_id }} in ${region}, ` +
        `at least ${t.nackRiseFactor}x the ratio one hour ago: retransmissions are growing.`,
    ),
    rule(
      "LiveKitJitterHigh",
      "warning",
      "10m",
      `${jitterMsExpr(t.jitterQuantile, perNode)} > ${t.jitterMs}`,
      `Jitter p${+(t.jitterQuantile * 100).toFixed(2)} above ${t.jitterMs} ms on LiveKit node {{ $labels.node_id }} ({{ $labels.direction }})`,
      `p${+(t.jitterQuantile * 100).toFixed(2)} of {{ $labels.direction }} stream jitter on node {{ $labels.node_id }} in ${region} is {{ printf "%.1f" $value }} ms: jitter buffers are stretching.`,
    ),
  ];

  // --- availability. Pods of the SFU Deployment that are not being deleted (a draining pod may run for hours).
  const podRe = `${sfu.deployment}-[a-z0-9]+-[a-z0-9]+`;
  const podSel = `namespace="${sfu.namespace}",pod=~"${podRe}"`;
  const live = (phases: string) =>
    `(kube_pod_status_ready{${podSel},condition="true"} and on (namespace, pod) (kube_pod_status_phase{${podSel},phase=~"${phases}"} == 1)` +
    ` unless on (namespace, pod) kube_pod_deletion_timestamp{${podSel}})`;
  const availability: AlertRule[] = [
    rule(
      "LiveKitSfuPodNotReady",
      "warning",
      "10m",
      // Pending counts too: 10 minutes Pending means Karpenter could not bring up a node for it.
      `${live("Pending|Running")} == 0`,
      `LiveKit SFU pod {{ $labels.pod }} not ready`,
      `Pod {{ $labels.namespace }}/{{ $labels.pod }} of the LiveKit SFU in ${region} has not been Ready for 10 minutes; ` +
        "it gets no new rooms, and its readiness probe (GET /) fails when the node's stats stop refreshing.",
    ),
    rule(
      "LiveKitRedisUnreachable",
      "critical",
      "2m",
      // No Redis exporter (ElastiCache is managed). With Redis configured, LiveKit refreshes its node stats only when
      // its keepalive ping comes back through Redis pub/sub (pkg/routing/redisrouter.go), and GET / answers 406 once
      // the stats are 4 s old (pkg/service/server.go). So every running SFU pod going NotReady at once is the Redis
      // signal. It is an inference: a cluster-wide cause (bad config rollout, DNS) looks the same.
      `count(${live("Running")} == 0) == count(${live("Running")})`,
      `All LiveKit SFU pods in ${region} are NotReady: Redis (ElastiCache) is probably unreachable`,
      `All {{ $value }} running LiveKit SFU pods in ${region} failed readiness for 2 minutes at once. LiveKit marks itself ` +
        "not ready when its keepalive through Redis stops, so check the ElastiCache replication group, its security group and AUTH token first.",
    ),
  ];

  // --- platform.
  const interruptionReasons = [
    "spot_interrupted",
    "scheduled_change",
    "instance_stopped",
    "instance_terminated",
    "capacity_reservation_interrupted",
    "instance_status",
    "system_status",
    "event_status",
  ].join("|");
  const disrupted = `karpenter_nodeclaims_disrupted_total{reason=~"${interruptionReasons}"}`;
  const platform: AlertRule[] = [
    rule(
      "KarpenterNodeInterrupted",
      "warning",
      "0m",
      // nodeclaims_disrupted_total with an interruption reason counts only THIS cluster's nodes (the SQS queue also
      // carries other instances' events). The `unless ... offset` branch catches the first interruption after a
      // controller restart, when the series is born at 1 and increase() sees no change; it is guarded by Karpenter
      // having been scraped 15 minutes ago, so a Prometheus without that history does not page on old counters.
      `sum by (nodepool, reason) (increase(${disrupted}[15m])) > 0` +
        ` or sum by (nodepool, reason) (${disrupted} unless ${disrupted} offset 15m)` +
        " and on () count(karpenter_nodes_allocatable offset 15m) > 0",
      `Karpenter replaced {{ $labels.nodepool }} nodes after an EC2 interruption ({{ $labels.reason }})`,
      `Karpenter deleted {{ printf "%.0f" $value }} {{ $labels.nodepool }} node(s) in ${region} in the last 15 minutes on an EC2 ` +
        "{{ $labels.reason }} event. A drained SFU node's rooms keep their drain time; on a failed status check (instance_status, system_status) " +
        "they end at once. Check that replacements came up and whether interruptions repeat.",
    ),
    rule(
      "KarpenterDriftStalled",
      "warning",
      DRIFT_STALLED_AFTER,
      // kubernetes-sigs/karpenter v1.14.1 pkg/controllers/disruption/metrics.go:72-81 (karpenter_voluntary_disruption_
      // eligible_nodes, labelled `reason` only) and controller.go:194-196: on each pass of the drift method, the drifted
      // nodes that are candidates (not already being replaced). It drops to 0 once the last wave is under way, so it
      // stays above 0 for three days only when drift stopped: a budget of 0, replacements that cannot launch, or a node
      // whose pods block without a terminationGracePeriod (such a node is no candidate at all: types.go:188-197; every
      // pool here has one). Only the elected controller sets it; a replica that loses the lease exits.
      `max(karpenter_voluntary_disruption_eligible_nodes{reason="drifted"}) > 0`,
      `Drifted Karpenter nodes in ${region} have not been replaced for ${DRIFT_STALLED_AFTER}`,
      `{{ $value }} drifted Karpenter node(s) in ${region} are still waiting for replacement after ${DRIFT_STALLED_AFTER}: ` +
        "they keep the old AMI or Kubernetes version. Check the NodeClaims' Drifted condition, the pools' budgets and Karpenter's launch errors.",
    ),
    rule(
      "KarpenterNodeTooOld",
      "warning",
      "1h",
      // kubernetes-sigs/karpenter v1.14.1 pkg/controllers/metrics/node/controller.go:125-134, 265-266: node age in
      // seconds, with the node's `karpenter.sh/nodepool` as `nodepool` (controller.go:277-300, a well-known label);
      // `managed` is true for nodes Karpenter launched. kube-state-metrics exports no node label by default.
      `max by (nodepool, node_name) (karpenter_nodes_current_lifetime_seconds{managed="true"}) / 86400 > ${KARPENTER_NODE_MAX_AGE_DAYS}`,
      `Karpenter node {{ $labels.node_name }} is older than ${KARPENTER_NODE_MAX_AGE_DAYS} days: bump the AMI alias`,
      `Node {{ $labels.node_name }} of the {{ $labels.nodepool }} pool in ${region} is {{ printf "%.0f" $value }} days old. ` +
        "Karpenter nodes never expire; bump karpenterNodeAmiAlias in lib/versions.ts so drift replaces them on a current AMI.",
    ),
    rule(
      "TurnAllocationsFailing",
      "warning",
      "15m",
      // coturn exports no allocation-failure counter. A client's first Allocate always draws a 401 challenge, so
      // challenges with no live allocation on the same instance mean allocations are not succeeding (wrong shared
      // secret, quota, relay ports). Only UDP clients are counted by coturn; TURN/TLS failures are not visible here.
      `sum by (namespace, pod, instance) (rate(turn_unauthenticated_401_responses[10m])) > ${t.turnChallengeRate}` +
        ` unless on (namespace, pod, instance) sum by (namespace, pod, instance) (turn_total_allocations) > 0`,
      `TURN clients are challenged but get no allocation on {{ $labels.pod }}`,
      `Coturn {{ $labels.pod }} in ${region} sends {{ printf "%.2f" $value }} 401 challenges/s but holds no allocation: clients cannot allocate relays. ` +
        "Check that LiveKit's rtc.turn_servers secret matches Coturn's static-auth-secret, the quotas, and the relay port range.",
    ),
  ];
  const quota = input.turn?.totalQuota;
  if (quota !== undefined) {
    platform.push(
      rule(
        "TurnAllocationQuotaNearlyExhausted",
        "warning",
        "5m",
        `sum by (namespace, pod, instance) (turn_total_allocations) / ${quota} > ${t.turnQuotaRatio}`,
        `Coturn {{ $labels.pod }} is close to its total-quota of ${quota} allocations`,
        `{{ $value | humanizePercentage }} of Coturn's total-quota is in use on {{ $labels.pod }} in ${region}; new allocations will be refused with 486.`,
      ),
    );
  }
  const relayBudgetMbps = input.turn?.relayBudgetMbps;
  if (relayBudgetMbps !== undefined) {
    const relayedOut = "rate(turn_total_traffic_sentb[1h]) + rate(turn_total_traffic_peer_sentb[1h])";
    platform.push(
      rule(
        "TurnRelayTrafficAboveBudget",
        "warning",
        "30m",
        // Bytes Coturn actually relayed out of the node (to clients and to the SFU), not allocations: idle
        // allocations relay nothing. coturn 4.17 adds a session's bytes to these counters when the session ends
        // (src/apps/relay/ns_ioalib_engine_impl.c turn_report_allocation_delete -> prom_set_finished_traffic), so
        // the hour's rate is the hour's finished sessions: it trails a live rise by about a session's length.
        `8 * sum by (namespace, pod, instance) (${relayedOut}) / 1e6 / ${relayBudgetMbps} > ${t.turnRelayBudgetRatio}`,
        `Coturn {{ $labels.pod }} relays more than the capacity plan's ${relayBudgetMbps} Mbps per node`,
        `Coturn {{ $labels.pod }} in ${region} relayed {{ $value | humanizePercentage }} of the ${relayBudgetMbps} Mbps per node the capacity plan budgets for TURN ` +
          "over the last hour (sessions that ended in it). More participants relay than the plan's turnRelayShare assumes: the nodes' network and the cost estimate are above plan.",
      ),
    );
  }
  if (input.egress ?? true) {
    platform.push(
      rule(
        "LiveKitEgressSaturated",
        "warning",
        "5m",
        // The egress autoscaler's own signal: livekit_egress_available is 1 on an idle instance, the only kind
        // that admits a room composite here; can_accept_request drops instances that are disabled (Redis
        // unreachable) or out of memory. No such instance, or no egress pod scraped at all, is no capacity.
        "(count((livekit_egress_available == 1) and (livekit_egress_can_accept_request == 1)) or vector(0)) == 0",
        `No idle LiveKit egress instance in ${region}: new recordings are refused`,
        `No egress instance in ${region} is idle and accepting requests; room composite StartEgress calls fail with ` +
          '"no response from servers" until the autoscaler adds pods. Check the egress ScaledObject and its HPA, ' +
          "KEDA, and the egress NodePool's CPU limit.",
      ),
    );
  }

  return {
    groups: [
      { name: "livekit-capacity", rules: capacity },
      { name: "livekit-media-quality", rules: quality },
      { name: "livekit-availability", rules: availability },
      { name: "livekit-platform", rules: platform },
    ],
  };
}
