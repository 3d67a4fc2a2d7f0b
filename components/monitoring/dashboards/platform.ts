/**
 * "LiveKit platform": nodes, Karpenter, workloads, egress and TURN.
 */
import { invariant } from "../../shared/invariant";
import { dashboard, GrafanaDashboard, labelVariable, Layout, RATE } from "./layout";

export interface DashboardOptions {
  /**
   * Namespaces of the LiveKit SFU, egress and Coturn pods, for the per-pod CPU/memory and HPA panels. Default
   * ["livekit", "livekit-egress"] (the media plane's and the recorders').
   */
  workloadNamespaces?: string[];
}

const NS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function renderPlatformDashboard(options: DashboardOptions = {}): GrafanaDashboard {
  const namespaces = options.workloadNamespaces ?? ["livekit", "livekit-egress"];
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
