/**
 * The monitoring charts' values as their builders make them (components/monitoring/values.ts). What the component
 * gives them (the StorageClass, Grafana's Secret, Alertmanager's config) and the releases themselves:
 * monitoring.plan.test.ts and alerting.plan.test.ts.
 */
import { kubePrometheusStackValues, operatorCrdsValues } from "../../../components/monitoring/values";
import { versions } from "../../../lib/versions";
import { chartKeys, unreadValuePaths } from "../../support/chart-values";
import { plain } from "../../support/builders";

const values = plain(
  kubePrometheusStackValues({
    region: "mumbai",
    storageClassName: "gp3",
    retention: { time: "15d", size: "90GB", volumeSize: "100Gi" },
    alertmanagerConfig: { route: { receiver: "platform" }, receivers: [{ name: "platform" }] },
    grafanaAdminSecret: "grafana-admin",
  }),
);

describe("kube-prometheus-stack's values", () => {
  it("select every PodMonitor, ServiceMonitor and PrometheusRule", () => {
    expect(values.prometheus.prometheusSpec).toMatchObject({
      serviceMonitorSelectorNilUsesHelmValues: false,
      podMonitorSelectorNilUsesHelmValues: false,
      ruleSelectorNilUsesHelmValues: false,
    });
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

  it("run Prometheus, Grafana and the operator on system nodes and node-exporter everywhere", () => {
    const system = { "livekit-platform/node-role": "system" };
    expect(values.prometheus.prometheusSpec.nodeSelector).toEqual(system);
    expect(values.grafana.nodeSelector).toEqual(system);
    expect(values.prometheusOperator.nodeSelector).toEqual(system);
    expect(values["prometheus-node-exporter"].tolerations).toEqual([{ operator: "Exists" }]);
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
