/**
 * Grafana dashboards built in code: "LiveKit overview" (media plane) and "LiveKit platform" (nodes,
 * Karpenter, egress, TURN). Each function returns the dashboard JSON model, ready to be shipped in a
 * ConfigMap labelled `grafana_dashboard: "1"` for kube-prometheus-stack's Grafana sidecar.
 *
 * Every dashboard has a Prometheus data-source variable and `region` + `node` variables. `region` comes
 * from the Prometheus external label (present when regions are federated or remote-written to one place);
 * in a single region's own Grafana the series carry no `region` label, the variable has no values, and
 * its "All" value `.*` matches them anyway. The quality panels use the same PromQL builders as the alerts.
 */
import {
  DEFAULT_THRESHOLDS,
  histogramQuantileExpr,
  jitterMsExpr,
  nackRatioExpr,
  packetLossRatioExpr,
  packetRateExpr,
} from "../alert-rules";
import { invariant } from "../../shared/invariant";

export interface DashboardOptions {
  /** Namespaces of the LiveKit SFU, egress and Coturn pods, for the per-pod CPU/memory and HPA panels. Default ["livekit"]. */
  workloadNamespaces?: string[];
}

export interface DataSourceRef {
  type: "prometheus";
  uid: string;
}

export interface Target {
  refId: string;
  datasource: DataSourceRef;
  expr: string;
  legendFormat: string;
  range: true;
}

export interface Panel {
  id: number;
  type: "timeseries" | "stat" | "row";
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: DataSourceRef;
  targets?: Target[];
  fieldConfig?: { defaults: Record<string, unknown>; overrides: unknown[] };
  options?: Record<string, unknown>;
  collapsed?: boolean;
  panels?: Panel[];
}

export interface TemplateVariable {
  name: string;
  label: string;
  type: "datasource" | "query";
  query: string;
  definition?: string;
  datasource?: DataSourceRef;
  current: Record<string, unknown>;
  hide: 0;
  includeAll: boolean;
  allValue?: string;
  multi: boolean;
  refresh: 1 | 2;
  regex: string;
  sort: 0 | 1;
  options: unknown[];
}

export interface GrafanaDashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  editable: boolean;
  graphTooltip: 1;
  schemaVersion: number;
  version: number;
  refresh: string;
  time: { from: string; to: string };
  timezone: string;
  templating: { list: TemplateVariable[] };
  annotations: { list: unknown[] };
  links: unknown[];
  panels: Panel[];
}

const DS: DataSourceRef = { type: "prometheus", uid: "${datasource}" };
const RATE = "$__rate_interval";

// ---------------------------------------------------------------------------------------------------
// Small builders. Layout: rows of panels, 24 columns wide, filled left to right.

type Unit = "short" | "bps" | "pps" | "ops" | "percentunit" | "percent" | "ms" | "bytes" | "none";

interface PanelSpec {
  title: string;
  unit: Unit;
  targets: Array<[expr: string, legend: string]>;
  description?: string;
  /** Red line/colour from this value up (shown on the alert's metric). */
  threshold?: number;
  width?: number;
  kind?: "timeseries" | "stat";
}

class Layout {
  readonly panels: Panel[] = [];
  private id = 1;
  private x = 0;
  private y = 0;
  private rowHeight = 0;

  row(title: string): void {
    this.newLine();
    this.panels.push({
      id: this.id++,
      type: "row",
      title,
      collapsed: false,
      panels: [],
      gridPos: { x: 0, y: this.y, w: 24, h: 1 },
    });
    this.y += 1;
  }

  add(spec: PanelSpec): void {
    const kind = spec.kind ?? "timeseries";
    const w = spec.width ?? (kind === "stat" ? 6 : 12);
    const h = kind === "stat" ? 4 : 8;
    if (this.x + w > 24) this.newLine();
    const steps: unknown[] = [{ color: "green", value: null }];
    if (spec.threshold !== undefined) steps.push({ color: "red", value: spec.threshold });
    const defaults: Record<string, unknown> = {
      unit: spec.unit,
      color: { mode: kind === "stat" ? "thresholds" : "palette-classic" },
      thresholds: { mode: "absolute", steps },
    };
    if (kind === "timeseries") {
      defaults.custom = {
        drawStyle: "line",
        lineWidth: 1,
        fillOpacity: 10,
        showPoints: "never",
        spanNulls: false,
        thresholdsStyle: { mode: spec.threshold === undefined ? "off" : "line" },
      };
    }
    this.panels.push({
      id: this.id++,
      type: kind,
      title: spec.title,
      ...(spec.description ? { description: spec.description } : {}),
      datasource: DS,
      gridPos: { x: this.x, y: this.y, w, h },
      targets: spec.targets.map(([expr, legendFormat], i) => ({
        refId: String.fromCharCode(65 + i),
        datasource: DS,
        expr,
        legendFormat,
        range: true,
      })),
      fieldConfig: { defaults, overrides: [] },
      options:
        kind === "stat"
          ? {
              reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
              colorMode: "value",
              graphMode: "area",
              textMode: "auto",
              justifyMode: "auto",
              orientation: "auto",
            }
          : {
              legend: { displayMode: "list", placement: "bottom", showLegend: true },
              tooltip: { mode: "multi", sort: "desc" },
            },
    });
    this.x += w;
    this.rowHeight = Math.max(this.rowHeight, h);
  }

  private newLine(): void {
    if (this.x > 0) this.y += this.rowHeight;
    this.x = 0;
    this.rowHeight = 0;
  }
}

const datasourceVariable = (): TemplateVariable => ({
  name: "datasource",
  label: "Data source",
  type: "datasource",
  query: "prometheus",
  current: {},
  hide: 0,
  includeAll: false,
  multi: false,
  refresh: 1,
  regex: "",
  sort: 0,
  options: [],
});

/** A multi-value query variable over `label_values(<selector>, <label>)`, "All" = `.*`. */
const labelVariable = (name: string, label: string, selector: string, labelName: string): TemplateVariable => {
  const query = `label_values(${selector}, ${labelName})`;
  return {
    name,
    label,
    type: "query",
    query,
    definition: query,
    datasource: DS,
    current: { selected: true, text: ["All"], value: ["$__all"] },
    hide: 0,
    includeAll: true,
    allValue: ".*",
    multi: true,
    refresh: 2,
    regex: "",
    sort: 1,
    options: [],
  };
};

function dashboard(
  uid: string,
  title: string,
  description: string,
  variables: TemplateVariable[],
  layout: Layout,
): GrafanaDashboard {
  return {
    uid,
    title,
    description,
    tags: ["livekit"],
    editable: false, // provisioned from code: edits in the UI would be lost on the next sync
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    timezone: "browser",
    templating: { list: [datasourceVariable(), ...variables] },
    annotations: { list: [] },
    links: [],
    panels: layout.panels,
  };
}

// ---------------------------------------------------------------------------------------------------

/** "LiveKit overview": load, traffic, media quality and sessions, per LiveKit node and per region. */
export function renderLivekitOverviewDashboard(): GrafanaDashboard {
  const m = ['region=~"$region"', 'node_id=~"$node"'];
  const s = (metric: string, extra: string[] = []) => `${metric}{${[...m, ...extra].join(",")}}`;
  const byNode = { matchers: m, window: RATE, by: ["region", "node_id", "direction"] };
  const byDir = { matchers: m, window: RATE, by: ["region", "direction"] };
  const t = DEFAULT_THRESHOLDS;
  const L = new Layout();

  L.row("Load");
  L.add({ kind: "stat", title: "Rooms", unit: "short", targets: [[`sum(${s("livekit_room_total")})`, "rooms"]] });
  L.add({
    kind: "stat",
    title: "Participants",
    unit: "short",
    targets: [[`sum(${s("livekit_participant_total")})`, "participants"]],
  });
  L.add({
    kind: "stat",
    title: "Published tracks",
    unit: "short",
    targets: [[`sum(${s("livekit_track_published_total")})`, "published"]],
  });
  L.add({
    kind: "stat",
    title: "Subscribed tracks",
    unit: "short",
    targets: [[`sum(${s("livekit_track_subscribed_total")})`, "subscribed"]],
  });
  L.add({
    title: "Rooms per node",
    unit: "short",
    targets: [[`sum by (region, node_id) (${s("livekit_room_total")})`, "{{region}} {{node_id}}"]],
  });
  L.add({
    title: "Participants per node",
    unit: "short",
    targets: [[`sum by (region, node_id) (${s("livekit_participant_total")})`, "{{region}} {{node_id}}"]],
  });
  L.add({
    title: "Tracks by kind",
    unit: "short",
    targets: [
      [`sum by (region, kind) (${s("livekit_track_published_total")})`, "{{region}} published {{kind}}"],
      [`sum by (region, kind) (${s("livekit_track_subscribed_total")})`, "{{region}} subscribed {{kind}}"],
    ],
  });
  L.add({
    title: "Rooms and participants per region",
    unit: "short",
    targets: [
      [`sum by (region) (${s("livekit_room_total")})`, "{{region}} rooms"],
      [`sum by (region) (${s("livekit_participant_total")})`, "{{region}} participants"],
    ],
  });

  L.row("Traffic");
  L.add({
    title: "Bitrate in / out per region",
    unit: "bps",
    description: "incoming = from publishers, outgoing = to subscribers (retransmissions included)",
    targets: [
      [`8 * sum by (region, direction) (rate(${s("livekit_packet_bytes")}[${RATE}]))`, "{{region}} {{direction}}"],
    ],
  });
  L.add({
    title: "Bitrate per node",
    unit: "bps",
    targets: [
      [
        `8 * sum by (region, node_id, direction) (rate(${s("livekit_packet_bytes")}[${RATE}]))`,
        "{{node_id}} {{direction}}",
      ],
    ],
  });
  L.add({
    title: "Packets per second",
    unit: "pps",
    targets: [
      [packetRateExpr(byDir), "{{region}} {{direction}}"],
      [
        `sum by (region, direction) (rate(${s("livekit_packet_total", ['transmission="retransmit"'])}[${RATE}]))`,
        "{{region}} {{direction}} retransmit",
      ],
    ],
  });
  L.add({
    title: "NACKs and PLIs per second",
    unit: "ops",
    targets: [
      [`sum by (region, direction) (rate(${s("livekit_nack_total")}[${RATE}]))`, "{{region}} NACK {{direction}}"],
      [`sum by (region, direction) (rate(${s("livekit_pli_total")}[${RATE}]))`, "{{region}} PLI {{direction}}"],
    ],
  });

  L.row("Media quality");
  L.add({
    title: "Packet loss (lost / expected packets)",
    unit: "percentunit",
    threshold: t.packetLossRatio,
    description:
      'What the LiveKitPacketLossHigh alert measures: rate(livekit_packet_loss_total) / rate(livekit_packet_total{transmission="initial"}).',
    targets: [[packetLossRatioExpr(byNode), "{{node_id}} {{direction}}"]],
  });
  L.add({
    title: "Jitter p95",
    unit: "ms",
    threshold: t.jitterMs,
    description: "livekit_jitter_us is in microseconds; shown in ms. What the LiveKitJitterHigh alert measures.",
    targets: [[jitterMsExpr(0.95, byNode), "{{node_id}} {{direction}}"]],
  });
  L.add({
    title: "Round-trip time",
    unit: "ms",
    targets: [
      [histogramQuantileExpr("livekit_rtt_ms", 0.5, byDir), "{{region}} {{direction}} p50"],
      [histogramQuantileExpr("livekit_rtt_ms", 0.95, byDir), "{{region}} {{direction}} p95"],
    ],
  });
  L.add({
    title: "NACKs per packet",
    unit: "percentunit",
    threshold: t.nackRatio,
    targets: [[nackRatioExpr(byNode), "{{node_id}} {{direction}}"]],
  });
  L.add({
    title: "Per-stream packet loss p95",
    unit: "percent",
    description:
      "95th percentile of the loss each track stream saw per stats interval (livekit_packet_loss_percent, 0-100).",
    targets: [[histogramQuantileExpr("livekit_packet_loss_percent", 0.95, byDir), "{{region}} {{direction}}"]],
  });
  L.add({
    title: "Connection quality score",
    unit: "none",
    description: "LiveKit's quality score, 1 (poor) to 4.5 (excellent).",
    targets: [
      [
        histogramQuantileExpr("livekit_quality_score", 0.5, { matchers: m, window: RATE, by: ["region"] }),
        "{{region}} p50",
      ],
      [
        histogramQuantileExpr("livekit_quality_score", 0.05, { matchers: m, window: RATE, by: ["region"] }),
        "{{region}} p5",
      ],
    ],
  });

  L.row("Sessions");
  L.add({
    title: "Join latency",
    unit: "ms",
    targets: [
      [
        histogramQuantileExpr("livekit_session_join_latency_ms", 0.5, { matchers: m, window: RATE, by: ["region"] }),
        "{{region}} p50",
      ],
      [
        histogramQuantileExpr("livekit_session_join_latency_ms", 0.95, { matchers: m, window: RATE, by: ["region"] }),
        "{{region}} p95",
      ],
    ],
  });
  L.add({
    title: "Join funnel",
    unit: "ops",
    description: "signal_connected -> rtc_init -> rtc_connected -> rtc_active; *_failed and rtc_failure are failures.",
    targets: [
      [`sum by (region, state) (rate(${s("livekit_participant_join_total")}[${RATE}]))`, "{{region}} {{state}}"],
    ],
  });
  L.add({
    title: "Message-bus (Redis) RPC errors",
    unit: "ops",
    description: "psrpc calls between LiveKit nodes and egress go through Redis; errors here often mean Redis trouble.",
    targets: [
      [
        `sum by (region, service, method, error_code) (rate(${s("livekit_psrpc_error_total")}[${RATE}]))`,
        "{{region}} {{service}}.{{method}} {{error_code}}",
      ],
    ],
  });

  return dashboard(
    "livekit-overview",
    "LiveKit overview",
    "Rooms, participants, tracks, bitrate, packet loss, jitter, RTT and join latency per LiveKit node and region.",
    [
      labelVariable("region", "Region", "livekit_room_total", "region"),
      labelVariable("node", "LiveKit node", 'livekit_room_total{region=~"$region"}', "node_id"),
    ],
    L,
  );
}

const NS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** "LiveKit platform": nodes, Karpenter, workloads, egress and TURN. */
export function renderPlatformDashboard(options: DashboardOptions = {}): GrafanaDashboard {
  const namespaces = options.workloadNamespaces ?? ["livekit"];
  for (const ns of namespaces) {
    invariant(NS_NAME.test(ns), "dashboards workloadNamespaces", "must be DNS-1123 labels", ns);
  }
  const nsRe = namespaces.join("|");
  const r = 'region=~"$region"';
  const sel = (metric: string, ...extra: string[]) => `${metric}{${[r, ...extra].join(",")}}`;
  // node-exporter series carry instance (node IP:port), not the node name: join node_uname_info for it.
  const uname = `on (region, instance) group_left (nodename) ${sel("node_uname_info", 'nodename=~"$node"')}`;
  const nic = 'device!~"lo|veth.+|eni.+|cali.+"';
  const L = new Layout();

  L.row("Nodes");
  L.add({
    kind: "stat",
    title: "Ready nodes",
    unit: "short",
    targets: [
      [`sum(${sel("kube_node_status_condition", 'condition="Ready"', 'status="true"', 'node=~"$node"')})`, "ready"],
    ],
  });
  L.add({
    kind: "stat",
    title: "Not ready nodes",
    unit: "short",
    threshold: 1,
    targets: [
      [
        `sum(${sel("kube_node_status_condition", 'condition="Ready"', 'status!="true"', 'node=~"$node"')})`,
        "not ready",
      ],
    ],
  });
  L.add({
    kind: "stat",
    title: "Nodes",
    unit: "short",
    targets: [[`count(${sel("kube_node_info", 'node=~"$node"')})`, "nodes"]],
  });
  L.add({
    kind: "stat",
    title: "UDP receive-buffer drops/s",
    unit: "pps",
    threshold: 1,
    targets: [[`sum(rate(${sel("node_netstat_Udp_RcvbufErrors")}[${RATE}]) * ${uname})`, "drops"]],
  });
  L.add({
    title: "Nodes by NodePool",
    unit: "short",
    targets: [
      [
        `label_replace(count by (region, nodepool) (${sel("karpenter_nodes_allocatable", 'resource_type="cpu"', 'node_name=~"$node"')}), "nodepool", "(managed node group)", "nodepool", "")`,
        "{{region}} {{nodepool}}",
      ],
    ],
  });
  L.add({
    title: "Node CPU busy",
    unit: "percentunit",
    targets: [
      [
        `1 - avg by (region, nodename) (rate(${sel("node_cpu_seconds_total", 'mode="idle"')}[${RATE}]) * ${uname})`,
        "{{nodename}}",
      ],
    ],
  });
  L.add({
    title: "Node network",
    unit: "bps",
    targets: [
      [
        `8 * sum by (region, nodename) (rate(${sel("node_network_receive_bytes_total", nic)}[${RATE}]) * ${uname})`,
        "{{nodename}} in",
      ],
      [
        `8 * sum by (region, nodename) (rate(${sel("node_network_transmit_bytes_total", nic)}[${RATE}]) * ${uname})`,
        "{{nodename}} out",
      ],
    ],
  });
  L.add({
    title: "UDP buffer drops",
    unit: "pps",
    description:
      "Datagrams the kernel dropped because a socket buffer was full: raise net.core.rmem_max/wmem_max on SFU nodes.",
    targets: [
      [
        `sum by (region, nodename) (rate(${sel("node_netstat_Udp_RcvbufErrors")}[${RATE}]) * ${uname})`,
        "{{nodename}} receive",
      ],
      [
        `sum by (region, nodename) (rate(${sel("node_netstat_Udp_SndbufErrors")}[${RATE}]) * ${uname})`,
        "{{nodename}} send",
      ],
    ],
  });

  L.row("Karpenter");
  L.add({
    title: "NodeClaims created / terminated",
    unit: "short",
    targets: [
      [
        `sum by (region, nodepool) (increase(${sel("karpenter_nodeclaims_created_total")}[${RATE}]))`,
        "{{region}} {{nodepool}} created",
      ],
      [
        `sum by (region, nodepool) (increase(${sel("karpenter_nodeclaims_terminated_total")}[${RATE}]))`,
        "{{region}} {{nodepool}} terminated",
      ],
    ],
  });
  L.add({
    title: "NodeClaims disrupted, by reason",
    unit: "short",
    description:
      "Interruptions appear with the EC2 event as reason (spot_interrupted, scheduled_change, instance_stopped, ...).",
    targets: [
      [
        `sum by (region, nodepool, reason) (increase(${sel("karpenter_nodeclaims_disrupted_total")}[${RATE}]))`,
        "{{region}} {{nodepool}} {{reason}}",
      ],
    ],
  });
  L.add({
    title: "Interruption queue messages",
    unit: "short",
    description: "Every EC2 event EventBridge sent to the queue, including other clusters' instances in the account.",
    targets: [
      [
        `sum by (region, message_type) (increase(${sel("karpenter_interruption_received_messages_total")}[${RATE}]))`,
        "{{region}} {{message_type}}",
      ],
    ],
  });
  L.add({
    title: "NodePool CPU used of limit",
    unit: "percentunit",
    threshold: 0.9,
    targets: [
      [
        `sum by (region, nodepool) (${sel("karpenter_nodepools_usage", 'resource_type="cpu"')}) / sum by (region, nodepool) (${sel("karpenter_nodepools_limit", 'resource_type="cpu"')})`,
        "{{region}} {{nodepool}}",
      ],
    ],
  });

  L.row("Workloads");
  const pods = [`namespace=~"${nsRe}"`];
  L.add({
    title: "HPA replicas",
    unit: "short",
    targets: [
      [
        `sum by (region, horizontalpodautoscaler) (${sel("kube_horizontalpodautoscaler_status_current_replicas", ...pods)})`,
        "{{region}} {{horizontalpodautoscaler}} current",
      ],
      [
        `sum by (region, horizontalpodautoscaler) (${sel("kube_horizontalpodautoscaler_spec_max_replicas", ...pods)})`,
        "{{region}} {{horizontalpodautoscaler}} max",
      ],
    ],
  });
  L.add({
    title: "CPU by pod",
    unit: "short",
    description: "CPU cores used (LiveKit runs without a CPU limit).",
    targets: [
      [
        `sum by (region, namespace, pod) (rate(${sel("container_cpu_usage_seconds_total", ...pods, 'container!=""', 'node=~"$node"')}[${RATE}]))`,
        "{{pod}}",
      ],
    ],
  });
  L.add({
    title: "Memory by pod",
    unit: "bytes",
    targets: [
      [
        `sum by (region, namespace, pod) (${sel("container_memory_working_set_bytes", ...pods, 'container!=""', 'node=~"$node"')})`,
        "{{pod}}",
      ],
    ],
  });

  L.row("Egress");
  L.add({
    kind: "stat",
    title: "Egress instances able to accept",
    unit: "short",
    targets: [[`sum(${sel("livekit_egress_can_accept_request")})`, "can accept"]],
  });
  L.add({
    kind: "stat",
    title: "Idle egress instances",
    unit: "short",
    targets: [[`sum(${sel("livekit_egress_available")})`, "idle"]],
  });
  L.add({
    kind: "stat",
    title: "Active egress requests",
    unit: "short",
    targets: [[`sum(${sel("livekit_egress_requests")})`, "active"]],
  });
  L.add({
    title: "Active egress by type",
    unit: "short",
    targets: [[`sum by (region, type) (${sel("livekit_egress_requests")})`, "{{region}} {{type}}"]],
  });
  L.add({
    title: "Egress CPU load",
    unit: "percentunit",
    targets: [[`max by (region, node_id) (${sel("livekit_node_cpu_load", 'node_type="EGRESS"')})`, "{{node_id}}"]],
  });

  L.row("TURN (Coturn)");
  L.add({
    title: "TURN allocations",
    unit: "short",
    targets: [[`sum by (region, pod, type) (${sel("turn_total_allocations")})`, "{{pod}} {{type}}"]],
  });
  L.add({
    title: "401 challenges per second",
    unit: "ops",
    description:
      "Every allocation starts with one 401 challenge; many challenges and no allocations mean failing allocations.",
    targets: [[`sum by (region, pod) (rate(${sel("turn_unauthenticated_401_responses")}[${RATE}]))`, "{{pod}}"]],
  });
  L.add({
    title: "TURN relayed traffic (finished sessions)",
    unit: "bps",
    width: 24,
    description:
      "Coturn adds a session's bytes to these counters only when the session ends, so long calls show up late.",
    targets: [
      [`8 * sum by (region) (rate(${sel("turn_total_traffic_rcvb")}[${RATE}]))`, "{{region}} from clients"],
      [`8 * sum by (region) (rate(${sel("turn_total_traffic_sentb")}[${RATE}]))`, "{{region}} to clients"],
      [`8 * sum by (region) (rate(${sel("turn_total_traffic_peer_rcvb")}[${RATE}]))`, "{{region}} from peers"],
      [`8 * sum by (region) (rate(${sel("turn_total_traffic_peer_sentb")}[${RATE}]))`, "{{region}} to peers"],
    ],
  });

  return dashboard(
    "livekit-platform",
    "LiveKit platform",
    "Nodes, Karpenter NodeClaims and interruptions, workloads, egress capacity and TURN allocations.",
    [
      labelVariable("region", "Region", "kube_node_info", "region"),
      labelVariable("node", "Node", 'kube_node_info{region=~"$region"}', "node"),
    ],
    L,
  );
}

/** Both dashboards by ConfigMap key (file name). */
export function renderDashboards(options: DashboardOptions = {}): Record<string, GrafanaDashboard> {
  return {
    "livekit-overview.json": renderLivekitOverviewDashboard(),
    "livekit-platform.json": renderPlatformDashboard(options),
  };
}

/**
 * Every PromQL expression a dashboard runs, in panel order: each target's `expr`, plus the series
 * selector inside each `label_values(<selector>, <label>)` variable query. Grafana variables are left in.
 */
export function dashboardQueries(d: GrafanaDashboard): string[] {
  const out: string[] = [];
  for (const v of d.templating.list) {
    if (v.type !== "query") continue;
    const m = /^label_values\((.*),\s*\w+\)$/.exec(v.query);
    invariant(m, `dashboard ${d.uid} variable ${v.name}`, "must query label_values(selector, label)", v.query);
    out.push(m[1]);
  }
  const walk = (panels: Panel[]) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) out.push(t.expr);
      if (p.panels) walk(p.panels);
    }
  };
  walk(d.panels);
  return out;
}

/** Replace Grafana's variables with plain values so a dashboard query can be parsed by Prometheus tools. */
export function expandGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$\{__rate_interval\}/g, "5m")
    .replace(/\$__interval|\$\{__interval\}/g, "1m")
    .replace(/\$__range|\$\{__range\}/g, "1h")
    .replace(/\$\{?\w+\}?/g, ".*");
}
