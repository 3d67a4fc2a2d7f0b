/**
 * The region's NetworkPolicies as the builder writes them, evaluated like the plan's policies
 * (test/stacks/security-baseline.plan.test.ts): the options the shipped stacks do not take, then every policy of a
 * region with recorders.
 */
import { platformNetworkPolicies, PlatformNetworkInput } from "../../../components/network-policy/policies";
import {
  ADDRESSES,
  allowed,
  Endpoint,
  NetworkPolicyObject,
  verdictTable,
  VerdictRow,
  World,
} from "../../support/network-policy";

const INPUT: PlatformNetworkInput = {
  vpcCidr: "10.20.0.0/16",
  workloadNamespace: "livekit",
  loadTestNamespace: "livekit-load-test",
  monitoringNamespace: "monitoring",
  kedaNamespace: "keda",
  livekit: { podLabels: { "app.kubernetes.io/name": "livekit-server" }, httpPort: 7880, metricsPort: 6789 },
  coturn: { metricsPort: 9641 },
  media: { rtcUdpPorts: { start: 50000, end: 60000 }, rtcTcpPort: 7881, turnUdpPort: 3478, turnTlsPort: 443 },
  redis: { port: 6379, subnetCidrs: ["10.20.0.0/19", "10.20.32.0/19"] },
};
const worldOf = (input: PlatformNetworkInput): World => ({
  policies: platformNetworkPolicies(input).map(
    (p) => ({ metadata: { name: p.name, namespace: p.namespace }, spec: p.spec }) as NetworkPolicyObject,
  ),
  namespaces: {},
});
const fisPod = { namespace: "livekit", labels: { "app.kubernetes.io/name": "fis-pod" }, ip: "10.20.5.5" };
const platformPod = {
  namespace: "livekit",
  labels: { "app.kubernetes.io/name": "something", "app.kubernetes.io/part-of": "livekit-platform" },
  ip: "10.20.5.6",
};

describe("the region's NetworkPolicies with chaos drills", () => {
  it("let FIS's pod in the media plane's namespace reach the API server, and nothing else", () => {
    const drills = worldOf({ ...INPUT, chaosDrills: true });
    const apiServer = { ip: "172.20.0.1", port: 443 };
    expect(allowed(drills, { from: fisPod, to: apiServer })).toBe(true);
    expect(allowed(drills, { from: fisPod, to: { ip: "1.1.1.1", port: 443 } })).toBe(false);
    expect(allowed(drills, { from: fisPod, to: { ip: "169.254.169.254", port: 80 } })).toBe(false);
    // The platform's own pods are not FIS's: the allowance does not reach them.
    expect(allowed(drills, { from: platformPod, to: apiServer })).toBe(false);
    // Without drills, FIS's pod would be denied like any other.
    expect(allowed(worldOf(INPUT), { from: fisPod, to: apiServer })).toBe(false);
  });
});

describe("the recorders' policies", () => {
  const egress = {
    namespace: "livekit-egress",
    podLabels: { "app.kubernetes.io/name": "livekit-egress" },
    metricsPort: 9090,
    updaterPodLabels: { "app.kubernetes.io/name": "livekit-egress-deletion-cost" },
  };
  const recorderIn = (namespace: string) => ({ namespace, labels: egress.podLabels, ip: "10.20.129.40" });

  it("name a port in every rule, so the VPC CNI's agent has no portless rule to widen (aws/aws-network-policy-agent#180)", () => {
    const ported = (name: string) => name.startsWith("recorders") || name === "load-test";
    for (const policy of worldOf({ ...INPUT, egress }).policies.filter((p) => ported(p.metadata.name)))
      for (const rule of policy.spec.egress ?? [])
        expect([policy.metadata.name, (rule.ports ?? []).length > 0]).toEqual([policy.metadata.name, true]);
  });

  it("stay in the namespace the recorders left only while it is named, and the updater's moves", () => {
    const moving = worldOf({ ...INPUT, egress: { ...egress, formerNamespace: "livekit" } });
    const moved = worldOf({ ...INPUT, egress });
    const web = { ip: "1.1.1.1", port: 443 };
    expect(allowed(moving, { from: recorderIn("livekit"), to: web })).toBe(true);
    expect(allowed(moving, { from: recorderIn("livekit-egress"), to: web })).toBe(true);
    expect(allowed(moved, { from: recorderIn("livekit"), to: web })).toBe(false); // the media plane's default deny
    expect(allowed(moved, { from: recorderIn("livekit-egress"), to: web })).toBe(true);
    expect(
      platformNetworkPolicies({ ...INPUT, egress: { ...egress, formerNamespace: "livekit" } })
        .filter((p) => p.name === "recorders-deletion-cost")
        .map((p) => p.namespace),
    ).toEqual(["livekit-egress"]);
  });
});

/**
 * Every policy of a region with recorders, evaluated on its own (the plan tier evaluates the shipped stack's
 * too, test/stacks/security-baseline.plan.test.ts): who may reach which address and port.
 */
describe("the region's NetworkPolicies, evaluated", () => {
  const egress = {
    namespace: "livekit-egress",
    podLabels: { "app.kubernetes.io/name": "livekit-egress" },
    metricsPort: 9090,
    updaterPodLabels: { "app.kubernetes.io/name": "livekit-egress-deletion-cost" },
  };
  // Built in the tests, so that a builder that throws fails them.
  let world: World;
  beforeAll(() => {
    world = worldOf({ ...INPUT, egress });
  });
  const { VPC, PUBLIC, LINK_LOCAL, CLUSTER_IP } = ADDRESSES;
  const pod = (namespace: string, labels: Record<string, string>, node = "system-1"): Endpoint => ({
    namespace,
    labels,
    node,
  });
  const PODS = {
    dns: pod("kube-system", { "k8s-app": "kube-dns" }),
    livekit: { ...pod("livekit", INPUT.livekit.podLabels, "sfu-1"), hostNetwork: true },
    coturn: { ...pod("livekit", { "app.kubernetes.io/name": "coturn" }, "sfu-2"), hostNetwork: true },
    prometheus: pod("monitoring", { "app.kubernetes.io/name": "prometheus" }),
    alertmanager: pod("monitoring", { "app.kubernetes.io/name": "alertmanager" }),
    grafana: pod("monitoring", { "app.kubernetes.io/name": "grafana" }),
    operator: pod("monitoring", { app: "kube-prometheus-stack-operator" }),
    keda: pod("keda", { app: "keda-operator" }),
    karpenter: pod("karpenter", { "app.kubernetes.io/name": "karpenter" }),
    recorder: pod("livekit-egress", egress.podLabels, "egress-1"),
    updater: pod("livekit-egress", egress.updaterPodLabels),
    tester: pod("livekit-load-test", { "app.kubernetes.io/name": "livekit-load-test" }, "tester-1"),
  };
  const expectRows = (from: Endpoint & { ip: string }, rows: VerdictRow[]) => {
    const { actual, expected } = verdictTable(world, from, rows);
    expect(actual).toEqual(expected);
  };

  it("let a recorder reach DNS, LiveKit, Redis, the Pod Identity agent and the web and media ports of the internet, and nothing else", () => {
    expectRows({ ...PODS.recorder, ip: "10.20.129.40" }, [
      ["cluster DNS over UDP", { ip: CLUSTER_IP.dns, port: 53, protocol: "UDP", pod: PODS.dns }, true],
      ["cluster DNS over TCP", { ip: CLUSTER_IP.dns, port: 53, pod: PODS.dns }, true],
      ["cluster DNS on another port", { ip: CLUSTER_IP.dns, port: 54, protocol: "UDP", pod: PODS.dns }, false],
      ["cluster DNS on another TCP port", { ip: CLUSTER_IP.dns, port: 8080, pod: PODS.dns }, false],
      [
        "another pod of kube-system on 53",
        { ip: "10.20.1.31", port: 53, protocol: "UDP", pod: pod("kube-system", { "k8s-app": "other" }) },
        false,
      ],
      [
        "a kube-dns pod of another namespace",
        { ip: "10.20.1.32", port: 53, protocol: "UDP", pod: pod("default", { "k8s-app": "kube-dns" }) },
        false,
      ],
      ["LiveKit's Service", { ip: CLUSTER_IP.livekit, port: 7880, pod: PODS.livekit }, true],
      ["LiveKit on its node", { ip: VPC.sfuNode, port: 7880, pod: PODS.livekit }, true],
      ["LiveKit's metrics port", { ip: VPC.sfuNode, port: 6789, pod: PODS.livekit }, false],
      ["Coturn (host network) on its own node", { ip: "10.20.128.6", port: 7880, pod: PODS.coturn }, false],
      [
        "LiveKit's labels in another namespace",
        { ip: "10.20.5.9", port: 7880, pod: pod("default", INPUT.livekit.podLabels) },
        false,
      ],
      [
        "another pod of the media plane's namespace",
        { ip: "10.20.5.8", port: 7880, pod: pod("livekit", { app: "x" }) },
        false,
      ],
      ["Redis in the first subnet", { ip: VPC.redis, port: 6379 }, true],
      ["Redis in the second subnet", { ip: "10.20.40.9", port: 6379 }, true],
      ["Redis's address on another port", { ip: VPC.redis, port: 22 }, false],
      ["Redis's port outside the private subnets", { ip: VPC.egressNode, port: 6379 }, false],
      ["Pod Identity agent", { ip: LINK_LOCAL.podIdentity, port: 80 }, true],
      ["Pod Identity agent on another port", { ip: LINK_LOCAL.podIdentity, port: 443 }, false],
      ["instance metadata", { ip: LINK_LOCAL.metadata, port: 80 }, false],
      ["another node's SSH", { ip: VPC.otherNode, port: 22 }, false],
      ["another node's HTTPS", { ip: VPC.otherNode, port: 443 }, false],
      ["the API server", { ip: CLUSTER_IP.kubernetes, port: 443 }, false],
      ["Prometheus", { ip: "10.20.4.4", port: 9090, pod: PODS.prometheus }, false],
      ["another VPC in 10.0.0.0/8", { ip: "10.30.0.9", port: 443 }, false],
      ["another VPC in 172.16.0.0/12", { ip: "172.31.0.9", port: 443 }, false],
      ["a network in 192.168.0.0/16", { ip: "192.168.1.1", port: 443 }, false],
      ["carrier-grade NAT space", { ip: "100.64.0.1", port: 443 }, false],
      ["a web page over HTTPS", { ip: PUBLIC.web, port: 443 }, true],
      ["a web page over HTTP", { ip: PUBLIC.web, port: 80 }, true],
      ["a stream output over RTMP", { ip: PUBLIC.web, port: 1935 }, true],
      ["the SFU's public address over UDP, first port", { ip: PUBLIC.sfu, port: 50000, protocol: "UDP" }, true],
      ["the SFU's public address over UDP, last port", { ip: PUBLIC.sfu, port: 60000, protocol: "UDP" }, true],
      ["the SFU's public address over ICE/TCP", { ip: PUBLIC.sfu, port: 7881 }, true],
      ["ICE/TCP's port over UDP", { ip: PUBLIC.sfu, port: 7881, protocol: "UDP" }, false],
      ["TURN over UDP", { ip: PUBLIC.turn, port: 3478, protocol: "UDP" }, true],
      ["TURN's UDP port over TCP", { ip: PUBLIC.turn, port: 3478 }, false],
      ["TURN over TLS", { ip: PUBLIC.turn, port: 443 }, true],
      ["a UDP port below the SFU's range", { ip: PUBLIC.sfu, port: 49999, protocol: "UDP" }, false],
      ["a UDP port above the SFU's range", { ip: PUBLIC.sfu, port: 60001, protocol: "UDP" }, false],
      ["QUIC on the internet", { ip: PUBLIC.web, port: 443, protocol: "UDP" }, false],
      ["SSH on the internet", { ip: PUBLIC.web, port: 22 }, false],
      ["a database on the internet", { ip: PUBLIC.web, port: 5432 }, false],
    ]);
  });

  it("let only Prometheus and the API server's pod proxy reach a recorder's metrics", () => {
    const to = { ip: "10.20.129.40", port: 9090, pod: PODS.recorder };
    expect(allowed(world, { from: { ...PODS.prometheus, ip: "10.20.4.4" }, to })).toBe(true);
    expect(allowed(world, { from: { ...PODS.grafana, ip: "10.20.4.5" }, to })).toBe(false);
    // Prometheus's labels in another namespace are not Prometheus.
    expect(allowed(world, { from: { ...pod("keda", PODS.prometheus.labels), ip: "172.31.4.4" }, to })).toBe(false);
    expect(allowed(world, { from: { ...PODS.karpenter, ip: "10.20.1.20" }, to })).toBe(true);
    expect(allowed(world, { from: { ...PODS.karpenter, ip: "10.20.1.20" }, to: { ...to, port: 8080 } })).toBe(false);
    expect(allowed(world, { from: { ...PODS.karpenter, ip: "172.31.1.20" }, to })).toBe(false);
    expect(allowed(world, { from: { ...PODS.updater, ip: "10.20.4.7" }, to })).toBe(false); // through the API server, not directly
    expect(allowed(world, { from: { ...PODS.prometheus, ip: "10.20.4.4" }, to: { ...to, port: 8080 } })).toBe(false);
  });

  it("let the deletion-cost updater reach the API server and DNS only", () => {
    expectRows({ ...PODS.updater, ip: "10.20.4.7" }, [
      ["the API server's Service", { ip: CLUSTER_IP.kubernetes, port: 443 }, true],
      ["the API server's Service in the other default range", { ip: CLUSTER_IP.otherRange, port: 443 }, true],
      ["the API server's interfaces", { ip: "10.20.1.20", port: 443 }, true],
      ["the API server's interfaces on another port", { ip: "10.20.1.20", port: 8443 }, false],
      ["cluster DNS", { ip: CLUSTER_IP.dns, port: 53, protocol: "UDP", pod: PODS.dns }, true],
      ["Redis", { ip: VPC.redis, port: 6379 }, false],
      ["instance metadata", { ip: LINK_LOCAL.metadata, port: 80 }, false],
      ["the internet", { ip: PUBLIC.web, port: 443 }, false],
    ]);
  });

  it("let the load test reach the region only as users do, from outside", () => {
    expectRows({ ...PODS.tester, ip: "10.20.130.9" }, [
      ["cluster DNS", { ip: CLUSTER_IP.dns, port: 53, protocol: "UDP", pod: PODS.dns }, true],
      ["the public signalling URL", { ip: "13.234.99.1", port: 443 }, true],
      ["the SFU's public address over UDP", { ip: PUBLIC.sfu, port: 55000, protocol: "UDP" }, true],
      ["the SFU's public address over ICE/TCP", { ip: PUBLIC.sfu, port: 7881 }, true],
      ["TURN over UDP", { ip: PUBLIC.turn, port: 3478, protocol: "UDP" }, true],
      ["TURN over TLS", { ip: PUBLIC.turn, port: 443 }, true],
      ["plain HTTP on the internet", { ip: PUBLIC.web, port: 80 }, false],
      ["SSH on the internet", { ip: PUBLIC.web, port: 22 }, false],
      ["a UDP port below the SFU's range", { ip: PUBLIC.sfu, port: 49999, protocol: "UDP" }, false],
      ["LiveKit on its node", { ip: VPC.sfuNode, port: 7880, pod: PODS.livekit }, false],
      ["Redis", { ip: VPC.redis, port: 6379 }, false],
      ["the API server", { ip: CLUSTER_IP.kubernetes, port: 443 }, false],
      ["instance metadata", { ip: LINK_LOCAL.metadata, port: 80 }, false],
      ["Pod Identity agent", { ip: LINK_LOCAL.podIdentity, port: 80 }, false],
    ]);
    // Nothing reaches it.
    expect(
      allowed(world, {
        from: { ...PODS.prometheus, ip: "10.20.4.4" },
        to: { ip: "10.20.130.9", port: 9090, pod: PODS.tester },
      }),
    ).toBe(false);
  });

  it("let Prometheus scrape the nodes, the media plane, the recorders and its own namespace, and answer KEDA", () => {
    expectRows({ ...PODS.prometheus, ip: "10.20.4.4" }, [
      ["a kubelet", { ip: VPC.sfuNode, port: 10250 }, true],
      ["node-exporter", { ip: VPC.sfuNode, port: 9100 }, true],
      ["LiveKit's metrics", { ip: VPC.sfuNode, port: 6789 }, true],
      ["Coturn's metrics", { ip: VPC.sfuNode, port: 9641 }, true],
      ["CoreDNS's metrics", { ip: "10.20.1.30", port: 9153 }, true],
      ["a recorder's metrics", { ip: "10.20.129.40", port: 9090, pod: PODS.recorder }, true],
      ["a node's SSH", { ip: VPC.sfuNode, port: 22 }, false],
      ["a kubelet's port on the internet", { ip: PUBLIC.web, port: 10250 }, false],
      ["Alertmanager", { ip: "10.20.4.8", port: 9093, pod: PODS.alertmanager }, true],
      ["the API server", { ip: CLUSTER_IP.kubernetes, port: 443 }, true],
      ["Redis", { ip: VPC.redis, port: 6379 }, false],
      ["instance metadata", { ip: LINK_LOCAL.metadata, port: 80 }, false],
      ["the internet", { ip: PUBLIC.web, port: 443 }, false],
    ]);
    const query = { ip: "10.20.4.4", port: 9090, pod: PODS.prometheus };
    expect(allowed(world, { from: { ...PODS.keda, ip: "10.20.4.9" }, to: query })).toBe(true);
    expect(allowed(world, { from: { ...PODS.keda, ip: "10.20.4.9" }, to: { ...query, port: 9091 } })).toBe(false);
    expect(allowed(world, { from: { ...PODS.grafana, ip: "10.20.4.5" }, to: query })).toBe(true);
    expect(allowed(world, { from: { ...PODS.karpenter, ip: "10.20.4.6" }, to: query })).toBe(false);
    expect(allowed(world, { from: { ...PODS.recorder, ip: "10.20.129.40" }, to: query })).toBe(false);
  });

  it("let Alertmanager deliver over HTTPS with Pod Identity credentials, Grafana stay inside, and the API server call the operator's webhook", () => {
    expectRows({ ...PODS.alertmanager, ip: "10.20.4.8" }, [
      ["SNS", { ip: PUBLIC.sns, port: 443 }, true],
      ["Pod Identity agent", { ip: LINK_LOCAL.podIdentity, port: 80 }, true],
      ["plain HTTP on the internet", { ip: PUBLIC.web, port: 80 }, false],
      ["plain HTTP in the VPC", { ip: VPC.otherNode, port: 80 }, false],
      ["HTTPS in another VPC", { ip: "172.31.0.9", port: 443 }, false],
      ["instance metadata", { ip: LINK_LOCAL.metadata, port: 80 }, false],
      ["Redis", { ip: VPC.redis, port: 6379 }, false],
    ]);
    expectRows({ ...PODS.grafana, ip: "10.20.4.5" }, [
      ["Prometheus", { ip: "10.20.4.4", port: 9090, pod: PODS.prometheus }, true],
      ["the API server (its sidecars)", { ip: CLUSTER_IP.kubernetes, port: 443 }, true],
      ["the internet", { ip: PUBLIC.web, port: 443 }, false],
      ["instance metadata", { ip: LINK_LOCAL.metadata, port: 80 }, false],
    ]);
    // Grafana is reached from its own namespace only.
    const grafana = { ip: "10.20.4.5", port: 3000, pod: PODS.grafana };
    expect(allowed(world, { from: { ...PODS.prometheus, ip: "10.20.4.4" }, to: grafana })).toBe(true);
    expect(allowed(world, { from: { ...PODS.keda, ip: "10.20.4.9" }, to: grafana })).toBe(false);
    const webhook = { ip: "10.20.4.10", port: 10250, pod: PODS.operator };
    expect(allowed(world, { from: { ...PODS.karpenter, ip: "10.20.1.20" }, to: webhook })).toBe(true);
    expect(allowed(world, { from: { ...PODS.karpenter, ip: "10.20.1.20" }, to: { ...webhook, port: 8080 } })).toBe(
      false,
    );
    expect(allowed(world, { from: { ...PODS.karpenter, ip: "192.168.1.1" }, to: webhook })).toBe(false);
    // The webhook's port is the operator's only: not Grafana's from the VPC.
    expect(
      allowed(world, { from: { ...PODS.karpenter, ip: "10.20.1.20" }, to: { ...webhook, pod: PODS.grafana } }),
    ).toBe(false);
  });

  it("deny by default every pod of the platform's namespaces, in and out, but the load test's", () => {
    const stranger = (namespace: string) => ({
      ...pod(namespace, { app: "something-new" }, "general-1"),
      ip: "10.20.5.5",
    });
    for (const namespace of ["livekit", "livekit-egress", "monitoring", "livekit-load-test"]) {
      expect(allowed(world, { from: stranger(namespace), to: { ip: VPC.redis, port: 6379 } })).toBe(false);
      expect(
        allowed(world, {
          from: stranger(namespace),
          to: { ip: CLUSTER_IP.dns, port: 53, protocol: "UDP", pod: PODS.dns },
        }),
      ).toBe(true);
      expect(
        allowed(world, {
          from: { ...PODS.karpenter, ip: "10.20.1.20" },
          to: { ip: "10.20.5.5", port: 8080, pod: stranger(namespace) },
        }),
      ).toBe(false);
    }
    for (const namespace of ["livekit", "livekit-egress", "monitoring"])
      expect(allowed(world, { from: stranger(namespace), to: { ip: PUBLIC.web, port: 443 } })).toBe(false);
    expect(allowed(world, { from: stranger("livekit-load-test"), to: { ip: PUBLIC.web, port: 443 } })).toBe(true);
  });

  it("are objects the API server takes: policy types, selector operators, and peers that name something", () => {
    const policyTypes = new Set(["Ingress", "Egress"]);
    const operators = new Set(["In", "NotIn", "Exists", "DoesNotExist"]);
    for (const policy of platformNetworkPolicies({ ...INPUT, egress, chaosDrills: true })) {
      const spec = policy.spec as NetworkPolicyObject["spec"];
      expect(spec.podSelector).toBeDefined();
      for (const type of spec.policyTypes ?? [])
        expect([policy.name, policyTypes.has(type)]).toEqual([policy.name, true]);
      for (const e of spec.podSelector.matchExpressions ?? [])
        expect([policy.name, operators.has(e.operator)]).toEqual([policy.name, true]);
      const peers = [
        ...(spec.ingress ?? []).flatMap((r) => r.from ?? []),
        ...(spec.egress ?? []).flatMap((r) => r.to ?? []),
      ];
      for (const peer of peers) expect([policy.name, Object.keys(peer).length > 0]).toEqual([policy.name, true]);
      for (const rule of spec.egress ?? [])
        expect([policy.name, rule.to === undefined || rule.to.length > 0]).toEqual([policy.name, true]);
    }
  });

  it("are named for what they hold, one of each name per namespace, and without recorders hold no recorder's", () => {
    const all = platformNetworkPolicies({ ...INPUT, egress, chaosDrills: true });
    expect(new Set(all.map((p) => p.namespace))).toEqual(
      new Set(["livekit", "livekit-egress", "livekit-load-test", "monitoring"]),
    );
    const names = all.map((p) => `${p.namespace}/${p.name}`);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9-]+\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    const without = platformNetworkPolicies(INPUT);
    expect(without.filter((p) => p.name.startsWith("recorders"))).toEqual([]);
    expect([...new Set(without.map((p) => p.namespace))].sort()).toEqual([
      "livekit",
      "livekit-load-test",
      "monitoring",
    ]);
    // Prometheus scrapes no recorder where there is none.
    const prometheus = without.find((p) => p.name === "prometheus")!;
    expect(prometheus.spec.egress).toHaveLength(1);
  });
});
