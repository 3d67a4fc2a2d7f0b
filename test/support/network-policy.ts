/**
 * Decides whether a connection is allowed under a set of NetworkPolicy objects, by the rules of the Kubernetes
 * API (k8s.io/api networking/v1 types.go at v0.35, and the concepts page "Network Policies"):
 * - A pod is isolated for a direction when a policy of its namespace selects it (spec.podSelector) and lists
 *   that direction in policyTypes (default: Ingress, plus Egress when the policy has egress rules). An
 *   isolated pod gets only what some selecting policy's rule allows; the allowances of policies add up.
 * - A rule matches when any of its peers matches (no `to`/`from`: every peer) and any of its ports matches (no
 *   ports: every port). A port without a protocol is TCP; `endPort` makes a range.
 * - Peers: ipBlock (the address is in `cidr` and in no `except`), podSelector alone (pods of the policy's
 *   namespace), namespaceSelector alone (every pod of the selected namespaces), both (the selected pods of the
 *   selected namespaces). An empty selector selects everything.
 * - A connection needs the source's egress and the destination's ingress. Host-network pods are never selected
 *   (the VPC CNI agent skips them), and a pod's traffic with its own node is always allowed.
 * Where Kubernetes leaves it to the implementation, this follows the VPC CNI's policy controller
 * (aws/amazon-network-policy-controller-k8s pkg/resolvers/endpoints.go): a podSelector peer matches the pods it
 * selects by their address (a host-network pod's being its node's), and a Service's ClusterIP is allowed when a
 * peer selects its pods (describe such a destination with `pod` set to a pod behind the Service).
 * Named ports are not resolved (the policies under test use numbers); one throws.
 */

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[];
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface Port {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}
export interface NetworkPolicyObject {
  metadata: { name: string; namespace: string };
  spec: {
    podSelector: LabelSelector;
    policyTypes?: string[];
    ingress?: { from?: Peer[]; ports?: Port[] }[];
    egress?: { to?: Peer[]; ports?: Port[] }[];
  };
}

export interface Endpoint {
  namespace: string;
  labels: Record<string, string>;
  hostNetwork?: boolean;
  /** The node the pod runs on: its traffic to that node's own address is always allowed. */
  node?: string;
}

export interface World {
  policies: NetworkPolicyObject[];
  /** Every namespace's labels (kubernetes.io/metadata.name is added). */
  namespaces: Record<string, Record<string, string>>;
}

export interface Connection {
  /** Source pod. */
  from: Endpoint & { ip: string };
  /**
   * Destination address and port; `pod` when the address is a pod's (or a ClusterIP in front of it), `node` when
   * it is a node's own address.
   */
  to: { ip: string; port: number; protocol?: "TCP" | "UDP"; pod?: Endpoint; node?: string };
}

function ipv4(address: string): number {
  const parts = address.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new Error(`not an IPv4 address: ${address}`);
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function inCidr(address: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const prefix = Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return (ipv4(address) & mask) >>> 0 === (ipv4(base) & mask) >>> 0;
}

export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const ok =
      e.operator === "In"
        ? has && (e.values ?? []).includes(labels[e.key])
        : e.operator === "NotIn"
          ? !has || !(e.values ?? []).includes(labels[e.key])
          : e.operator === "Exists"
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}

function policyTypes(policy: NetworkPolicyObject): string[] {
  if (policy.spec.policyTypes) return policy.spec.policyTypes;
  return policy.spec.egress ? ["Ingress", "Egress"] : ["Ingress"];
}

function namespaceLabels(world: World, name: string): Record<string, string> {
  return { ...(world.namespaces[name] ?? {}), "kubernetes.io/metadata.name": name };
}

function peerMatches(
  world: World,
  policy: NetworkPolicyObject,
  peer: Peer,
  other: { ip: string; pod?: Endpoint },
): boolean {
  if (peer.ipBlock) {
    return (
      inCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((except) => inCidr(other.ip, except))
    );
  }
  if (!other.pod) return false;
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, namespaceLabels(world, other.pod.namespace))
    : other.pod.namespace === policy.metadata.namespace;
  return namespaceOk && selects(peer.podSelector ?? {}, other.pod.labels);
}

function portMatches(ports: Port[] | undefined, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === "string") throw new Error(`named port ${p.port}: give the evaluator numbers`);
    return p.endPort === undefined ? p.port === port : port >= p.port && port <= p.endPort;
  });
}

/** Whether `pod`'s policies let it send to (`Egress`) or receive from (`Ingress`) `other` on `port`. */
function directionAllows(
  world: World,
  pod: Endpoint,
  direction: "Ingress" | "Egress",
  other: { ip: string; pod?: Endpoint },
  port: number,
  protocol: string,
): boolean {
  if (pod.hostNetwork) return true;
  const selecting = world.policies.filter(
    (p) =>
      p.metadata.namespace === pod.namespace &&
      selects(p.spec.podSelector, pod.labels) &&
      policyTypes(p).includes(direction),
  );
  if (selecting.length === 0) return true;
  return selecting.some((policy) => {
    const rules =
      direction === "Egress"
        ? (policy.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }))
        : (policy.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports }));
    return rules.some(
      (rule) =>
        portMatches(rule.ports, port, protocol) &&
        (rule.peers === undefined ||
          rule.peers.length === 0 ||
          rule.peers.some((peer) => peerMatches(world, policy, peer, other))),
    );
  });
}

/** Whether the connection is allowed: the source's egress and, when the destination is a pod, its ingress. */
export function allowed(world: World, connection: Connection): boolean {
  const { from, to } = connection;
  const protocol = to.protocol ?? "TCP";
  if (from.node !== undefined && to.node === from.node) return true;
  const egress = directionAllows(world, from, "Egress", { ip: to.ip, pod: to.pod }, to.port, protocol);
  const ingress =
    to.pod === undefined || directionAllows(world, to.pod, "Ingress", { ip: from.ip, pod: from }, to.port, protocol);
  return egress && ingress;
}

/**
 * Addresses the evaluations use. The VPC's are in mumbai's 10.20.0.0/16 (Pulumi.mumbai.yaml); ClusterIPs in the
 * cluster's service range (172.20.0.0/16 for a VPC in 10.0.0.0/8, `otherRange` in the other default, 10.100.0.0/16).
 */
export const ADDRESSES = {
  VPC: { sfuNode: "10.20.128.5", egressNode: "10.20.129.7", redis: "10.20.2.50", otherNode: "10.20.3.3" },
  PUBLIC: { sfu: "13.234.10.20", turn: "13.234.77.7", web: "1.1.1.1", sns: "52.95.1.1", s3: "52.219.64.1" },
  LINK_LOCAL: { metadata: "169.254.169.254", podIdentity: "169.254.170.23" },
  CLUSTER_IP: {
    kubernetes: "172.20.0.1",
    otherRange: "10.100.0.1",
    dns: "172.20.0.10",
    livekit: "172.20.40.1",
    karpenter: "172.20.50.1",
  },
} as const;

/** One expected verdict: what the destination is, the connection's destination, and whether it is allowed. */
export type VerdictRow = [string, Connection["to"], boolean];

/** Each row's verdict as `<what>: allowed|denied`, actual and expected, for one readable comparison. */
export function verdictTable(world: World, from: Endpoint & { ip: string }, rows: VerdictRow[]) {
  return {
    actual: rows.map(([what, to]) => `${what}: ${allowed(world, { from, to }) ? "allowed" : "denied"}`),
    expected: rows.map(([what, , ok]) => `${what}: ${ok ? "allowed" : "denied"}`),
  };
}
