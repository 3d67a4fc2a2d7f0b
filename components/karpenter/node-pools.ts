/**
 * The NodePools and EC2NodeClasses Karpenter provisions from, as pure, typed specs.
 */
import type { EC2NodeClassSpec, NodePoolSpec, NodeRequirement } from "../shared/karpenter-specs";
import { nodeRoles, NodeRole } from "../shared/node-roles";
import { KARPENTER_DISCOVERY_TAG, SUBNET_TIER_TAG } from "../shared/subnet-tags";

/** Share of the SFU and egress nodes Karpenter may disrupt at once (drift, emptiness), in percent. */
export const MEDIA_DISRUPTION_BUDGET_PERCENT = 10;

/**
 * The most nodes of a pool of `nodes` that drift replaces at once under that budget. Karpenter counts the
 * replacements it launched in the pool's size (kubernetes-sigs/karpenter v1.14.1
 * pkg/controllers/disruption/helpers.go:266-301) and rounds the percentage up (pkg/apis/v1/nodepool.go:382-403):
 * the largest k with k <= ceil(percent x (nodes + k)). Each has a replacement running beside it meanwhile.
 */
export function nodesReplacedAtOnce(nodes: number, percent = MEDIA_DISRUPTION_BUDGET_PERCENT): number {
  let k = 0;
  while (k < nodes && k + 1 <= Math.ceil(((nodes + k + 1) * percent) / 100)) k++;
  return k;
}

/** The NodePool whose nodes carry the LiveKit SFU (Karpenter tags them karpenter.sh/nodepool=sfu). */
export const SFU_NODE_POOL = "sfu";

/**
 * How long a `general` node may drain before Karpenter forces it off. None of the project's workloads runs there
 * (each selects its own node role; the system charts select `system`): it takes pods added without a nodeSelector,
 * stateless overflow with Kubernetes' default 30 s grace. A PodDisruptionBudget holds such a pod only until its
 * replacement is ready elsewhere, minutes; a PDB that still blocks after an hour never lets go (minAvailable equal
 * to the replicas), and without this limit it would hold the node, and drift, for ever: Karpenter drifts a node
 * with blocking pods only when its NodeClaim has a terminationGracePeriod (kubernetes-sigs/karpenter v1.14.1
 * pkg/controllers/disruption/types.go:188-197) and otherwise waits on the eviction for ever.
 */
export const GENERAL_TERMINATION_GRACE_SECONDS = 3600;

/** Margin between the slowest pod's drain and Karpenter's forced termination of the node. */
const DRAIN_MARGIN_SECONDS = 15 * 60;

/**
 * No node of these pools expires. In Karpenter v1 expiry is forceful: an expired NodeClaim is deleted at once,
 * whatever the pool's disruption budget (kubernetes-sigs/karpenter v1.14.1
 * pkg/controllers/nodeclaim/expiration/controller.go:71-83; website/content/en/docs/concepts/disruption.md:168-179
 * at aws/karpenter-provider-aws v1.14.1). Nodes launched together (a region's first `up` launches the whole SFU
 * floor in a minute) would expire together, and every LiveKit pod on them would be deleted 15 minutes later.
 * Nodes are replaced by drift instead (a new AMI alias, Kubernetes version or requirement), one budget at a time;
 * bumping the AMI alias in lib/versions.ts is how a node's age is bounded (docs/karpenter.md, "Node age").
 */
export const NODE_EXPIRY = "Never";

export interface KarpenterCpuLimits {
  /** vCPUs of all SFU nodes (Karpenter launches every one). */
  sfu: number;
  /** vCPUs for recording (LiveKit Egress) nodes. */
  egress: number;
  /** vCPUs for anything that does not fit on system nodes. */
  general: number;
}

/** A Go duration Karpenter accepts (`^([0-9]+(s|m|h))+$`), e.g. 18900 -> "5h15m". */
export function karpenterDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const text = `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s ? `${s}s` : ""}`;
  return text || "0s";
}

/** The subnet tier a node is in: it decides whether the node has a public IP. */
export type SubnetTier = "public" | "private";

/**
 * The node classes: `public` for SFU and TURN nodes (public IP, the SFU security group that admits WebRTC and
 * TURN from the internet, the SFU user data); `outbound` for nodes that need a public IP only to reach the SFU
 * without the NAT gateway (recorders, load testers: no inbound rule from the internet); `private` for the rest.
 */
export type NodeClassName = "public" | "outbound" | "private";

export const NODE_CLASS_NAMES: readonly NodeClassName[] = ["public", "outbound", "private"];

/** The subnet tier of a node class. */
export const subnetTierOf = (name: NodeClassName): SubnetTier => (name === "private" ? "private" : "public");

/** The values an EC2NodeClass takes from other resources: plain strings here, Outputs in the component. */
export interface NodeClassRefs<S> {
  role: S;
  clusterName: S;
  /** The cluster security group, on every node. */
  securityGroupId: S;
  /** The SFU nodes' own group (WebRTC and TURN from the internet), on public-tier nodes only. */
  sfuSecurityGroupId: S;
}

export type NodeClassSpec<S> = Omit<EC2NodeClassSpec, "role" | "subnetSelectorTerms" | "securityGroupSelectorTerms"> & {
  role: S;
  subnetSelectorTerms: { tags: Record<string, S | string> }[];
  securityGroupSelectorTerms: { id: S }[];
};

/**
 * An EC2NodeClass. Public and outbound nodes get a public IP whatever the subnet's default; only the public
 * class (SFU and TURN) gets the SFU security group and user data.
 */
export function nodeClassSpec<S>(
  name: NodeClassName,
  refs: NodeClassRefs<S>,
  amiAlias: string,
  sfuUserData: string,
): NodeClassSpec<S> {
  const tier = subnetTierOf(name);
  const extra: Partial<Pick<EC2NodeClassSpec, "associatePublicIPAddress" | "userData">> =
    name === "public"
      ? { associatePublicIPAddress: true, userData: sfuUserData }
      : name === "outbound"
        ? { associatePublicIPAddress: true }
        : {};
  return {
    role: refs.role,
    amiSelectorTerms: [{ alias: amiAlias }],
    subnetSelectorTerms: [{ tags: { [KARPENTER_DISCOVERY_TAG]: refs.clusterName, [SUBNET_TIER_TAG]: tier } }],
    securityGroupSelectorTerms:
      name === "public"
        ? [{ id: refs.securityGroupId }, { id: refs.sfuSecurityGroupId }]
        : [{ id: refs.securityGroupId }],
    // IMDSv2 only; hop limit 1 keeps pods off the node's credentials (they use Pod Identity).
    metadataOptions: {
      httpEndpoint: "enabled",
      httpProtocolIPv6: "disabled",
      httpPutResponseHopLimit: 1,
      httpTokens: "required",
    },
    blockDeviceMappings: [
      {
        deviceName: "/dev/xvda",
        ebs: { volumeSize: "40Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true },
      },
    ],
    ...extra,
  };
}

export interface NodePoolSettings {
  /** vCPU limits per pool. */
  cpuLimits: KarpenterCpuLimits;
  /** The longest pod drain on SFU nodes, in seconds. */
  drainSeconds: number;
  /** The longest pod drain on egress nodes (the egress pods' grace period), in seconds; drainSeconds if unset. */
  egressDrainSeconds?: number;
  /** The one instance type of SFU nodes: the capacity model sized the region for it. */
  sfuInstanceType: string;
  /** The one instance type of egress nodes: the capacity model's egress node (recordings per node, cost). */
  egressInstanceType: string;
}

/** The NodePools Karpenter provisions from: node class and spec, keyed by pool (node role) name. */
export function nodePoolSpecs(
  settings: NodePoolSettings,
): Record<Exclude<NodeRole, "system">, { nodeClass: NodeClassName; spec: NodePoolSpec }> {
  const grace = karpenterDuration(settings.drainSeconds + DRAIN_MARGIN_SECONDS);
  const onDemand: NodeRequirement = { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] };
  const pool = (
    role: Exclude<NodeRole, "system">,
    nodeClass: NodeClassName,
    spec: {
      requirements: NodeRequirement[];
      terminationGracePeriod?: string;
      disruption: NodePoolSpec["disruption"];
      cpuLimit: number;
    },
  ) => ({
    nodeClass,
    spec: {
      template: {
        metadata: { labels: nodeRoles[role].labels },
        spec: {
          nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: nodeClass },
          taints: nodeRoles[role].taints,
          requirements: [...spec.requirements, ...LINUX_AMD64],
          expireAfter: NODE_EXPIRY,
          ...(spec.terminationGracePeriod ? { terminationGracePeriod: spec.terminationGracePeriod } : {}),
        },
      },
      disruption: spec.disruption,
      limits: { cpu: String(spec.cpuLimit) },
    },
  });
  return {
    [SFU_NODE_POOL]: pool(SFU_NODE_POOL, "public", {
      // Long-lived WebRTC sessions: no spot (2-minute notice), and only empty nodes are consolidated. Every SFU
      // node is of the type the capacity model sized the region for (one LiveKit pod per node).
      requirements: [
        onDemand,
        { key: "node.kubernetes.io/instance-type", operator: "In", values: [settings.sfuInstanceType] },
      ],
      terminationGracePeriod: grace,
      disruption: {
        consolidationPolicy: "WhenEmpty",
        consolidateAfter: "10m",
        budgets: [{ nodes: `${MEDIA_DISRUPTION_BUDGET_PERCENT}%` }],
      },
      cpuLimit: settings.cpuLimits.sfu,
    }),
    // Public subnets: recorders fetch SFU media from the SFU's public address (the only one it advertises),
    // so from a public IP it goes out the internet gateway, not through the NAT gateway. Nothing on an egress
    // node listens for the internet (egress pods are not on the host network).
    egress: pool("egress", "outbound", {
      // Recordings run for as long as the maximum recording length: on-demand, and Karpenter waits for the
      // egress pods' grace period before forcing a node off. Only the model's node type: a larger one would put
      // more recordings on one node (all lost with it) and cost what the model did not count.
      requirements: [
        onDemand,
        { key: "node.kubernetes.io/instance-type", operator: "In", values: [settings.egressInstanceType] },
      ],
      terminationGracePeriod: karpenterDuration(
        (settings.egressDrainSeconds ?? settings.drainSeconds) + DRAIN_MARGIN_SECONDS,
      ),
      disruption: {
        consolidationPolicy: "WhenEmpty",
        consolidateAfter: "10m",
        budgets: [{ nodes: `${MEDIA_DISRUPTION_BUDGET_PERCENT}%` }],
      },
      cpuLimit: settings.cpuLimits.egress,
    }),
    general: pool("general", "private", {
      // Stateless overflow: spot is fine, and Karpenter may repack it. It does not expire either: its nodes churn
      // through consolidation and spot anyway, and a forced expiry of a burst launched together would drain them
      // all at once, past the default budget (10%). Its drain is bounded (GENERAL_TERMINATION_GRACE_SECONDS) so that a
      // blocking PDB cannot stop drift.
      requirements: [
        { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
        { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] },
        { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
      ],
      terminationGracePeriod: karpenterDuration(GENERAL_TERMINATION_GRACE_SECONDS),
      disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m" },
      cpuLimit: settings.cpuLimits.general,
    }),
  };
}

const LINUX_AMD64: NodeRequirement[] = [
  { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
  { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
];
