import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dependenciesOf } from "../shared/dependencies";
import { placeOn } from "../shared/node-roles";
import { chartSource, versions } from "../../lib/versions";

/** No settings: the chart's values are platform decisions, and the provider comes through the options. */
export type MetricsServerArgs = Record<string, never>;

/**
 * metrics-server: the resource metrics API the HorizontalPodAutoscalers of LiveKit and Egress read.
 * EKS does not install it; without it the HPAs never scale. Give it the cluster's Kubernetes provider
 * (`providers`) and the system node group (`dependsOn`) in its options.
 */
export class MetricsServer extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, _args: MetricsServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:autoscaling:MetricsServer", name, {}, opts);
    this.release = new k8s.helm.v3.Release(
      name,
      {
        name: "metrics-server",
        ...chartSource(versions.charts.metricsServer),
        namespace: "kube-system",
        values: {
          // Two replicas and a budget: autoscaling stops while the API is down.
          replicas: 2,
          podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
          ...placeOn("system"),
        },
      },
      // Helm waits for the pods, which run on the system nodes.
      { parent: this, dependsOn: dependenciesOf(opts) },
    );
    this.registerOutputs({});
  }
}
