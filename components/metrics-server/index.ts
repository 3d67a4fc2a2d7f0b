import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { metricsServerImages, type MirrorLocation, withImageValues } from "../shared/chart-images";
import { dependenciesOf } from "../shared/dependencies";
import { placeOn } from "../shared/node-roles";
import { chartSource, versions } from "../../lib/versions";

/** The chart's values are platform decisions, and the provider comes through the options. */
export interface MetricsServerArgs {
  /** The registry mirror's locations: the chart's registry.k8s.io image goes through it. */
  chartImages?: MirrorLocation;
}

/**
 * metrics-server: the resource metrics API LiveKit's HorizontalPodAutoscaler reads (CPU; Egress scales on KEDA's
 * external metrics instead). EKS does not install it; without it the HPA never scales. Give it the cluster's Kubernetes provider
 * (`providers`) and the system node group (`dependsOn`) in its options.
 */
export class MetricsServer extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: MetricsServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:autoscaling:MetricsServer", name, {}, opts);
    this.release = new k8s.helm.v3.Release(
      name,
      {
        name: "metrics-server",
        ...chartSource(versions.charts.metricsServer),
        namespace: "kube-system",
        values: withImageValues(
          {
            // Two replicas and a budget: autoscaling stops while the API is down.
            replicas: 2,
            podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
            ...placeOn("system"),
          },
          args.chartImages && metricsServerImages(args.chartImages),
        ),
      },
      // Helm waits for the pods, which run on the system nodes.
      { parent: this, dependsOn: dependenciesOf(opts) },
    );
    this.registerOutputs({});
  }
}
