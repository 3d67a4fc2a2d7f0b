import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dependenciesOf } from "../shared/dependencies";
import { placeOn } from "../shared/node-roles";
import { podSecurityLabels } from "../shared/pod-security";
import { chartSource, versions } from "../../lib/versions";

/** Namespace of the KEDA operator, its metrics API server and its admission webhooks. */
export const KEDA_NAMESPACE = "keda";

/** No settings: the chart's values are platform decisions, and the provider comes through the options. */
export type KedaArgs = Record<string, never>;

/**
 * KEDA from its official chart (kedacore/charts `keda`), on system nodes: the operator turns ScaledObjects
 * into HorizontalPodAutoscalers fed by its external metrics API (here the egress pool's Prometheus query).
 * The chart installs the KEDA CRDs with itself, so a ScaledObject must depend on `release`: Pulumi then
 * creates it after the CRDs exist and the operator and webhooks are ready. Give it the cluster's Kubernetes
 * provider (`providers`) and the node group it runs on (`dependsOn`: the chart's pods must find a node within
 * Helm's wait) in its options.
 */
export class Keda extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, _args: KedaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:autoscaling:Keda", name, {}, opts);
    // Restricted: the chart's pods run as non-root with every capability dropped, no privilege escalation and
    // the runtime's seccomp profile, off the host network, with Secret volumes only (kedacore/charts v2.20.2
    // keda/values.yaml podSecurityContext and securityContext, `useHostNetwork: false`; the values below keep
    // them). A patch, not a Namespace: Helm created the namespace (`createNamespace`) on clusters installed
    // before, and creating an object that exists fails; server-side apply creates it where it does not exist yet.
    const namespace = new k8s.core.v1.NamespacePatch(
      name,
      { metadata: { name: KEDA_NAMESPACE, labels: podSecurityLabels("restricted") } },
      { parent: this, dependsOn: dependenciesOf(opts) },
    );
    this.release = new k8s.helm.v3.Release(
      name,
      {
        name: "keda",
        ...chartSource(versions.charts.keda),
        namespace: KEDA_NAMESPACE,
        createNamespace: true,
        values: {
          crds: { install: true },
          // Every KEDA pod (operator, metrics API server, webhooks) on system nodes.
          ...placeOn("system"),
          // KEDA's "operate/cluster" docs: the operator runs active/standby (leader election), so two cut a
          // failover short; the metrics API server is supported with one replica (the API server cannot route
          // between several on EKS, which offers no --enable-aggregator-routing). While it restarts, the HPA
          // keeps its last replica count.
          operator: { replicaCount: 2 },
          metricsServer: { replicaCount: 1 },
          webhooks: { replicaCount: 2 },
          podDisruptionBudget: { operator: { maxUnavailable: 1 }, webhooks: { maxUnavailable: 1 } },
        },
      },
      { parent: this, dependsOn: [...dependenciesOf(opts), namespace] },
    );
    this.registerOutputs({});
  }
}
