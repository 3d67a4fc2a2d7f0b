/**
 * PodMonitor specs for the workloads Prometheus scrapes (pure, typed with prometheus-operator's model).
 */
import type { IPodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";

/** Pods Prometheus scrapes through a PodMonitor: the pod must declare the named port. */
export interface ScrapeTarget {
  namespace: string;
  /** Labels that select the pods (their Deployment's or DaemonSet's selector). */
  podLabels: Record<string, string>;
  /** Name of the container port serving /metrics. */
  port: string;
  /**
   * Basic-auth credentials Prometheus sends, from a Secret in the PodMonitor's namespace (the monitoring one, not
   * the target's): prometheus-operator reads a monitor's secrets from its own namespace.
   */
  basicAuth?: { secretName: string; usernameKey: string; passwordKey: string };
}

export type PodMonitorSpec = IPodMonitor["spec"];

/** Scrape the target's pods on their named port every 15 s. */
export function podMonitorSpec(target: ScrapeTarget): PodMonitorSpec {
  return {
    namespaceSelector: { matchNames: [target.namespace] },
    selector: { matchLabels: target.podLabels },
    podMetricsEndpoints: [
      {
        port: target.port,
        path: "/metrics",
        interval: "15s",
        ...(target.basicAuth && {
          basicAuth: {
            username: { name: target.basicAuth.secretName, key: target.basicAuth.usernameKey },
            password: { name: target.basicAuth.secretName, key: target.basicAuth.passwordKey },
          },
        }),
      },
    ],
  };
}
