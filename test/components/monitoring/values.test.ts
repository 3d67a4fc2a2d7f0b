/**
 * The monitoring charts' values as their builders make them (components/monitoring/values.ts). What the component
 * gives them (the StorageClass, Grafana's Secret, Alertmanager's config) and the releases themselves:
 * monitoring.plan.test.ts and alerting.plan.test.ts.
 */
import {
  ALERTMANAGER_SERVICE_ACCOUNT,
  kubePrometheusStackValues,
  operatorCrdsValues,
} from "../../../components/monitoring/values";
import { versions } from "../../../lib/versions";
import { chartKeys, unreadValuePaths } from "../../support/chart-values";
import { plain } from "../../support/builders";
import { quantityValue } from "../../support/kubernetes-quantity";

const values = plain(
  kubePrometheusStackValues({
    region: "mumbai",
    storageClassName: "gp3",
    retention: { time: "15d", size: "90GB", volumeSize: "100Gi" },
    alertmanagerConfig: { route: { receiver: "platform" }, receivers: [{ name: "platform" }] },
    grafanaAdminSecret: "grafana-admin",
  }),
);

/**
 * A value as the chart reads it: ours where we set one (Helm's merge keeps any value but null), else the chart's
 * own default (`chartDefault`, from the values.yaml the test cites).
 */
const chartValue = (path: string, chartDefault: unknown): unknown => {
  const ours = path.split(".").reduce<any>((at, key) => at?.[key], values);
  return ours === undefined || ours === null ? chartDefault : ours;
};

describe("kube-prometheus-stack's values", () => {
  // charts/kube-prometheus-stack/templates/prometheus/prometheus.yaml at kube-prometheus-stack-88.5.3: each
  // selector is ours, else `matchLabels: {release: <release>}` while `<kind>SelectorNilUsesHelmValues` is true
  // (values.yaml: true for all five), else `{}`, which selects every object of the kind.
  it("select every PodMonitor, ServiceMonitor, PrometheusRule, Probe and ScrapeConfig, of any release", () => {
    for (const kind of ["serviceMonitor", "podMonitor", "rule", "probe", "scrapeConfig"]) {
      const spec = `prometheus.prometheusSpec.${kind}`;
      const selector =
        chartValue(`${spec}Selector`, undefined) ??
        (chartValue(`${spec}SelectorNilUsesHelmValues`, true) ? { matchLabels: { release: "monitoring" } } : {});
      expect({ kind, selector }).toEqual({ kind, selector: {} });
    }
  });

  // EKS runs etcd, the scheduler and the controller manager out of reach, and its kube-proxy serves metrics on
  // 127.0.0.1 only: a ServiceMonitor for one finds no target, and the chart's `absent(up{job=...})` alerts
  // (KubeSchedulerDown, KubeControllerManagerDown, KubeProxyDown) fire for ever. At kube-prometheus-stack-88.5.3
  // templates/exporters/<component>/servicemonitor.yaml renders when `<component>.enabled`,
  // `<component>.serviceMonitor.enabled` and `kubernetesServiceMonitors.enabled` (values.yaml: each true), and
  // each templates/prometheus/rules-1.14 group of the component also needs `<component>.enabled`.
  it("scrape and alert on none of the control plane EKS keeps out of reach", () => {
    for (const component of ["kubeEtcd", "kubeControllerManager", "kubeScheduler", "kubeProxy"]) {
      const enabled = chartValue(`${component}.enabled`, true);
      const serviceMonitor =
        enabled &&
        chartValue(`${component}.serviceMonitor.enabled`, true) &&
        chartValue("kubernetesServiceMonitors.enabled", true);
      const rules = chartValue("defaultRules.create", true) && enabled;
      expect({ component, serviceMonitor, rules }).toEqual({ component, serviceMonitor: false, rules: false });
    }
  });

  // The chart's helper kube-prometheus-stack.alertmanager.serviceAccountName (templates/_helpers.tpl at
  // kube-prometheus-stack-88.5.3): with `create` (default true) the chart makes the account, named `name` or
  // else `<fullname>-alertmanager`; without it, the pods run as `name` (else `default`), which nothing creates.
  // The component's pod identity association names ALERTMANAGER_SERVICE_ACCOUNT: the pods must run as it.
  it("run Alertmanager as the service account the chart creates and the pod identity names", () => {
    const create = chartValue("alertmanager.serviceAccount.create", true);
    const name = chartValue("alertmanager.serviceAccount.name", "");
    const podsRunAs = create ? name || "monitoring-kube-prometheus-alertmanager" : name || "default";
    expect({ create, podsRunAs }).toEqual({ create: true, podsRunAs: ALERTMANAGER_SERVICE_ACCOUNT });
    expect(ALERTMANAGER_SERVICE_ACCOUNT).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it("keep metrics on a persistent volume with retention and label them with the region", () => {
    const spec = values.prometheus.prometheusSpec;
    expect(spec.externalLabels).toEqual({ region: "mumbai" });
    expect(spec).toMatchObject({ retention: "15d", retentionSize: "90GB" });
    expect(spec.storageSpec.volumeClaimTemplate.spec).toMatchObject({
      storageClassName: "gp3",
      resources: { requests: { storage: "100Gi" } },
    });
  });

  // Every pod the chart and its subcharts run, by the value its template reads the node selector from (the
  // admission webhook's patch Job: templates/prometheus-operator/admission-webhooks/job-patch/*.yaml;
  // Alertmanager: templates/alertmanager/alertmanager.yaml).
  it("run every pod of the chart on system nodes, and node-exporter on every node", () => {
    const system = { "livekit-platform/node-role": "system" };
    for (const path of [
      "prometheus.prometheusSpec",
      "alertmanager.alertmanagerSpec",
      "grafana",
      "prometheusOperator",
      "prometheusOperator.admissionWebhooks.patch",
      "kube-state-metrics",
    ])
      expect({ path, nodeSelector: chartValue(`${path}.nodeSelector`, {}) }).toEqual({ path, nodeSelector: system });
    expect(values["prometheus-node-exporter"].tolerations).toEqual([{ operator: "Exists" }]);
  });

  // Each claim template must be one the API server and the EBS CSI driver accept: at least one access mode
  // (kubernetes pkg/apis/core/validation/validation.go ValidatePersistentVolumeClaimSpec), only modes an EBS
  // volume attaches with (ReadWriteOnce, ReadWriteOncePod: aws-ebs-csi-driver docs), and a size that parses as a
  // Kubernetes quantity within what EBS makes of a gp3 volume (1 GiB to 16 TiB: EBS user guide, volume types).
  it("claim volumes the API server and EBS accept, for Prometheus, Alertmanager and Grafana", () => {
    const GiB = 2 ** 30;
    const claims = {
      prometheus: values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec,
      alertmanager: values.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec,
      // grafana-12.11.1 values.yaml: accessModes [ReadWriteOnce] unless set.
      grafana: {
        accessModes: chartValue("grafana.persistence.accessModes", ["ReadWriteOnce"]),
        resources: { requests: { storage: values.grafana.persistence.size } },
      },
    };
    for (const [name, claim] of Object.entries(claims)) {
      expect({ name, modes: claim.accessModes.length > 0 }).toEqual({ name, modes: true });
      for (const mode of claim.accessModes) expect(["ReadWriteOnce", "ReadWriteOncePod"]).toContain(mode);
      const bytes = quantityValue(claim.resources.requests.storage);
      expect({ name, bytes: bytes >= GiB && bytes <= 16 * 1024 * GiB }).toEqual({ name, bytes: true });
    }
  });

  // prometheus-operator copies the policy to the StatefulSet; Kubernetes defaults an empty `whenDeleted` or
  // `whenScaled` to Retain (pkg/apis/apps/v1/defaults.go SetDefaults_StatefulSet). Retained claims keep their EBS
  // volumes (and their cost) after `helm uninstall`.
  it("delete the Prometheus and Alertmanager volumes with their StatefulSets, and keep them on scale-down", () => {
    for (const spec of [values.prometheus.prometheusSpec, values.alertmanager.alertmanagerSpec]) {
      const policy = spec.persistentVolumeClaimRetentionPolicy ?? {};
      expect({ whenDeleted: policy.whenDeleted || "Retain", whenScaled: policy.whenScaled || "Retain" }).toEqual({
        whenDeleted: "Delete",
        whenScaled: "Retain",
      });
    }
  });

  // Kubernetes' QoS classes (pkg/apis/core/helper/qos/qos.go): no request nor limit is BestEffort, evicted first
  // under node memory pressure. A request left out takes the limit's value (defaults.go). A memory limit lets a
  // cardinality burst OOM-kill Prometheus alone instead of starving the system node's other pods.
  it("reserve CPU and memory for Prometheus and cap its memory above the request", () => {
    const { requests = {}, limits = {} } = values.prometheus.prometheusSpec.resources ?? {};
    const effective = { ...limits, ...requests };
    expect(quantityValue(effective.cpu)).toBeGreaterThan(0);
    expect(quantityValue(effective.memory)).toBeGreaterThan(0);
    expect(quantityValue(limits.memory)).toBeGreaterThanOrEqual(quantityValue(effective.memory));
  });

  // grafana-12.11.1: templates/pvc.yaml makes the claim only with `persistence.enabled` (values.yaml: false), and
  // templates/deployment.yaml takes `deploymentStrategy` (values.yaml: RollingUpdate; Kubernetes defaults an
  // empty type to RollingUpdate too). A rolling update starts the new pod before the old one lets go of its
  // ReadWriteOnce volume, and on another node it never attaches.
  it("keep Grafana's database on a volume and replace its pod rather than roll it", () => {
    expect(chartValue("grafana.persistence.enabled", false)).toBe(true);
    const strategy = chartValue("grafana.deploymentStrategy.type", "RollingUpdate") || "RollingUpdate";
    expect(strategy).toBe("Recreate");
  });

  it("read Grafana's admin password from the Secret and load dashboards from labelled ConfigMaps", () => {
    expect(values.grafana.admin).toEqual({
      existingSecret: "grafana-admin",
      userKey: "admin-user",
      passwordKey: "admin-password",
    });
    expect(values.grafana.sidecar.dashboards).toMatchObject({
      enabled: true,
      label: "grafana_dashboard",
      labelValue: "1",
    });
  });

  it("install none of the operator's CRDs (their own release does)", () => {
    expect(values.crds).toEqual({ enabled: false });
  });

  // A chart ignores a value it does not read; each value must be a key of the pinned chart (test/support/chart-values.ts).
  it("are only values the pinned chart reads", () => {
    const pinned = versions.charts.kubePrometheusStack;
    expect(unreadValuePaths(values, chartKeys(pinned.chart, pinned.version))).toEqual([]);
  });
});

describe("prometheus-operator-crds' values", () => {
  it("keep the CRDs on helm uninstall", () => {
    expect(operatorCrdsValues()).toEqual({ crds: { annotations: { "helm.sh/resource-policy": "keep" } } });
  });

  it("are only values the pinned chart reads", () => {
    const pinned = versions.charts.prometheusOperatorCrds;
    expect(unreadValuePaths(operatorCrdsValues(), chartKeys(pinned.chart, pinned.version))).toEqual([]);
  });
});
