/**
 * The Helm values of the monitoring charts (pure: Pulumi types only). Every key is one the pinned chart reads
 * (test/support/chart-values.ts checks them against the chart's own values.yaml).
 */
import type { Input } from "@pulumi/pulumi";
import { placeOn } from "../shared/node-roles";

/** Alertmanager's service account (kube-prometheus-stack `alertmanager.serviceAccount.name`). */
export const ALERTMANAGER_SERVICE_ACCOUNT = "alertmanager";

/** Helm's per-object annotation that keeps an object on uninstall and upgrade (`keep`). */
const HELM_RESOURCE_POLICY = "helm.sh/resource-policy";

export interface StackValuesInput {
  /** Prometheus' external label `region`. */
  region: string;
  /** StorageClass of the Prometheus, Alertmanager and Grafana volumes. */
  storageClassName: Input<string>;
  /** How long and how much Prometheus keeps, and its volume size. */
  retention: { time: string; size: string; volumeSize: string };
  /** Alertmanager's config (webhook URLs and keys: give it as a secret; the chart writes it to a Secret). */
  alertmanagerConfig: Input<Record<string, unknown>>;
  /** The Secret holding Grafana's admin user and password (`admin-user`, `admin-password`). */
  grafanaAdminSecret: Input<string>;
}

/** A volume claim template of `size` on the given StorageClass. */
const volume = (storageClassName: Input<string>, size: string) => ({
  volumeClaimTemplate: {
    spec: {
      storageClassName,
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: size } },
    },
  },
});

/** kube-prometheus-stack's values: Prometheus, Alertmanager and Grafana on the system nodes, no CRDs of its own. */
export function kubePrometheusStackValues(input: StackValuesInput): Record<string, unknown> {
  const system = placeOn("system");
  return {
    crds: { enabled: false },
    // EKS runs the control plane: etcd, the scheduler, the controller manager and kube-proxy metrics are not reachable.
    kubeEtcd: { enabled: false },
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeProxy: { enabled: false },
    defaultRules: {
      rules: {
        etcd: false,
        kubeControllerManager: false,
        kubeSchedulerAlerting: false,
        kubeSchedulerRecording: false,
        kubeProxy: false,
      },
    },
    prometheusOperator: { ...system, admissionWebhooks: { patch: { ...system } } },
    prometheus: {
      prometheusSpec: {
        // Select every PodMonitor, ServiceMonitor and PrometheusRule, not only those labelled with this release.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        scrapeConfigSelectorNilUsesHelmValues: false,
        externalLabels: { region: input.region },
        retention: input.retention.time,
        retentionSize: input.retention.size,
        storageSpec: volume(input.storageClassName, input.retention.volumeSize),
        // Helm uninstall leaves the operator's PVCs (and their EBS volumes) behind unless told otherwise.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" },
        resources: { requests: { cpu: "1", memory: "4Gi" }, limits: { memory: "8Gi" } },
        ...system,
      },
    },
    alertmanager: {
      serviceAccount: { create: true, name: ALERTMANAGER_SERVICE_ACCOUNT },
      // Holds webhook URLs and keys: the chart writes it to a Secret.
      config: input.alertmanagerConfig,
      alertmanagerSpec: {
        storage: volume(input.storageClassName, "10Gi"),
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" },
        ...system,
      },
    },
    grafana: {
      ...system,
      admin: { existingSecret: input.grafanaAdminSecret, userKey: "admin-user", passwordKey: "admin-password" },
      persistence: { enabled: true, storageClassName: input.storageClassName, size: "10Gi" },
      // Its ReadWriteOnce volume cannot attach to a second pod on another node: replace, do not roll.
      deploymentStrategy: { type: "Recreate" },
      sidecar: {
        dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" },
      },
    },
    "kube-state-metrics": { ...system },
    // Node metrics from every node, the tainted SFU and egress nodes included.
    "prometheus-node-exporter": { tolerations: [{ operator: "Exists" }] },
  };
}

/**
 * The prometheus-operator-crds chart's values: `helm uninstall` of its release, or a later chart without one of
 * them, leaves the CRDs in place (helm pkg/action/resource_policy.go). The chart's values.yaml at
 * prometheus-operator-crds-31.0.1 has `crds.annotations` for this.
 */
export function operatorCrdsValues(): Record<string, unknown> {
  return { crds: { annotations: { [HELM_RESOURCE_POLICY]: "keep" } } };
}
