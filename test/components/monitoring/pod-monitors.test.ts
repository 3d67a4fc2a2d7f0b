/**
 * The PodMonitors' specs, read as prometheus-operator (v0.93.1, the chart's operator) turns them into scrape
 * configs: which pods Prometheus scrapes, on which port and path, how often, with which credentials. The
 * component creates each PodMonitor in the monitoring namespace (components/monitoring/index.ts).
 */
import { podMonitorSpec, PodMonitorSpec, ScrapeTarget } from "../../../components/monitoring/pod-monitors";

const MONITOR_NAMESPACE = "monitoring";

interface Pod {
  namespace: string;
  labels: Record<string, string>;
  /** Names of the pod's container ports. */
  ports: string[];
}

/**
 * Whether the operator's scrape config for the PodMonitor's first endpoint keeps the pod. Namespaces:
 * pkg/prometheus/promcfg.go getNamespacesFromNamespaceSelector (`any` is every namespace, no names the
 * PodMonitor's own); pods: a keep relabeling per matchLabels entry on `__meta_kubernetes_pod_label_<name>`;
 * the endpoint: a keep on `__meta_kubernetes_pod_container_port_name`.
 */
function scrapes(spec: PodMonitorSpec, pod: Pod): boolean {
  const selector = spec.namespaceSelector ?? {};
  const names = selector.any ? undefined : selector.matchNames?.length ? selector.matchNames : [MONITOR_NAMESPACE];
  if (names && !names.includes(pod.namespace)) return false;
  const wanted = Object.entries(spec.selector.matchLabels ?? {});
  if (!wanted.every(([key, value]) => pod.labels[key] === value)) return false;
  const port = spec.podMetricsEndpoints?.[0]?.port;
  return port !== undefined && pod.ports.includes(port);
}

/**
 * What Prometheus asks for: the operator writes `metrics_path` and `scrape_interval` only when the endpoint sets
 * them (Prometheus then uses /metrics and the global interval, kube-prometheus-stack's default 30s).
 */
const endpoint = (spec: PodMonitorSpec) => {
  const e = spec.podMetricsEndpoints![0];
  return { path: e.path || "/metrics", interval: e.interval || "30s", basicAuth: e.basicAuth };
};

const livekit: ScrapeTarget = {
  namespace: "livekit",
  podLabels: { "app.kubernetes.io/name": "livekit-server", "app.kubernetes.io/instance": "livekit" },
  port: "metrics",
};
const sfuPod: Pod = {
  namespace: "livekit",
  labels: { "app.kubernetes.io/name": "livekit-server", "app.kubernetes.io/instance": "livekit", extra: "x" },
  ports: ["http", "metrics"],
};

describe("podMonitorSpec", () => {
  const spec = podMonitorSpec(livekit);

  it("scrapes the target's pods in their namespace, from the monitoring namespace", () => {
    expect(scrapes(spec, sfuPod)).toBe(true);
  });

  it("scrapes no pod of another namespace, with other labels or without the named port", () => {
    expect(scrapes(spec, { ...sfuPod, namespace: "livekit-egress" })).toBe(false);
    expect(scrapes(spec, { ...sfuPod, namespace: MONITOR_NAMESPACE })).toBe(false);
    expect(scrapes(spec, { ...sfuPod, labels: { "app.kubernetes.io/name": "livekit-server" } })).toBe(false);
    expect(scrapes(spec, { ...sfuPod, labels: { ...sfuPod.labels, "app.kubernetes.io/name": "egress" } })).toBe(false);
    expect(scrapes(spec, { ...sfuPod, ports: ["http"] })).toBe(false);
  });

  // The alert rules' rates run over 5-minute windows; Grafana's $__rate_interval takes four scrape intervals.
  it("asks for /metrics often enough for four samples in the alert rules' 5-minute windows, without credentials", () => {
    const { path, interval, basicAuth } = endpoint(spec);
    expect(path).toBe("/metrics");
    const seconds = /^(\d+)s$/.exec(interval);
    expect(seconds).not.toBeNull();
    expect(300 / Number(seconds![1])).toBeGreaterThanOrEqual(4);
    expect(basicAuth).toBeUndefined();
    expect(spec.podMetricsEndpoints).toHaveLength(1);
  });

  // The operator reads each credential from the named key of a Secret in the PodMonitor's own namespace
  // (pkg/prometheus/resource_selector.go: store.AddBasicAuth(ctx, pm.GetNamespace(), ...)).
  it("sends basic-auth credentials from the Secret keys it is given", () => {
    const withAuth = podMonitorSpec({
      ...livekit,
      basicAuth: { secretName: "coturn-metrics", usernameKey: "user", passwordKey: "password" },
    });
    expect(scrapes(withAuth, sfuPod)).toBe(true);
    expect(endpoint(withAuth).basicAuth).toEqual({
      username: { name: "coturn-metrics", key: "user" },
      password: { name: "coturn-metrics", key: "password" },
    });
  });
});
