/**
 * Catalog of every Prometheus metric the alert rules (components/monitoring/alert-rules.ts) and the Grafana dashboards
 * (components/monitoring/dashboards/) use, grouped by the exporter that serves it. Tests parse every PromQL expression we
 * render and fail on any metric name that is not listed here, so a typo cannot ship silently.
 *
 * Every entry was checked against the exporter's source at the version we pin (lib/versions.ts):
 * its `source` names the upstream file that registers it. Histograms are listed once, by base name;
 * the `_bucket`, `_sum` and `_count` series follow from the type.
 */
import { invariant } from "../../components/shared/invariant";

export type MetricType = "counter" | "gauge" | "histogram" | "untyped";

export interface MetricInfo {
  type: MetricType;
  /** Labels the exporter itself sets (scrape-time target labels such as `pod` or `instance` are extra). */
  labels: readonly string[];
  /** Unit or meaning, in a few words. */
  help: string;
  /** `owner/repo path` of the file that registers the metric. */
  source: string;
}

/** LiveKit server labels every metric with its own node id and type (const labels). */
const LK_NODE = ["node_id", "node_type"] as const;
const LK_PACKETS = "livekit/livekit pkg/telemetry/prometheus/packets.go";
const LK_ROOMS = "livekit/livekit pkg/telemetry/prometheus/rooms.go";
const LK_STREAM = [...LK_NODE, "direction", "source", "type", "country"] as const;
const EGRESS_PROM = "livekit/egress pkg/stats/monitor_prom.go";
const EGRESS_CONST = ["node_id", "cluster_id"] as const;
const COTURN = "coturn/coturn src/apps/relay/prom_server.c";
const KARPENTER_CORE = "kubernetes-sigs/karpenter pkg/metrics/metrics.go";
const KSM_POD = "kubernetes/kube-state-metrics docs/metrics/workload/pod-metrics.md";
const KSM_NODE = "kubernetes/kube-state-metrics docs/metrics/cluster/node-metrics.md";
const KARPENTER_NODE_LABELS = [
  "node_name",
  "phase",
  "managed",
  "nodepool",
  "instance_type",
  "capacity_type",
  "zone",
  "resource_type",
] as const;

export const metricsByExporter = {
  /** livekit-server (v1.13), scraped by a PodMonitor on `prometheus.port` 6789. */
  livekitServer: {
    livekit_room_total: { type: "gauge", labels: LK_NODE, help: "rooms currently open on the node", source: LK_ROOMS },
    livekit_participant_total: {
      type: "gauge",
      labels: LK_NODE,
      help: "participants currently on the node",
      source: LK_ROOMS,
    },
    livekit_track_published_total: {
      type: "gauge",
      labels: [...LK_NODE, "kind"],
      help: "tracks currently published",
      source: LK_ROOMS,
    },
    livekit_track_subscribed_total: {
      type: "gauge",
      labels: [...LK_NODE, "kind"],
      help: "tracks currently subscribed",
      source: LK_ROOMS,
    },
    livekit_session_join_latency_ms: {
      type: "histogram",
      labels: [...LK_NODE, "protocol_version"],
      help: "signal join latency, milliseconds",
      source: LK_ROOMS,
    },
    livekit_packet_total: {
      type: "counter",
      labels: [...LK_NODE, "direction", "transmission", "country"],
      help: "RTP packets; incoming = from publishers, outgoing = to subscribers; transmission initial|retransmit",
      source: LK_PACKETS,
    },
    livekit_packet_bytes: {
      type: "counter",
      labels: [...LK_NODE, "direction", "transmission", "country"],
      help: "RTP bytes",
      source: LK_PACKETS,
    },
    livekit_nack_total: {
      type: "counter",
      labels: [...LK_NODE, "direction", "country"],
      help: "RTCP NACKs",
      source: LK_PACKETS,
    },
    livekit_pli_total: {
      type: "counter",
      labels: [...LK_NODE, "direction", "country"],
      help: "RTCP picture loss indications",
      source: LK_PACKETS,
    },
    livekit_packet_loss_total: {
      type: "counter",
      labels: LK_STREAM,
      help: "RTP packets lost (per track stream)",
      source: LK_PACKETS,
    },
    livekit_packet_loss_percent: {
      type: "histogram",
      labels: LK_STREAM,
      help: "per-stream loss per stats interval, percent (buckets 0,0.1,0.3,0.5,0.7,1,5,10,40,100)",
      source: LK_PACKETS,
    },
    livekit_jitter_us: {
      type: "histogram",
      labels: LK_STREAM,
      help: "per-stream max jitter per stats interval, MICROseconds (buckets 1e3,1e4,3e4,5e4,7e4,1e5,3e5,6e5,1e6)",
      source: LK_PACKETS,
    },
    livekit_rtt_ms: {
      type: "histogram",
      labels: LK_STREAM,
      help: "per-stream round-trip time, milliseconds",
      source: LK_PACKETS,
    },
    livekit_participant_join_total: {
      type: "counter",
      labels: [...LK_NODE, "state", "warp"],
      help: "join funnel: signal_connected, signal_failed, rtc_init, rtc_connected, rtc_active, rtc_success, rtc_failure, ...",
      source: LK_PACKETS,
    },
    livekit_quality_score: {
      type: "histogram",
      labels: LK_NODE,
      help: "connection quality score (MOS-like, 1.0 to 4.5)",
      source: "livekit/livekit pkg/telemetry/prometheus/quality.go",
    },
    livekit_psrpc_error_total: {
      type: "counter",
      labels: [...LK_NODE, "role", "kind", "service", "method", "error_code"],
      help: "errors of RPCs over the Redis message bus (registered by livekit-server via rpc.InitPSRPCStats)",
      source: "livekit/protocol rpc/metrics.go",
    },
  },

  /** LiveKit Egress (v1.12), scraped on its `prometheus_port`. */
  egress: {
    livekit_egress_available: {
      type: "gauge",
      labels: EGRESS_CONST,
      help: "1 when the instance is idle (no active request)",
      source: EGRESS_PROM,
    },
    livekit_egress_can_accept_request: {
      type: "gauge",
      labels: EGRESS_CONST,
      help: "1 when the instance has CPU budget for one more web egress and is not disabled",
      source: EGRESS_PROM,
    },
    livekit_egress_requests: {
      type: "gauge",
      labels: [...EGRESS_CONST, "type"],
      help: "active requests by egress type",
      source: EGRESS_PROM,
    },
    livekit_node_cpu_load: {
      type: "gauge",
      labels: [...EGRESS_CONST, "node_type"],
      help: "CPU load of the egress instance, 0..1 (node_type=EGRESS)",
      source: EGRESS_PROM,
    },
  },

  /** coturn (4.17), `--prometheus` exporter on 9641. Traffic counters only count FINISHED sessions. */
  coturn: {
    turn_total_allocations: {
      type: "gauge",
      labels: ["type"],
      help: "current allocations, by client socket type",
      source: COTURN,
    },
    turn_unauthenticated_401_responses: {
      type: "counter",
      labels: [],
      help: "401 Unauthorized responses sent to UDP clients (the normal first challenge and bad credentials alike)",
      source: COTURN,
    },
    turn_total_traffic_rcvb: {
      type: "counter",
      labels: [],
      help: "bytes received from clients, finished sessions",
      source: COTURN,
    },
    turn_total_traffic_sentb: {
      type: "counter",
      labels: [],
      help: "bytes sent to clients, finished sessions",
      source: COTURN,
    },
    turn_total_traffic_peer_rcvb: {
      type: "counter",
      labels: [],
      help: "bytes received from peers, finished sessions",
      source: COTURN,
    },
    turn_total_traffic_peer_sentb: {
      type: "counter",
      labels: [],
      help: "bytes sent to peers, finished sessions",
      source: COTURN,
    },
  },

  /** Karpenter controller (v1.14), chart ServiceMonitor. */
  karpenter: {
    karpenter_nodeclaims_created_total: {
      type: "counter",
      labels: ["reason", "nodepool", "min_values_relaxed"],
      help: "nodeclaims created",
      source: KARPENTER_CORE,
    },
    karpenter_nodeclaims_terminated_total: {
      type: "counter",
      labels: ["nodepool", "capacity_type", "zone"],
      help: "nodeclaims terminated",
      source: KARPENTER_CORE,
    },
    karpenter_nodeclaims_disrupted_total: {
      type: "counter",
      labels: ["reason", "nodepool", "capacity_type"],
      help: "nodeclaims disrupted; interruption handling uses the message kind as reason (spot_interrupted, scheduled_change, instance_stopped, ...)",
      source: `${KARPENTER_CORE}; reason set in aws/karpenter-provider-aws pkg/controllers/interruption/utils.go`,
    },
    karpenter_interruption_received_messages_total: {
      type: "counter",
      labels: ["message_type"],
      help: "SQS interruption messages received (account-wide events, not only this cluster's)",
      source: "aws/karpenter-provider-aws pkg/controllers/interruption/metrics.go",
    },
    karpenter_nodes_allocatable: {
      type: "gauge",
      labels: KARPENTER_NODE_LABELS,
      help: "allocatable resources per node",
      source: "kubernetes-sigs/karpenter pkg/controllers/metrics/node/controller.go",
    },
    karpenter_voluntary_disruption_eligible_nodes: {
      type: "gauge",
      labels: ["reason"],
      help: "nodes eligible for disruption, by reason (drifted, empty, underutilized), set on each pass of that method",
      source: "kubernetes-sigs/karpenter pkg/controllers/disruption/metrics.go",
    },
    karpenter_nodes_current_lifetime_seconds: {
      type: "gauge",
      labels: KARPENTER_NODE_LABELS.filter((l) => l !== "resource_type"),
      help: "node age in seconds",
      source: "kubernetes-sigs/karpenter pkg/controllers/metrics/node/controller.go",
    },
    karpenter_nodepools_usage: {
      type: "gauge",
      labels: ["nodepool", "resource_type"],
      help: "resources provisioned by a NodePool",
      source: "kubernetes-sigs/karpenter pkg/controllers/metrics/nodepool/controller.go",
    },
    karpenter_nodepools_limit: {
      type: "gauge",
      labels: ["nodepool", "resource_type"],
      help: "NodePool spec.limits",
      source: "kubernetes-sigs/karpenter pkg/controllers/metrics/nodepool/controller.go",
    },
  },

  /** kube-state-metrics, deployed by kube-prometheus-stack. */
  kubeStateMetrics: {
    kube_pod_status_ready: {
      type: "gauge",
      labels: ["namespace", "pod", "uid", "condition"],
      help: "pod Ready condition (true|false|unknown)",
      source: KSM_POD,
    },
    kube_pod_status_phase: {
      type: "gauge",
      labels: ["namespace", "pod", "uid", "phase"],
      help: "pod phase",
      source: KSM_POD,
    },
    kube_pod_deletion_timestamp: {
      type: "gauge",
      labels: ["namespace", "pod", "uid"],
      help: "set while a pod is terminating",
      source: KSM_POD,
    },
    kube_node_info: {
      type: "gauge",
      labels: [
        "node",
        "kernel_version",
        "os_image",
        "container_runtime_version",
        "kubelet_version",
        "provider_id",
        "internal_ip",
      ],
      help: "one series per node",
      source: KSM_NODE,
    },
    kube_node_status_condition: {
      type: "gauge",
      labels: ["node", "condition", "status"],
      help: "node conditions",
      source: KSM_NODE,
    },
    kube_horizontalpodautoscaler_status_current_replicas: {
      type: "gauge",
      labels: ["namespace", "horizontalpodautoscaler"],
      help: "HPA current replicas",
      source: "kubernetes/kube-state-metrics docs/metrics/workload/horizontalpodautoscaler-metrics.md",
    },
    kube_horizontalpodautoscaler_spec_max_replicas: {
      type: "gauge",
      labels: ["namespace", "horizontalpodautoscaler"],
      help: "HPA maxReplicas",
      source: "kubernetes/kube-state-metrics docs/metrics/workload/horizontalpodautoscaler-metrics.md",
    },
  },

  /** prometheus-node-exporter (DaemonSet, hostNetwork), default collectors only. */
  nodeExporter: {
    node_uname_info: {
      type: "gauge",
      labels: ["sysname", "release", "version", "machine", "nodename", "domainname"],
      help: "uname; nodename = EC2 hostname = node name",
      source: "prometheus/node_exporter collector/uname.go",
    },
    node_cpu_seconds_total: {
      type: "counter",
      labels: ["cpu", "mode"],
      help: "CPU time by mode",
      source: "prometheus/node_exporter collector/cpu_linux.go",
    },
    node_network_receive_bytes_total: {
      type: "counter",
      labels: ["device"],
      help: "NIC bytes received",
      source: "prometheus/node_exporter collector/netdev_common.go",
    },
    node_network_transmit_bytes_total: {
      type: "counter",
      labels: ["device"],
      help: "NIC bytes sent",
      source: "prometheus/node_exporter collector/netdev_common.go",
    },
    // Untyped but monotonically increasing; in the default --collector.netstat.fields set.
    node_netstat_Udp_RcvbufErrors: {
      type: "untyped",
      labels: [],
      help: "UDP datagrams dropped: receive buffer full",
      source: "prometheus/node_exporter collector/netstat_linux.go",
    },
    node_netstat_Udp_SndbufErrors: {
      type: "untyped",
      labels: [],
      help: "UDP datagrams dropped: send buffer full",
      source: "prometheus/node_exporter collector/netstat_linux.go",
    },
  },

  /** kubelet's embedded cAdvisor (kube-prometheus-stack kubelet ServiceMonitor, `node` label added by the operator). */
  cadvisor: {
    container_cpu_usage_seconds_total: {
      type: "counter",
      labels: ["namespace", "pod", "container", "node", "cpu"],
      help: "container CPU time",
      source: "google/cadvisor metrics/prometheus.go",
    },
    container_memory_working_set_bytes: {
      type: "gauge",
      labels: ["namespace", "pod", "container", "node"],
      help: "container working set",
      source: "google/cadvisor metrics/prometheus.go",
    },
  },
} as const satisfies Record<string, Record<string, MetricInfo>>;

export type Exporter = keyof typeof metricsByExporter;

/** Labels Prometheus adds at scrape time (PodMonitor/ServiceMonitor targets) or from external labels. */
export const TARGET_LABELS: readonly string[] = [
  "job",
  "instance",
  "namespace",
  "pod",
  "container",
  "service",
  "endpoint",
  "node",
  "region",
];

/** Flat view: metric name -> info plus its exporter. */
export const metricCatalog: ReadonlyMap<string, MetricInfo & { exporter: Exporter }> = new Map(
  (Object.keys(metricsByExporter) as Exporter[]).flatMap((exporter) =>
    Object.entries(metricsByExporter[exporter] as Record<string, MetricInfo>).map(
      ([name, info]) => [name, { ...info, exporter }] as [string, MetricInfo & { exporter: Exporter }],
    ),
  ),
);

const HISTOGRAM_SUFFIXES = ["_bucket", "_sum", "_count"] as const;

/**
 * The catalog entry a series name belongs to: itself, or for `x_bucket|_sum|_count` the histogram `x`.
 * `_bucket` also carries the `le` label.
 */
export function lookupMetric(series: string): (MetricInfo & { exporter: Exporter; base: string }) | undefined {
  const direct = metricCatalog.get(series);
  if (direct) return { ...direct, base: series };
  for (const suffix of HISTOGRAM_SUFFIXES) {
    if (!series.endsWith(suffix)) continue;
    const base = series.slice(0, -suffix.length);
    const info = metricCatalog.get(base);
    if (info?.type === "histogram") {
      return { ...info, base, labels: suffix === "_bucket" ? [...info.labels, "le"] : info.labels };
    }
  }
  return undefined;
}

/** One `name{matchers}` selector found in a PromQL expression. */
export interface SeriesSelector {
  metric: string;
  /** Label names used in the selector's matchers (never `__name__`). */
  matcherLabels: string[];
}

const PROMQL_KEYWORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "offset",
  "bool",
  "and",
  "or",
  "unless",
  "atan2",
  "inf",
  "nan",
]);

/**
 * Every metric selector in a PromQL expression (Grafana `$vars` allowed), with its matcher labels.
 * A small scanner rather than a full parser: it drops string literals, range/offset brackets, grouping
 * label lists and `$variables`, then reads identifiers that are not function calls or keywords.
 * Throws on `{__name__=...}` selectors so every metric name stays visible to this check.
 */
export function seriesSelectors(expr: string): SeriesSelector[] {
  // Replace string literals by a placeholder so quotes and braces inside them cannot confuse us.
  let s = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  invariant(
    !/__name__/.test(s),
    "PromQL expression",
    "must name its metrics (a selector by __name__ hides them)",
    expr,
  );
  s = s.replace(/\$\{[^}]*\}|\$\w+/g, " ");
  s = s.replace(/\[[^\]]*\]/g, " ");
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, " ");
  const out: SeriesSelector[] = [];
  const re = /(?<![\w:.])([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?\s*(\()?/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const [, name, braces, call] = m;
    if (call && !braces) {
      // function or aggregation call: rescan what followed the name
      re.lastIndex = m.index + name.length;
      continue;
    }
    if (PROMQL_KEYWORDS.has(name.toLowerCase())) {
      re.lastIndex = m.index + name.length;
      continue;
    }
    const matcherLabels = braces ? [...braces.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((x) => x[1]) : [];
    out.push({ metric: name, matcherLabels });
    if (call) re.lastIndex = m.index + m[0].length - 1;
  }
  return out;
}

/** Distinct metric (series) names referenced by a PromQL expression. */
export function metricNamesIn(expr: string): string[] {
  return [...new Set(seriesSelectors(expr).map((x) => x.metric))];
}
