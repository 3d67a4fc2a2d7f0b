/**
 * The region's security baseline, judged on what the mumbai plan renders:
 * - its NetworkPolicies, evaluated (test/support/network-policy.ts): who may reach which address and port;
 * - Pod Security Admission: each namespace's labels, and every rendered pod against its namespace's level
 *   (policy/pod-security.ts, the admission plugin's rules);
 * - instance metadata on SFU nodes: the guard in the node class's user data, run for the users the SFU and TURN
 *   pods' containers run as (test/support/iptables.ts);
 * - the recorders' move from the media plane's namespace to their own (below).
 */
import { EGRESS_UPLOAD_MARGIN_SECONDS } from "../../components/egress";
import type { IamPolicyDocument } from "../../components/shared/iam-document";
import { NODE_ADDRESS_READER_UID } from "../../components/shared/node-address";
import { INSTANCE_METADATA_GUARD_UNIT, INSTANCE_METADATA_RULES_FILE } from "../../components/cluster/node-user-data";
import { enforcedPodSecurity, podSecurityProblems, strictestPodSecurityLevel } from "../../policy/pod-security";
import type { PodSpec } from "../../policy/workloads";
import { versions } from "../../lib/versions";
import { inputsOf, PlanResult, PlannedResource } from "../../tools/plan/engine";
import { evaluate } from "../support/iam-evaluate";
import { outputVerdict, parseFilterTable } from "../support/iptables";
import {
  ADDRESSES,
  allowed,
  Endpoint,
  NetworkPolicyObject,
  verdictTable,
  VerdictRow,
  World,
} from "../support/network-policy";
import { runStack, shippedStackPlan } from "../support/plan";

type Obj = Record<string, any>;

function kubernetesObjects(plan: PlanResult): Obj[] {
  return plan.resources
    .filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v3:Release")
    .map((r) => inputsOf(r));
}

const byKindName = (objects: Obj[], kind: string, name: string): Obj => {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the plan`);
  return found;
};

let plan: PlanResult;
let objects: Obj[];
let world: World;
beforeAll(async () => {
  plan = await shippedStackPlan("mumbai");
  objects = kubernetesObjects(plan);
  const namespaces: Record<string, Record<string, string>> = { "kube-system": {}, keda: {}, karpenter: {} };
  for (const ns of objects.filter((o) => o.kind === "Namespace"))
    namespaces[ns.metadata.name] = ns.metadata.labels ?? {};
  world = {
    policies: objects.filter((o) => o.kind === "NetworkPolicy") as NetworkPolicyObject[],
    namespaces,
  };
});

/** A pod of a rendered workload: its template's labels, namespace and host networking. */
function podOf(kind: string, name: string, node: string): Endpoint {
  const workload = byKindName(objects, kind, name);
  return {
    namespace: workload.metadata.namespace,
    labels: workload.spec.template.metadata.labels,
    hostNetwork: workload.spec.template.spec.hostNetwork === true,
    node,
  };
}

const { VPC, PUBLIC, LINK_LOCAL, CLUSTER_IP } = ADDRESSES;

/** Pods the charts run, with the labels their charts give them (the plan holds only their values). */
const chartPod = (namespace: string, labels: Record<string, string>): Endpoint => ({
  namespace,
  labels,
  node: "system-1",
});
const PODS = {
  dns: chartPod("kube-system", { "k8s-app": "kube-dns" }),
  prometheus: chartPod("monitoring", {
    "app.kubernetes.io/name": "prometheus",
    prometheus: "kube-prometheus-stack-prometheus",
  }),
  alertmanager: chartPod("monitoring", { "app.kubernetes.io/name": "alertmanager" }),
  grafana: chartPod("monitoring", { "app.kubernetes.io/name": "grafana" }),
  operator: chartPod("monitoring", { app: "kube-prometheus-stack-operator" }),
  keda: chartPod("keda", { app: "keda-operator" }),
  karpenter: chartPod("karpenter", { "app.kubernetes.io/name": "karpenter" }),
};

type Row = VerdictRow;

/**
 * What a recorder may reach. Egress joins rooms through LiveKit's Service, as a participant: ICE to the SFU's public
 * addresses on its UDP range (mumbai: 50000-60000) and TCP port (7881), or through the TURN servers livekit-server
 * hands out (UDP 3478, TLS 443). Chrome loads web pages over 443 and 80; S3 takes uploads on 443.
 */
const RECORDER_ROWS = (livekit: Endpoint): Row[] => [
  ["cluster DNS over UDP", { ip: CLUSTER_IP.dns, port: 53, protocol: "UDP", pod: PODS.dns }, true],
  ["cluster DNS over TCP", { ip: CLUSTER_IP.dns, port: 53, pod: PODS.dns }, true],
  ["LiveKit's Service", { ip: CLUSTER_IP.livekit, port: 7880, pod: livekit }, true],
  ["LiveKit on its node", { ip: VPC.sfuNode, port: 7880, pod: livekit }, true],
  ["LiveKit's metrics port", { ip: VPC.sfuNode, port: 6789, pod: livekit }, false],
  ["Redis", { ip: VPC.redis, port: 6379 }, true],
  ["Redis's address on another port", { ip: VPC.redis, port: 22 }, false],
  ["Redis's port outside the private subnets", { ip: VPC.egressNode, port: 6379 }, false],
  ["Pod Identity agent", { ip: LINK_LOCAL.podIdentity, port: 80 }, true],
  ["instance metadata", { ip: LINK_LOCAL.metadata, port: 80 }, false],
  ["another node's SSH", { ip: VPC.otherNode, port: 22 }, false],
  ["another node's kubelet", { ip: VPC.otherNode, port: 10250 }, false],
  ["the API server", { ip: CLUSTER_IP.kubernetes, port: 443 }, false],
  ["Prometheus", { ip: "10.20.4.4", port: 9090, pod: PODS.prometheus }, false],
  ["Karpenter's webhook Service", { ip: CLUSTER_IP.karpenter, port: 443, pod: PODS.karpenter }, false],
  ["another VPC in 172.16.0.0/12", { ip: "172.31.0.9", port: 443 }, false],
  ["a web page over HTTPS", { ip: PUBLIC.web, port: 443 }, true],
  ["a web page over HTTP", { ip: PUBLIC.web, port: 80 }, true],
  ["S3", { ip: PUBLIC.s3, port: 443 }, true],
  ["a stream output over RTMP", { ip: PUBLIC.web, port: 1935 }, true],
  ["the SFU's public address over UDP, first port", { ip: PUBLIC.sfu, port: 50000, protocol: "UDP" }, true],
  ["the SFU's public address over UDP, last port", { ip: PUBLIC.sfu, port: 60000, protocol: "UDP" }, true],
  ["the SFU's public address over ICE/TCP", { ip: PUBLIC.sfu, port: 7881 }, true],
  ["TURN over UDP", { ip: PUBLIC.turn, port: 3478, protocol: "UDP" }, true],
  ["TURN over TLS", { ip: PUBLIC.turn, port: 443 }, true],
  ["a UDP port below the SFU's range", { ip: PUBLIC.sfu, port: 49999, protocol: "UDP" }, false],
  ["a UDP port above the SFU's range", { ip: PUBLIC.sfu, port: 60001, protocol: "UDP" }, false],
  ["QUIC on the internet", { ip: PUBLIC.web, port: 443, protocol: "UDP" }, false],
  ["SSH on the internet", { ip: PUBLIC.web, port: 22 }, false],
  ["SMTP on the internet", { ip: PUBLIC.web, port: 25 }, false],
  ["a database on the internet", { ip: PUBLIC.web, port: 5432 }, false],
];

const table = (from: Endpoint & { ip: string }, rows: Row[]) => verdictTable(world, from, rows);

describe("the region's NetworkPolicies, evaluated", () => {
  const livekitBehindService = () => ({ ...podOf("Deployment", "livekit-server", "sfu-1") });

  it("let a recorder reach DNS, LiveKit, Redis, the Pod Identity agent and the web and media ports of the internet, and nothing else", () => {
    const recorder = { ...podOf("Deployment", "livekit-egress", "egress-1"), ip: "10.20.129.40" };
    expect(recorder.namespace).toBe("livekit-egress");
    const { actual, expected } = table(recorder, RECORDER_ROWS(livekitBehindService()));
    expect(actual).toEqual(expected);
  });

  it("keep a recorder started in the media plane's namespace before the move recording until it ends", () => {
    const recorder = podOf("Deployment", "livekit-egress", "egress-1");
    const draining = { ...recorder, namespace: "livekit", ip: "10.20.129.41" };
    const { actual, expected } = table(draining, RECORDER_ROWS(livekitBehindService()));
    expect(actual).toEqual(expected);
  });

  it("let only Prometheus and the API server's pod proxy reach a recorder's metrics", () => {
    const recorder = podOf("Deployment", "livekit-egress", "egress-1");
    const to = { ip: "10.20.129.40", port: 9090, pod: recorder };
    expect(allowed(world, { from: { ...PODS.prometheus, ip: "10.20.4.4" }, to })).toBe(true);
    expect(allowed(world, { from: { ...PODS.grafana, ip: "10.20.4.5" }, to })).toBe(false);
    // The API server's pod proxy connects from its interfaces in the VPC, which no selector can name: any
    // address of the VPC reaches this one port (metrics only), and no other.
    expect(allowed(world, { from: { ...PODS.karpenter, ip: "10.20.1.20" }, to })).toBe(true);
    expect(allowed(world, { from: { ...PODS.karpenter, ip: "10.20.1.20" }, to: { ...to, port: 8080 } })).toBe(false);
    const updater = { ...podOf("Deployment", "livekit-egress-deletion-cost", "system-1"), ip: "10.20.4.7" };
    expect(allowed(world, { from: updater, to })).toBe(false); // through the API server, not directly
    expect(allowed(world, { from: { ...PODS.prometheus, ip: "10.20.4.4" }, to: { ...to, port: 8080 } })).toBe(false);
  });

  it("let the deletion-cost updater reach the API server and DNS only", () => {
    const updater = { ...podOf("Deployment", "livekit-egress-deletion-cost", "system-1"), ip: "10.20.4.7" };
    const { actual, expected } = table(updater, [
      ["the API server's Service", { ip: CLUSTER_IP.kubernetes, port: 443 }, true],
      ["the API server's interfaces", { ip: "10.20.1.20", port: 443 }, true],
      ["cluster DNS", { ip: CLUSTER_IP.dns, port: 53, protocol: "UDP", pod: PODS.dns }, true],
      ["Redis", { ip: VPC.redis, port: 6379 }, false],
      ["instance metadata", { ip: LINK_LOCAL.metadata, port: 80 }, false],
      ["the internet", { ip: PUBLIC.web, port: 443 }, false],
    ]);
    expect(actual).toEqual(expected);
  });

  it("let the load test reach the region only as users do, from outside", () => {
    const tester = { ...podOf("Job", "livekit-load-test", "tester-1"), ip: "10.20.130.9" };
    const { actual, expected } = table(tester, [
      ["cluster DNS", { ip: CLUSTER_IP.dns, port: 53, protocol: "UDP", pod: PODS.dns }, true],
      ["the public signalling URL", { ip: "13.234.99.1", port: 443 }, true],
      ["the SFU's public address over UDP", { ip: PUBLIC.sfu, port: 55000, protocol: "UDP" }, true],
      ["the SFU's public address over ICE/TCP", { ip: PUBLIC.sfu, port: 7881 }, true],
      ["TURN over UDP", { ip: PUBLIC.turn, port: 3478, protocol: "UDP" }, true],
      ["SSH on the internet", { ip: PUBLIC.web, port: 22 }, false],
      ["a UDP port below the SFU's range", { ip: PUBLIC.sfu, port: 49999, protocol: "UDP" }, false],
      ["LiveKit on its node", { ip: VPC.sfuNode, port: 7880, pod: livekitBehindService() }, false],
      ["Redis", { ip: VPC.redis, port: 6379 }, false],
      ["the API server", { ip: CLUSTER_IP.kubernetes, port: 443 }, false],
      ["instance metadata", { ip: LINK_LOCAL.metadata, port: 80 }, false],
      ["Pod Identity agent", { ip: LINK_LOCAL.podIdentity, port: 80 }, false],
    ]);
    expect(actual).toEqual(expected);
  });

  it("let Prometheus scrape the nodes, the media plane and its own namespace, and answer KEDA", () => {
    const prometheus = { ...PODS.prometheus, ip: "10.20.4.4" };
    const { actual, expected } = table(prometheus, [
      ["a kubelet", { ip: VPC.sfuNode, port: 10250, node: "sfu-1" }, true],
      ["node-exporter", { ip: VPC.sfuNode, port: 9100 }, true],
      ["LiveKit's metrics", { ip: VPC.sfuNode, port: 6789 }, true],
      ["Coturn's metrics", { ip: VPC.sfuNode, port: 9641 }, true],
      ["CoreDNS's metrics", { ip: "10.20.1.30", port: 9153, pod: PODS.dns }, true],
      ["Alertmanager", { ip: "10.20.4.8", port: 9093, pod: PODS.alertmanager }, true],
      ["the API server", { ip: CLUSTER_IP.kubernetes, port: 443 }, true],
      ["Redis", { ip: VPC.redis, port: 6379 }, false],
      ["instance metadata", { ip: LINK_LOCAL.metadata, port: 80 }, false],
      ["the internet", { ip: PUBLIC.web, port: 443 }, false],
    ]);
    expect(actual).toEqual(expected);
    const query = { ip: "10.20.4.4", port: 9090, pod: PODS.prometheus };
    expect(allowed(world, { from: { ...PODS.keda, ip: "10.20.4.9" }, to: query })).toBe(true);
    expect(allowed(world, { from: { ...PODS.grafana, ip: "10.20.4.5" }, to: query })).toBe(true);
    expect(allowed(world, { from: { ...PODS.karpenter, ip: "10.20.4.6" }, to: query })).toBe(false);
    const recorder = { ...podOf("Deployment", "livekit-egress", "egress-1"), ip: "10.20.129.40" };
    expect(allowed(world, { from: recorder, to: query })).toBe(false);
  });

  it("let Alertmanager deliver over HTTPS with Pod Identity credentials, and Grafana stay inside", () => {
    const alertmanager = { ...PODS.alertmanager, ip: "10.20.4.8" };
    const grafana = { ...PODS.grafana, ip: "10.20.4.5" };
    const am = table(alertmanager, [
      ["SNS", { ip: PUBLIC.sns, port: 443 }, true],
      ["Pod Identity agent", { ip: LINK_LOCAL.podIdentity, port: 80 }, true],
      ["plain HTTP on the internet", { ip: PUBLIC.web, port: 80 }, false],
      ["instance metadata", { ip: LINK_LOCAL.metadata, port: 80 }, false],
      ["Redis", { ip: VPC.redis, port: 6379 }, false],
    ]);
    expect(am.actual).toEqual(am.expected);
    const gr = table(grafana, [
      ["Prometheus", { ip: "10.20.4.4", port: 9090, pod: PODS.prometheus }, true],
      ["the API server (its sidecars)", { ip: CLUSTER_IP.kubernetes, port: 443 }, true],
      ["the internet", { ip: PUBLIC.web, port: 443 }, false],
      ["instance metadata", { ip: LINK_LOCAL.metadata, port: 80 }, false],
    ]);
    expect(gr.actual).toEqual(gr.expected);
    // The API server calls the operator's admission webhook from its interfaces in the VPC; nothing from
    // outside the VPC, and no other port of the operator from inside it.
    const webhook = { ip: "10.20.4.10", port: 10250, pod: PODS.operator };
    const apiServerInterface = { ...PODS.karpenter, ip: "10.20.1.20" };
    expect(allowed(world, { from: apiServerInterface, to: webhook })).toBe(true);
    expect(allowed(world, { from: apiServerInterface, to: { ...webhook, port: 8080 } })).toBe(false);
    expect(allowed(world, { from: { ...PODS.karpenter, ip: "192.168.1.1" }, to: webhook })).toBe(false);
  });

  it("deny by default every pod of the platform's namespaces, and leave host-network pods to their security groups", () => {
    const stranger = (namespace: string): Endpoint & { ip: string } => ({
      namespace,
      labels: { "app.kubernetes.io/name": "something-new" },
      node: "general-1",
      ip: "10.20.5.5",
    });
    for (const namespace of ["livekit", "livekit-egress", "monitoring"]) {
      expect(allowed(world, { from: stranger(namespace), to: { ip: PUBLIC.web, port: 443 } })).toBe(false);
      expect(allowed(world, { from: stranger(namespace), to: { ip: VPC.redis, port: 6379 } })).toBe(false);
    }
    // Every pod of the load test's namespace is a load test (k6's Job too): the internet, nothing inside.
    expect(allowed(world, { from: stranger("livekit-load-test"), to: { ip: PUBLIC.web, port: 443 } })).toBe(true);
    expect(allowed(world, { from: stranger("livekit-load-test"), to: { ip: VPC.redis, port: 6379 } })).toBe(false);
    expect(allowed(world, { from: stranger("livekit-load-test"), to: { ip: LINK_LOCAL.metadata, port: 80 } })).toBe(
      false,
    );
    // The SFU runs on the host network: the policies do not hold it (its node's security groups do).
    const sfu = { ...livekitBehindService(), ip: VPC.sfuNode };
    expect(sfu.hostNetwork).toBe(true);
    expect(allowed(world, { from: sfu, to: { ip: VPC.redis, port: 6379 } })).toBe(true);
  });
});

describe("Pod Security Admission", () => {
  const namespaceOf = (name: string) => byKindName(objects, "Namespace", name);
  const WORKLOAD_KINDS = ["Deployment", "DaemonSet", "Job", "StatefulSet"];

  it("labels every namespace the program creates at the pinned version, and warns and audits a privileged one at baseline", () => {
    const created = objects.filter((o) => o.kind === "Namespace");
    // KEDA's is a NamespacePatch: Helm created the namespace on clusters installed before it had labels.
    expect(created.map((n) => n.metadata.name).sort()).toEqual([
      "keda",
      "livekit",
      "livekit-egress",
      "livekit-load-test",
      "monitoring",
    ]);
    for (const ns of created) {
      const labels = ns.metadata.labels;
      const level = labels["pod-security.kubernetes.io/enforce"];
      // The admission plugin evaluates warn and audit on their own (pod-security-admission v0.35.2
      // admission/admission.go, EvaluatePod): at baseline over a privileged enforce, they report what a pod asks
      // for beyond baseline; at the enforced level elsewhere, nothing the API server would not refuse anyway.
      const reported = level === "privileged" ? "baseline" : level;
      expect([
        ns.metadata.name,
        labels["pod-security.kubernetes.io/warn"],
        labels["pod-security.kubernetes.io/audit"],
      ]).toEqual([ns.metadata.name, reported, reported]);
      for (const mode of ["enforce", "warn", "audit"])
        expect(labels[`pod-security.kubernetes.io/${mode}-version`]).toBe(versions.podSecurityStandard);
    }
    expect(versions.podSecurityStandard).toBe(`v${versions.kubernetes}`);
  });

  it("gives each namespace the strictest level all its rendered pods meet, and every pod meets it", () => {
    const pods = objects.filter((o) => WORKLOAD_KINDS.includes(o.kind));
    const levels = ["privileged", "baseline", "restricted"];
    // Every rendered workload lives in a namespace the program creates and labels, but the EBS volume guard in
    // kube-system (EKS's namespace, privileged by the API server's default).
    const withPods = [...new Set(pods.map((p) => p.metadata.namespace))].filter((n) => n !== "kube-system").sort();
    expect(withPods).toEqual(["livekit", "livekit-egress", "livekit-load-test"]);
    for (const name of withPods) {
      const inNamespace = pods.filter((p) => p.metadata.namespace === name);
      const strictest =
        levels[
          Math.min(
            ...inNamespace.map((p) => levels.indexOf(strictestPodSecurityLevel(p.spec.template.spec as PodSpec))),
          )
        ];
      expect([name, enforcedPodSecurity(namespaceOf(name).metadata.labels)?.level]).toEqual([name, strictest]);
    }
    // Only the chart's pods live in monitoring; node-exporter's host network, hostPID and hostPath need privileged.
    expect(enforcedPodSecurity(namespaceOf("monitoring").metadata.labels)?.level).toBe("privileged");
    for (const pod of pods.filter((p) => p.metadata.namespace !== "kube-system")) {
      const enforced = enforcedPodSecurity(namespaceOf(pod.metadata.namespace).metadata.labels)!;
      expect([pod.metadata.name, podSecurityProblems(pod.spec.template.spec, enforced.level)]).toEqual([
        pod.metadata.name,
        [],
      ]);
    }
  });

  it("runs the load test where restricted holds, and the recorders off the media plane's privileged namespace", () => {
    const job = byKindName(objects, "Job", "livekit-load-test");
    expect(job.metadata.namespace).toBe("livekit-load-test");
    expect(podSecurityProblems(job.spec.template.spec, "restricted")).toEqual([]);
    // Egress runs as the image's named user, which runAsNonRoot cannot check: baseline, not restricted. Its
    // namespace holds the recorders and their updater, and nothing that needs the host.
    const recorders = byKindName(objects, "Deployment", "livekit-egress");
    expect(recorders.metadata.namespace).toBe("livekit-egress");
    expect(podSecurityProblems(recorders.spec.template.spec, "restricted")).toEqual([
      'runAsNonRoot: container "egress" must run as non-root',
    ]);
    const updater = byKindName(objects, "Deployment", "livekit-egress-deletion-cost");
    expect(updater.metadata.namespace).toBe("livekit-egress");
    expect(strictestPodSecurityLevel(updater.spec.template.spec)).toBe("restricted");
    expect(strictestPodSecurityLevel(byKindName(objects, "Deployment", "livekit-server").spec.template.spec)).toBe(
      "privileged",
    );
  });
});

describe("KEDA's namespace", () => {
  /**
   * A pod of the KEDA chart as kedacore/charts v2.20.2 renders it with the values the platform leaves alone
   * (keda/values.yaml L465-523 podSecurityContext and securityContext of the operator, the metrics API server and
   * the webhooks, alike; `useHostNetwork: false` for each; the Deployments under templates/ mount Secret volumes only).
   */
  const chartPod = (name: string): PodSpec =>
    ({
      hostNetwork: false,
      securityContext: { runAsNonRoot: true },
      containers: [
        {
          name,
          securityContext: {
            capabilities: { drop: ["ALL"] },
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            seccompProfile: { type: "RuntimeDefault" },
          },
        },
      ],
      volumes: [{ name: "certificates", secret: { secretName: "kedaorg-certs" } }],
    }) as unknown as PodSpec;

  it("enforces restricted, which the chart's pods meet with the values the release passes", async () => {
    const keda = byKindName(objects, "Namespace", "keda");
    expect(enforcedPodSecurity(keda.metadata.labels)?.level).toBe("restricted");
    for (const pod of ["keda-operator", "keda-operator-metrics-apiserver", "keda-admission-webhooks"])
      expect([pod, podSecurityProblems(chartPod(pod), "restricted")]).toEqual([pod, []]);
    // The release changes none of the values those pods' security rests on.
    const release = plan.resources.find(
      (r) => r.type === "kubernetes:helm.sh/v3:Release" && inputsOf(r).name === "keda",
    )!;
    const values = JSON.stringify(inputsOf(release).values);
    for (const key of ["securityContext", "podSecurityContext", "useHostNetwork", "extraInitContainers", "volumes"])
      expect([key, values.includes(`"${key}"`)]).toEqual([key, false]);
  });
});

describe("instance metadata on SFU nodes", () => {
  let script: string;
  beforeAll(() => {
    script = byKindName(objects, "EC2NodeClass", "public").spec.userData;
  });
  /** The content of a heredoc the boot script writes to `path`. */
  const heredoc = (path: string) => {
    const match = new RegExp(`cat > ${path.replace(/[.]/g, "[.]")} <<'EOF'\\n([\\s\\S]*?)\\nEOF\\n`).exec(script);
    if (!match) throw new Error(`the user data writes no ${path}`);
    return match[1];
  };

  /** Each container's uid (its own, else the pod's); undefined would be the image's user. */
  function containersWithUids(spec: Obj) {
    const podUid = spec.securityContext?.runAsUser;
    return [
      ...(spec.initContainers ?? []).map((c: Obj) => ({
        name: c.name,
        init: true,
        uid: c.securityContext?.runAsUser ?? podUid,
      })),
      ...spec.containers.map((c: Obj) => ({ name: c.name, init: false, uid: c.securityContext?.runAsUser ?? podUid })),
    ];
  }

  it("lets only the node-address init container and root reach it, and rejects the SFU and TURN servers", () => {
    const chains = parseFilterTable(heredoc(INSTANCE_METADATA_RULES_FILE));
    const reaches = (uid: number) => outputVerdict(chains, { uid, destination: "169.254.169.254" }) === "ACCEPT";
    expect(reaches(0)).toBe(true);
    for (const [kind, name] of [
      ["Deployment", "livekit-server"],
      ["DaemonSet", "coturn"],
    ]) {
      const spec = byKindName(objects, kind, name).spec.template.spec;
      expect(spec.hostNetwork).toBe(true);
      const verdicts = containersWithUids(spec).map((c) => {
        expect([name, c.name, c.uid]).not.toContainEqual(undefined);
        return `${c.init ? "init " : ""}${c.name}: ${reaches(c.uid) ? "reaches metadata" : "rejected"}`;
      });
      expect(verdicts.sort()).toEqual(
        ["init node-address: reaches metadata", ...spec.containers.map((c: Obj) => `${c.name}: rejected`)].sort(),
      );
    }
    // Everything else on the node keeps its traffic: the guard matches only metadata's address.
    expect(outputVerdict(chains, { uid: 65534, destination: "10.20.2.50" })).toBe("ACCEPT");
    expect(outputVerdict(chains, { uid: 65534, destination: "169.254.170.23" })).toBe("ACCEPT");
    expect(NODE_ADDRESS_READER_UID).not.toBe(0);
  });

  it("loads the guard before containerd and the kubelet start, at every boot, and keeps the kubelet off without it", () => {
    const unit = heredoc(`/etc/systemd/system/${INSTANCE_METADATA_GUARD_UNIT}`);
    const directives = (key: string) =>
      unit
        .split("\n")
        .filter((l) => l.startsWith(`${key}=`))
        .flatMap((l) => l.slice(key.length + 1).split(/\s+/));
    expect(directives("Before")).toEqual(expect.arrayContaining(["containerd.service", "kubelet.service"]));
    expect(directives("RequiredBy")).toContain("kubelet.service");
    expect(directives("WantedBy")).toContain("multi-user.target");
    expect(directives("ExecStart")).toEqual(expect.arrayContaining(["--noflush", INSTANCE_METADATA_RULES_FILE]));
    // cloud-init runs the script; nodeadm starts the kubelet only after cloud-init has finished (amazon-eks-ami
    // v20260714 nodeadm-run.service: After=cloud-final.service): the guard is on before the first pod.
    const lines = script.split("\n");
    const enable = lines.indexOf(`systemctl enable --now ${INSTANCE_METADATA_GUARD_UNIT}`);
    expect(enable).toBeGreaterThan(
      lines.findIndex((l) => l.startsWith(`cat > /etc/systemd/system/${INSTANCE_METADATA_GUARD_UNIT}`)),
    );
    expect(enable).toBeGreaterThan(lines.findIndex((l) => l.startsWith(`cat > ${INSTANCE_METADATA_RULES_FILE}`)));
    expect(lines).toContain("set -euo pipefail");
  });
});

/**
 * The recorders' move from the media plane's namespace to their own: what `pulumi up` does with each object, and
 * what the pods started before the move keep until their recordings end.
 *
 * A namespace change replaces a Kubernetes object (the field is immutable): Pulumi creates the new one, and deletes
 * the old one at the end of the update unless `deleteBeforeReplace` says otherwise. The old egress pods then get
 * SIGTERM, stop taking jobs and finish their recordings within their grace period. Until then they still renew
 * their S3 credentials (the Pod Identity agent calls AssumeRoleForPodIdentity for as long as a pod runs, which
 * needs their service account's association and the role's trust) and still talk to LiveKit, Redis and S3 (the
 * namespace's default deny would cut them off without their policy).
 */
const byUrnEnd = (suffix: string): PlannedResource => {
  const found = plan.resources.find((r) => r.urn.endsWith(suffix));
  if (!found) throw new Error(`no resource ${suffix} in the plan`);
  return found;
};
const kubernetes = (type: string, namespace: string, name: string): PlannedResource[] =>
  plan.resources.filter(
    (r) => r.type === type && inputsOf(r).metadata?.namespace === namespace && inputsOf(r).metadata?.name === name,
  );

describe("the recorders' Deployment in its own namespace", () => {
  it("is created before the old one is deleted, and carries the background deletion its own later replacement will use", () => {
    const [deployment] = kubernetes("kubernetes:apps/v1:Deployment", "livekit-egress", "livekit-egress");
    expect(deployment.urn).toMatch(/Egress\$kubernetes:apps\/v1:Deployment::mumbai-egress-egress$/);
    expect(deployment.options.deleteBeforeReplace).toBe(false);
    // pulumi-kubernetes reads this from the inputs of the object it deletes (provider/pkg/metadata/overrides.go
    // DeletionPropagation): the delete returns at once and the pods drain on their own.
    expect(inputsOf(deployment).metadata.annotations["pulumi.com/deletionPropagationPolicy"]).toBe("background");
    expect(kubernetes("kubernetes:apps/v1:Deployment", "livekit", "livekit-egress")).toEqual([]);
  });

  it("gives each pod longer than the longest recording and its upload to finish after SIGTERM", () => {
    const [deployment] = kubernetes("kubernetes:apps/v1:Deployment", "livekit-egress", "livekit-egress");
    const spec = inputsOf(deployment).spec;
    // mumbai records for up to 6 hours (egress.maxRecordingHours, default); egress ends each recording there.
    expect(spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
      6 * 3600 + EGRESS_UPLOAD_MARGIN_SECONDS,
    );
    expect(spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });
});

/** Whether the recorders' role lets the Pod Identity agent assume it for a pod of `namespace`/`serviceAccount`. */
const recordersRoleAssumes = (result: PlanResult) => {
  const role = result.resources.find((r) => r.urn.endsWith("PodIdentityRole$aws:iam/role:Role::mumbai-egress-egress"));
  if (!role) throw new Error("no recorders' role in the plan");
  const trust = JSON.parse(inputsOf(role).assumeRolePolicy) as IamPolicyDocument;
  return (namespace: string, serviceAccount = "livekit-egress") =>
    evaluate(trust, {
      principal: { Service: "pods.eks.amazonaws.com" },
      action: "sts:AssumeRole",
      context: {
        "aws:SourceAccount": "123456789012",
        "aws:RequestTag/eks-cluster-name": "livekit-mumbai",
        "aws:RequestTag/kubernetes-namespace": namespace,
        "aws:RequestTag/kubernetes-service-account": serviceAccount,
      },
    });
};

describe("what the pods started in the media plane's namespace keep while they drain", () => {
  it("their service account and its Pod Identity association, under the URNs they had", () => {
    const account = byUrnEnd("Egress$kubernetes:core/v1:ServiceAccount::mumbai-egress-egress");
    expect(inputsOf(account).metadata).toMatchObject({ name: "livekit-egress", namespace: "livekit" });
    const association = byUrnEnd(
      "PodIdentityRole$aws:eks/podIdentityAssociation:PodIdentityAssociation::mumbai-egress-egress",
    );
    expect(inputsOf(association)).toMatchObject({ namespace: "livekit", serviceAccount: "livekit-egress" });
    // The new namespace's account and association are new resources, created beside them.
    const moved = byUrnEnd(
      "PodIdentityRole$aws:eks/podIdentityAssociation:PodIdentityAssociation::mumbai-egress-egress-moved",
    );
    expect(inputsOf(moved)).toMatchObject({ namespace: "livekit-egress", serviceAccount: "livekit-egress" });
    expect(inputsOf(moved).roleArn).toBe(inputsOf(association).roleArn);
  });

  it("the role's trust, for the account in either namespace and no other", () => {
    const assume = recordersRoleAssumes(plan);
    expect(assume("livekit-egress")).toBe("allowed");
    expect(assume("livekit")).toBe("allowed");
    expect(assume("monitoring")).toBe("not allowed");
    expect(assume("livekit", "livekit-server")).toBe("not allowed");
  });

  it("their NetworkPolicy, under the URN it had", () => {
    const policy = byUrnEnd(
      "NetworkPolicies$kubernetes:networking.k8s.io/v1:NetworkPolicy::mumbai-network-policy-livekit-recorders",
    );
    const moved = kubernetes("kubernetes:networking.k8s.io/v1:NetworkPolicy", "livekit-egress", "recorders")[0];
    expect(inputsOf(policy).metadata.namespace).toBe("livekit");
    expect(inputsOf(policy).spec).toEqual(inputsOf(moved).spec);
  });
});

describe("once the pods started in the media plane's namespace are gone (egress.drainFormerNamespace: false)", () => {
  let drained: PlanResult;
  beforeAll(async () => {
    drained = await runStack("mumbai", { "livekit-platform:egress": { drainFormerNamespace: false } });
  }, 60_000);

  it("deletes what they kept there, and nothing else: every other resource keeps its URN and its inputs", () => {
    const urns = (r: PlanResult) => new Set(r.resources.map((resource) => resource.urn));
    const [before, after] = [urns(plan), urns(drained)];
    expect([...after].filter((urn) => !before.has(urn))).toEqual([]);
    expect(
      [...before]
        .filter((urn) => !after.has(urn))
        .map((urn) => urn.replace(/^.*\$/, ""))
        .sort(),
    ).toEqual([
      "aws:eks/podIdentityAssociation:PodIdentityAssociation::mumbai-egress-egress",
      "kubernetes:core/v1:ServiceAccount::mumbai-egress-egress",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy::mumbai-network-policy-livekit-recorders",
    ]);
    // Only the recorders' role changes its inputs: it no longer trusts the account in the former namespace.
    const changed = drained.resources
      .filter((resource) => {
        const was = plan.resources.find((r) => r.urn === resource.urn);
        return JSON.stringify(was?.inputs) !== JSON.stringify(resource.inputs);
      })
      .map((resource) => resource.urn.replace(/^.*::/, ""));
    expect(changed).toEqual(["mumbai-egress-egress"]);
  });

  it("trusts the recorders' account in their own namespace only", () => {
    const assume = recordersRoleAssumes(drained);
    expect(assume("livekit-egress")).toBe("allowed");
    expect(assume("livekit")).toBe("not allowed");
  });
});
