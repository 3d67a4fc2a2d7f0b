import * as k8s from "@pulumi/kubernetes";
import { BlockStorage } from "../../../components/block-storage";
import { Monitoring } from "../../../components/monitoring";
import { kubePrometheusStackValues, operatorCrdsValues } from "../../../components/monitoring/values";
import { findResource, inputsOf, isSecret, PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import { versions } from "../../../lib/versions";
import { plain } from "../../support/builders";
import { runComponents } from "../../support/plan";

/** What the region's Credentials generate (test/components/credentials): a plain string here. */
const GRAFANA_PASSWORD = "GrafanaAdmin0123456789abcdefghij";

const target = (namespace: string, app: string, port: string) => ({ namespace, podLabels: { app }, port });

describe("Monitoring", () => {
  let result: PlanResult;
  let values: Record<string, any>;
  beforeAll(async () => {
    result = await runComponents(() => {
      const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
      const storage = new BlockStorage("storage", { clusterName: "livekit-mumbai" }, { providers: [provider] });
      new Monitoring(
        "monitoring",
        {
          region: "mumbai",
          storageClassName: storage.storageClassName,
          alerts: {
            capacity: { maxRooms: 1000, maxParticipants: 20000 },
            sfu: { namespace: "livekit", deployment: "livekit-server" },
          },
          scrapeTargets: {
            livekit: {
              ...target("livekit", "livekit-server", "metrics"),
              basicAuth: { secretName: "livekit-metrics", usernameKey: "username", passwordKey: "password" },
            },
            egress: target("livekit", "livekit-egress", "metrics"),
            coturn: target("livekit", "coturn", "metrics"),
          },
          retention: { time: "15d", size: "90GB", volumeSize: "100Gi" },
          alerting: { clusterName: "livekit-mumbai", emailSubscriptions: [] },
          grafanaAdminPassword: GRAFANA_PASSWORD,
        },
        { providers: [provider], dependsOn: [storage] },
      );
    });
    values = inputsOf(findResource(result, "kubernetes:helm.sh/v3:Release", "monitoring-stack")).values;
  });

  // The values themselves: values.test.ts. Here, the release and what the component gives the values.
  it("pins kube-prometheus-stack", () => {
    const release = inputsOf(findResource(result, "kubernetes:helm.sh/v3:Release", "monitoring-stack"));
    expect(release).toMatchObject({
      chart: "kube-prometheus-stack",
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
    });
  });

  it("passes the values its builder makes, on the StorageClass, Grafana's Secret and Alertmanager's config", () => {
    // Alertmanager's config itself: alerting.plan.test.ts.
    const storageClass = inputsOf(findResource(result, "kubernetes:storage.k8s.io/v1:StorageClass", "storage-gp3"));
    const grafanaAdmin = inputsOf(findResource(result, "kubernetes:core/v1:Secret", "monitoring-grafana-admin"));
    expect(values).toEqual(
      plain(
        kubePrometheusStackValues({
          region: "mumbai",
          storageClassName: storageClass.metadata.name,
          retention: { time: "15d", size: "90GB", volumeSize: "100Gi" },
          alertmanagerConfig: values.alertmanager.config,
          grafanaAdminSecret: grafanaAdmin.metadata.name,
        }),
      ),
    );
  });

  it("keeps metrics on persistent gp3 storage, the BlockStorage StorageClass", () => {
    const spec = values.prometheus.prometheusSpec;
    expect(spec.externalLabels).toEqual({ region: "mumbai" });
    expect(spec.storageSpec.volumeClaimTemplate.spec.storageClassName).toBe("gp3");
    const storageClass = inputsOf(findResource(result, "kubernetes:storage.k8s.io/v1:StorageClass", "storage-gp3"));
    expect(storageClass).toMatchObject({
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true" },
      volumeBindingMode: "WaitForFirstConsumer",
    });
  });

  it("gives the EBS CSI driver its IAM permissions through Pod Identity", () => {
    const association = inputsOf(resourcesOfType(result, "aws:eks/podIdentityAssociation:PodIdentityAssociation")[0]);
    expect(association).toMatchObject({
      namespace: "kube-system",
      serviceAccount: "ebs-csi-controller-sa",
      clusterName: "livekit-mumbai",
    });
    const attachment = inputsOf(resourcesOfType(result, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")[0]);
    expect(attachment.policyArn).toBe("arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy");
  });

  it("reads Grafana's admin password from its Secret and ships the dashboards in labelled ConfigMaps", () => {
    const secret = inputsOf(findResource(result, "kubernetes:core/v1:Secret", "monitoring-grafana-admin"));
    expect(values.grafana.admin.existingSecret).toBe(secret.metadata.name);
    expect(Object.keys(secret.stringData).sort()).toEqual([
      values.grafana.admin.passwordKey,
      values.grafana.admin.userKey,
    ]);
    const dashboards = resourcesOfType(result, "kubernetes:core/v1:ConfigMap").map((r) => inputsOf(r));
    expect(dashboards.map((d) => d.metadata.labels)).toEqual([{ grafana_dashboard: "1" }, { grafana_dashboard: "1" }]);
    for (const d of dashboards)
      expect(() => JSON.parse(Object.values(d.data as Record<string, string>)[0])).not.toThrow();
  });

  it("puts the admin password it is given in that Secret, secret, and generates none of its own", () => {
    const secret = findResource(result, "kubernetes:core/v1:Secret", "monitoring-grafana-admin");
    expect(inputsOf(secret).stringData).toEqual({ "admin-user": "admin", "admin-password": GRAFANA_PASSWORD });
    const stringData = secret.inputs.stringData as Record<string, unknown>;
    expect(isSecret(stringData) || isSecret(stringData["admin-password"])).toBe(true);
    expect(resourcesOfType(result, "random:index/randomPassword:RandomPassword")).toEqual([]);
  });

  it("installs the chart, whose volumes need the storage driver, after the component's dependsOn (BlockStorage)", () => {
    const release = findResource(result, "kubernetes:helm.sh/v3:Release", "monitoring-stack");
    const storageClass = findResource(result, "kubernetes:storage.k8s.io/v1:StorageClass", "storage-gp3");
    const driver = findResource(result, "kubernetes:helm.sh/v3:Release", "storage-ebs-csi");
    expect(release.options.dependsOn).toEqual(expect.arrayContaining([storageClass.urn, driver.urn]));
  });

  // Which pods and which port each PodMonitor scrapes is checked on the real region stacks, against the real
  // Deployments, DaemonSet and rendered configs: test/stacks/region-wiring.plan.test.ts. Here, only what the
  // component adds around them.
  it("renders one PodMonitor per target, after the CRDs, with basic auth read from the target's Secret", () => {
    const release = findResource(result, "kubernetes:helm.sh/v3:Release", "monitoring-stack");
    const planned = resourcesOfType(result, "kubernetes:monitoring.coreos.com/v1:PodMonitor");
    for (const r of planned) expect(r.dependencies).toContain(release.urn);
    const monitors = planned.map((r) => inputsOf(r));
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual(["coturn", "egress", "livekit"]);
    const livekit = monitors.find((m) => m.metadata.name === "livekit")!;
    expect(livekit.spec.podMetricsEndpoints[0].basicAuth).toEqual({
      username: { name: "livekit-metrics", key: "username" },
      password: { name: "livekit-metrics", key: "password" },
    });
    const egress = monitors.find((m) => m.metadata.name === "egress")!;
    expect(egress.spec.podMetricsEndpoints[0]).not.toHaveProperty("basicAuth");
  });

  describe("the prometheus-operator CRDs", () => {
    const RELEASE = "kubernetes:helm.sh/v3:Release";
    const crds = () => findResource(result, RELEASE, "monitoring-crds");
    const stack = () => findResource(result, RELEASE, "monitoring-stack");

    it("come from their own pinned release, for the operator version the stack chart runs", () => {
      expect(inputsOf(crds())).toMatchObject({
        name: "prometheus-operator-crds",
        chart: "prometheus-operator-crds",
        version: versions.charts.prometheusOperatorCrds.version,
        repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
        namespace: "monitoring",
      });
      // The prometheus-operator version of each chart version: `appVersion` in charts/<chart>/Chart.yaml at
      // prometheus-community/helm-charts tag <chart>-<version>. Add the new versions here when bumping the pair.
      const operatorOf: Record<string, Record<string, string>> = {
        "kube-prometheus-stack": { "88.5.3": "v0.93.1" },
        "prometheus-operator-crds": { "31.0.1": "v0.93.1" },
      };
      const { kubePrometheusStack: stackChart, prometheusOperatorCrds: crdsChart } = versions.charts;
      const operator = operatorOf[stackChart.chart][stackChart.version];
      expect(operator).toBeDefined();
      expect(operatorOf[crdsChart.chart][crdsChart.version]).toBe(operator);
    });

    it("are installed before the stack chart, which installs none of its own", () => {
      expect(stack().dependencies).toContain(crds().urn);
      const release = inputsOf(stack());
      expect(release.skipCrds).toBe(true);
    });

    it("adopt the CRDs a cluster got from the stack chart's crds/ folder, without ownership metadata", () => {
      expect(inputsOf(crds()).takeOwnership).toBe(true);
    });

    it("are never deleted: not by pulumi destroy, not by helm uninstall", () => {
      expect(crds().options.retainOnDelete).toBe(true);
      expect(inputsOf(crds()).values).toEqual(operatorCrdsValues());
    });

    it("exist before any PodMonitor or PrometheusRule is created", () => {
      const custom = [
        ...resourcesOfType(result, "kubernetes:monitoring.coreos.com/v1:PodMonitor"),
        ...resourcesOfType(result, "kubernetes:monitoring.coreos.com/v1:PrometheusRule"),
      ];
      expect(custom).toHaveLength(4);
      for (const r of custom) expect(r.dependencies).toEqual(expect.arrayContaining([crds().urn, stack().urn]));
    });
  });

  // Whether each value is one the pinned chart reads: values.test.ts (test/support/chart-values.ts).
  it.each([
    ["monitoring-stack", versions.charts.kubePrometheusStack],
    ["monitoring-crds", versions.charts.prometheusOperatorCrds],
  ])("installs %s from its pinned chart", (name, pinned) => {
    const release = inputsOf(findResource(result, "kubernetes:helm.sh/v3:Release", name));
    expect(release).toMatchObject({ chart: pinned.chart, version: pinned.version });
  });

  it("deletes the monitoring namespace, and with it every volume claim, before the storage driver", () => {
    const namespace = findResource(result, "kubernetes:core/v1:Namespace", "monitoring-ns");
    const driver = findResource(result, "kubernetes:helm.sh/v3:Release", "storage-ebs-csi");
    const guard = findResource(result, "kubernetes:apps/v1:Deployment", "storage-volume-guard");
    expect(namespace.dependencies).toEqual(expect.arrayContaining([driver.urn, guard.urn]));
  });

  it("installs the alert table with the region's planned capacity, after the CRDs exist", () => {
    const rule = findResource(result, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "monitoring-alerts");
    const release = findResource(result, "kubernetes:helm.sh/v3:Release", "monitoring-stack");
    expect(rule.dependencies).toContain(release.urn);
    const alerts = inputsOf(rule).spec.groups.flatMap((g: any) => g.rules);
    const rooms = alerts.find((a: any) => a.alert === "LiveKitRoomsNearCapacity");
    expect(rooms.expr).toContain("1000");
    expect(alerts.every((a: any) => a.labels.region === "mumbai")).toBe(true);
  });
});
