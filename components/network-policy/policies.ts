/**
 * The region's NetworkPolicies, as pure, typed builders: every pod of the platform's namespaces that is not on
 * the host network gets only the traffic it uses. The VPC CNI's network policy agent enforces them (the vpc-cni
 * add-on's `enableNetworkPolicy`, components/cluster); it does not apply policies to host-network pods
 * (aws/amazon-vpc-cni-k8s v1.21.1 docs/network-policy-faq.md), so LiveKit and Coturn keep their security groups
 * as their boundary.
 *
 * How the agent sees traffic shapes the rules (aws/amazon-network-policy-controller-k8s
 * pkg/resolvers/endpoints.go, computeEgressEndpoints and getMatchingServiceClusterIPs):
 * - Its eBPF programs sit on the pod's interface, before kube-proxy translates a Service's ClusterIP: a pod
 *   reaches a Service only through an egress peer whose podSelector matches the Service's selector (the
 *   controller then adds the ClusterIP), or through an ipBlock holding the ClusterIP. The API server's
 *   `kubernetes` Service has no selector, so it is allowed by address.
 * - A podSelector peer resolves to its pods' addresses, a host-network pod's being its node's: that is how
 *   recorders reach LiveKit's signalling port on the SFU nodes without opening the VPC.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { Input } from "@pulumi/pulumi";

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Port = k8s.types.input.networking.v1.NetworkPolicyPort;

/** A NetworkPolicy to create: its name, namespace and spec. */
export interface NetworkPolicyDocument {
  name: string;
  namespace: string;
  spec: NetworkPolicySpec;
}

/** The EKS Pod Identity agent on every node (EKS user guide, service-accounts.adoc: 169.254.170.23, port 80). */
export const POD_IDENTITY_AGENT = { cidr: "169.254.170.23/32", port: 80 } as const;
/**
 * The `kubernetes` Service's ClusterIP, the first address of the service range: EKS takes the range from
 * 10.100.0.0/16 or 172.20.0.0/16 when the cluster names none (EKS user guide, clusters/create-cluster.adoc), and
 * the cluster component names none.
 */
export const KUBERNETES_SERVICE_IPS = ["10.100.0.1/32", "172.20.0.1/32"] as const;
/** Addresses that are never the internet: private and shared ranges, link-local (instance metadata among them). */
export const NOT_INTERNET = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"];

/** Cluster DNS: CoreDNS's pods (the EKS add-on's label, also the kube-dns Service's selector). */
const CLUSTER_DNS: Peer = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
  podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
};
const DNS_PORTS: Port[] = [
  { protocol: "UDP", port: 53 },
  { protocol: "TCP", port: 53 },
];
const tcp = (...ports: number[]): Port[] => ports.map((port) => ({ protocol: "TCP", port }));
const inNamespace = (name: string): Peer["namespaceSelector"] => ({
  matchLabels: { "kubernetes.io/metadata.name": name },
});

export interface PlatformNetworkInput {
  /** The VPC's range: the nodes and the API server's interfaces are in it. */
  vpcCidr: Input<string>;
  /** Namespace of the media plane: the SFU and Coturn (host network). */
  workloadNamespace: string;
  /** Namespace of the load test's Job. */
  loadTestNamespace: string;
  monitoringNamespace: string;
  /** Namespace of KEDA, whose operator queries Prometheus for the recorders' autoscaler. */
  kedaNamespace: string;
  livekit: { podLabels: Record<string, string>; httpPort: number; metricsPort: number };
  coturn: { metricsPort: number };
  /** The recorders and their deletion-cost updater; absent where nothing records (a global rooms member). */
  egress?: {
    /** Their own namespace. */
    namespace: string;
    /**
     * Where recorders ran before `namespace`, while pods started there may still be recording: their policy stays
     * there too, or the namespace's default deny would cut their recordings off.
     */
    formerNamespace?: string;
    podLabels: Record<string, string>;
    metricsPort: number;
    updaterPodLabels: Record<string, string>;
  };
  /** Where a recorder's WebRTC media goes: the SFU's public addresses and the TURN load balancer. */
  media: {
    /** livekit-server's ICE/UDP range (`rtc.port_range_start`/`end`) and ICE/TCP port (`rtc.tcp_port`). */
    rtcUdpPorts: { start: number; end: number };
    rtcTcpPort: number;
    /** The TURN servers livekit-server hands out (`rtc.turn_servers`): TURN over UDP and over TLS. */
    turnUdpPort: number;
    turnTlsPort: number;
  };
  /** Redis: its port, and the ranges of the private subnets its nodes are in. */
  redis: { port: number; subnetCidrs: Input<string>[] };
  /** FIS pod drills run in the media plane's namespace (components/chaos). */
  chaosDrills?: boolean;
}

/** The internet: everything but the VPC and the ranges that are never public. */
function internet(vpcCidr: Input<string>): Peer {
  return { ipBlock: { cidr: "0.0.0.0/0", except: [vpcCidr, ...NOT_INTERNET] } };
}

/** The API server: the `kubernetes` Service's address, and its network interfaces in the VPC. */
function apiServer(vpcCidr: Input<string>): { to: Peer[]; ports: Port[] } {
  return {
    to: [...KUBERNETES_SERVICE_IPS.map((cidr) => ({ ipBlock: { cidr } })), { ipBlock: { cidr: vpcCidr } }],
    ports: tcp(443),
  };
}

/** Deny by default, and cluster DNS for every pod of the namespace. */
function namespaceBaseline(namespace: string): NetworkPolicyDocument[] {
  return [
    { name: "default-deny", namespace, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    {
      name: "cluster-dns",
      namespace,
      spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [CLUSTER_DNS], ports: DNS_PORTS }] },
    },
  ];
}

/** Ports of the web: pages a web recording names (HTTPS, and HTTP for what redirects), and S3's uploads. */
const WEB_PORTS = tcp(443, 80);
/** RTMP's port: egress streams to `rtmp://` URLs (RTMPS uses 443). SRT and other ports are not let out. */
const RTMP_PORT = 1935;

/**
 * Recorders render web pages (Chrome without its own sandbox), so what they may reach is what recording needs:
 * cluster DNS, LiveKit's signalling port on the SFU pods, Redis's port in its subnets, the Pod Identity agent (S3
 * credentials), and on the internet only the ports recording uses: the web's (pages, S3 uploads, RTMPS), RTMP's
 * (stream outputs) and WebRTC's
 * (egress joins a room as a participant: ICE to the SFU's public addresses over its UDP range and TCP port, and
 * the TURN servers livekit-server hands out). Never instance metadata, nor anything else in the VPC. Every rule
 * names its ports: the VPC CNI's agent merges rules on one address range, and a rule without ports beside ported
 * ones on 0.0.0.0/0 is where it has let through what it should not (aws/aws-network-policy-agent#180).
 * Prometheus scrapes them; the API server's pod proxy reads their metrics for the deletion-cost updater.
 */
function recorderPolicy(
  input: PlatformNetworkInput,
  egress: NonNullable<PlatformNetworkInput["egress"]>,
  namespace: string,
): NetworkPolicyDocument {
  const { media } = input;
  return {
    name: "recorders",
    namespace,
    spec: {
      podSelector: { matchLabels: egress.podLabels },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: inNamespace(input.monitoringNamespace),
              podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
            },
            // The API server's pod proxy, from its interfaces in the VPC.
            { ipBlock: { cidr: input.vpcCidr } },
          ],
          ports: tcp(egress.metricsPort),
        },
      ],
      egress: [
        {
          to: [
            {
              namespaceSelector: inNamespace(input.workloadNamespace),
              podSelector: { matchLabels: input.livekit.podLabels },
            },
          ],
          ports: tcp(input.livekit.httpPort),
        },
        { to: input.redis.subnetCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(input.redis.port) },
        { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: tcp(POD_IDENTITY_AGENT.port) },
        {
          to: [internet(input.vpcCidr)],
          ports: [...WEB_PORTS, ...tcp(RTMP_PORT), ...webrtcPorts(media)],
        },
      ],
    },
  };
}

/** The recorders' policy in their namespace (and the one they leave), and their deletion-cost updater's. */
function recorders(input: PlatformNetworkInput, egress: NonNullable<PlatformNetworkInput["egress"]>) {
  const updater: NetworkPolicyDocument = {
    name: "recorders-deletion-cost",
    namespace: egress.namespace,
    spec: {
      podSelector: { matchLabels: egress.updaterPodLabels },
      policyTypes: ["Egress"],
      egress: [apiServer(input.vpcCidr)],
    },
  };
  const namespaces = [egress.namespace, ...(egress.formerNamespace !== undefined ? [egress.formerNamespace] : [])];
  return [...namespaces.map((namespace) => recorderPolicy(input, egress, namespace)), updater];
}

/**
 * Load tests (the `lk` Job, and k6's when an operator runs it: k6/job.yaml) reach the region as users do: the
 * public signalling URL, the SFU and TURN public addresses. Every pod of their namespace is one.
 */
function loadTest(input: PlatformNetworkInput): NetworkPolicyDocument {
  return {
    name: "load-test",
    namespace: input.loadTestNamespace,
    spec: {
      podSelector: {},
      policyTypes: ["Egress"],
      // Signalling over HTTPS, then WebRTC; every rule names its ports (aws/aws-network-policy-agent#180).
      egress: [{ to: [internet(input.vpcCidr)], ports: [...tcp(443), ...webrtcPorts(input.media)] }],
    },
  };
}

/** WebRTC towards the region's public addresses: ICE to the SFU over its UDP range and TCP port, and TURN. */
function webrtcPorts(media: PlatformNetworkInput["media"]): Port[] {
  return [
    { protocol: "UDP", port: media.rtcUdpPorts.start, endPort: media.rtcUdpPorts.end },
    ...tcp(media.rtcTcpPort),
    { protocol: "UDP", port: media.turnUdpPort },
    ...tcp(media.turnTlsPort),
  ];
}

/**
 * kube-prometheus-stack 88.5.3 (pod labels: the operator's `app: kube-prometheus-stack-operator`,
 * templates/prometheus-operator/_prometheus-operator.tpl; the webhook on `prometheusOperator.tls.internalPort`
 * 10250, values.yaml; the operator labels Prometheus and Alertmanager pods `app.kubernetes.io/name`): its pods talk among themselves (Prometheus, Alertmanager and its mesh, Grafana,
 * kube-state-metrics, the operator) and to the API server; Prometheus scrapes the nodes and the media plane and
 * answers KEDA; Alertmanager delivers to SNS (with Pod Identity credentials) and webhooks over HTTPS; the API
 * server calls the operator's admission webhook.
 */
function monitoring(input: PlatformNetworkInput): NetworkPolicyDocument[] {
  const namespace = input.monitoringNamespace;
  const prometheus = { matchLabels: { "app.kubernetes.io/name": "prometheus" } };
  const scrapePorts = tcp(
    10250, // kubelet and cAdvisor
    9100, // node-exporter (host network)
    9153, // CoreDNS
    input.livekit.metricsPort, // LiveKit (host network)
    input.coturn.metricsPort, // Coturn (host network)
  );
  return [
    {
      name: "within-namespace",
      namespace,
      spec: {
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }, apiServer(input.vpcCidr)],
      },
    },
    {
      name: "prometheus",
      namespace,
      spec: {
        podSelector: prometheus,
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ namespaceSelector: inNamespace(input.kedaNamespace) }], ports: tcp(9090) }],
        egress: [
          { to: [{ ipBlock: { cidr: input.vpcCidr } }], ports: scrapePorts },
          ...(input.egress
            ? [
                {
                  to: [
                    {
                      namespaceSelector: inNamespace(input.egress.namespace),
                      podSelector: { matchLabels: input.egress.podLabels },
                    },
                  ],
                  ports: tcp(input.egress.metricsPort),
                },
              ]
            : []),
        ],
      },
    },
    {
      name: "alertmanager",
      namespace,
      spec: {
        podSelector: { matchLabels: { "app.kubernetes.io/name": "alertmanager" } },
        policyTypes: ["Egress"],
        egress: [
          { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: tcp(POD_IDENTITY_AGENT.port) },
          { to: [internet(input.vpcCidr)], ports: tcp(443) },
        ],
      },
    },
    {
      name: "operator-webhook",
      namespace,
      spec: {
        podSelector: { matchLabels: { app: "kube-prometheus-stack-operator" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ ipBlock: { cidr: input.vpcCidr } }], ports: tcp(10250) }],
      },
    },
  ];
}

/**
 * FIS's pod for `aws:eks:pod-delete` drills, which FIS creates in the media plane's namespace with labels of its
 * own: it talks to the API server only. Selected as the pods without the platform's `part-of` label, which every
 * workload of the program carries.
 */
function chaosDrillPods(input: PlatformNetworkInput): NetworkPolicyDocument {
  return {
    name: "chaos-drills",
    namespace: input.workloadNamespace,
    spec: {
      podSelector: { matchExpressions: [{ key: "app.kubernetes.io/part-of", operator: "DoesNotExist" }] },
      policyTypes: ["Egress"],
      egress: [apiServer(input.vpcCidr)],
    },
  };
}

/** Every NetworkPolicy of the region. */
export function platformNetworkPolicies(input: PlatformNetworkInput): NetworkPolicyDocument[] {
  const namespaces = [
    ...new Set([
      input.workloadNamespace,
      ...(input.egress ? [input.egress.namespace] : []),
      input.loadTestNamespace,
      input.monitoringNamespace,
    ]),
  ];
  return [
    ...namespaces.flatMap(namespaceBaseline),
    ...(input.egress ? recorders(input, input.egress) : []),
    loadTest(input),
    ...monitoring(input),
    ...(input.chaosDrills ? [chaosDrillPods(input)] : []),
  ];
}
