/**
 * The kinds of node a region runs, and the label and taint that keep each workload on its own kind.
 * The managed node groups, the Karpenter NodePools and the workloads' selectors and tolerations all
 * read these, so a node Karpenter adds in a burst looks exactly like one from the node group.
 */
export const NODE_ROLE_LABEL = "livekit-platform/node-role";

export type NodeRole = "system" | "sfu" | "egress" | "general";

export interface NodeTaint {
  key: string;
  value: string;
  /** Kubernetes spelling; EKS managed node groups spell it NO_SCHEDULE. */
  effect: "NoSchedule";
}

export interface NodeRoleSpec {
  labels: Record<string, string>;
  taints: NodeTaint[];
}

const tainted = (role: NodeRole): NodeRoleSpec => ({
  labels: { [NODE_ROLE_LABEL]: role },
  taints: [{ key: `livekit-platform/${role}`, value: "true", effect: "NoSchedule" }],
});

export const nodeRoles: Record<NodeRole, NodeRoleSpec> = {
  /** Cluster add-ons, Karpenter, the load balancer controller, monitoring. Private subnets. */
  system: { labels: { [NODE_ROLE_LABEL]: "system" }, taints: [] },
  /** LiveKit SFU and Coturn only, on the host network with public IPs. Public subnets. */
  sfu: tainted("sfu"),
  /** LiveKit Egress recorders: CPU-heavy, long jobs. Public subnets, public IPs, nothing admitted from outside. */
  egress: tainted("egress"),
  /** Anything else that does not fit on system nodes. Private subnets. */
  general: { labels: { [NODE_ROLE_LABEL]: "general" }, taints: [] },
};

/** nodeSelector + tolerations that put a pod on nodes of `role`. */
export function placeOn(role: NodeRole) {
  const spec = nodeRoles[role];
  return {
    nodeSelector: { ...spec.labels },
    tolerations: spec.taints.map((t) => ({ key: t.key, operator: "Equal", value: t.value, effect: t.effect })),
  };
}
