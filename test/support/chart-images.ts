/**
 * The container images each pinned Helm chart runs, rendered from a release's values the way the chart's templates
 * write them. Helm does not run in the offline plan, so this table stands in for `helm template`: each image lists
 * its value paths and the defaults of the chart's values.yaml (and of the parent chart's values for a subchart) at
 * the pinned version, and formats the reference as the named template does. Only the images the charts render with
 * the platform's values are listed (disabled components, such as the Thanos ruler, kube-rbac-proxy or Grafana's
 * image renderer, and `helm test` pods are not).
 */
type Values = Record<string, unknown>;

/** The value at a dotted path, or undefined. */
function at(values: unknown, dotted: string): unknown {
  let node = values;
  for (const key of dotted.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Values)[key];
  }
  return node;
}

/** Helm's `default`: the value unless it is empty (undefined, null, "" or false). */
const orDefault = (value: unknown, fallback: string): string =>
  value === undefined || value === null || value === "" || value === false ? fallback : String(value);

interface Defaults {
  registry?: string;
  repository: string;
  tag: string;
}

/**
 * `<global.imageRegistry | default image.registry>/<image.repository>:<image.tag | default>[@sha256:<sha>]`:
 * kube-prometheus-stack's templates, kube-state-metrics' and Grafana's.
 */
const registryImage =
  (image: string, d: Required<Defaults>, globalRegistry: string, suffix = "") =>
  (v: Values) => {
    // A subchart's `global` is its own merged with the parent's (Helm's globals flow down).
    const global = [globalRegistry, "global.imageRegistry"].map((path) => at(v, path)).find((r) => r);
    const registry = orDefault(global, orDefault(at(v, `${image}.registry`), d.registry));
    const sha = at(v, `${image}.sha`);
    return `${registry}/${orDefault(at(v, `${image}.repository`), d.repository)}:${orDefault(at(v, `${image}.tag`), d.tag)}${suffix}${sha ? `@sha256:${String(sha)}` : ""}`;
  };

/** `<image.repository>:<image.tag | default>`, the host inside the repository (eks-charts, metrics-server). */
const repositoryImage = (image: string, d: Defaults, prefix?: string) => (v: Values) =>
  `${prefix ? orDefault(at(v, prefix), "") : ""}${orDefault(at(v, `${image}.repository`), d.repository)}:${orDefault(at(v, `${image}.tag`), d.tag)}`;

export interface ChartImage {
  /** What runs it, as "<workload> <container>". */
  container: string;
  render: (values: Values) => string;
}

const KPS = "kube-prometheus-stack-88.5.3";
const GRAFANA_GLOBAL = "grafana.global.imageRegistry";

/** Per chart, `<chart>-<version>`: the images it runs. */
export const CHART_IMAGES: Record<string, ChartImage[]> = {
  // prometheus-community/helm-charts kube-prometheus-stack-88.5.3: values.yaml and templates/alertmanager/alertmanager.yaml,
  // templates/prometheus/prometheus.yaml, templates/prometheus-operator/deployment.yaml (appVersion v0.93.1 is the
  // operator's and the reloader's tag), admission-webhooks/job-patch/job-createSecret.yaml and job-patchWebhook.yaml.
  [KPS]: [
    {
      container: "Alertmanager alertmanager",
      render: registryImage(
        "alertmanager.alertmanagerSpec.image",
        { registry: "quay.io", repository: "prometheus/alertmanager", tag: "v0.34.0" },
        "global.imageRegistry",
      ),
    },
    {
      container: "Prometheus prometheus",
      render: registryImage(
        "prometheus.prometheusSpec.image",
        { registry: "quay.io", repository: "prometheus/prometheus", tag: "v3.14.0-distroless" },
        "global.imageRegistry",
      ),
    },
    {
      container: "Deployment prometheus-operator",
      render: registryImage(
        "prometheusOperator.image",
        { registry: "quay.io", repository: "prometheus-operator/prometheus-operator", tag: "v0.93.1" },
        "global.imageRegistry",
      ),
    },
    {
      container: "Prometheus and Alertmanager config-reloader (the operator's --prometheus-config-reloader)",
      render: registryImage(
        "prometheusOperator.prometheusConfigReloader.image",
        { registry: "quay.io", repository: "prometheus-operator/prometheus-config-reloader", tag: "v0.93.1" },
        "global.imageRegistry",
      ),
    },
    {
      container: "Job admission-create and admission-patch (pre-install and pre-upgrade hooks)",
      render: registryImage(
        "prometheusOperator.admissionWebhooks.patch.image",
        { registry: "ghcr.io", repository: "jkroepke/kube-webhook-certgen", tag: "1.8.7" },
        "global.imageRegistry",
      ),
    },
    // kube-state-metrics-8.4.0 templates/_helpers.tpl "kube-state-metrics.image": tag v<appVersion 2.20.0>.
    {
      container: "Deployment kube-state-metrics",
      render: registryImage(
        "kube-state-metrics.image",
        { registry: "registry.k8s.io", repository: "kube-state-metrics/kube-state-metrics", tag: "v2.20.0" },
        "kube-state-metrics.global.imageRegistry",
      ),
    },
    // prometheus-node-exporter-4.56.1 templates/_helpers.tpl "prometheus-node-exporter.image": tag v<appVersion
    // 1.12.1>, "-distroless" since kube-prometheus-stack's values set `image.distroless: true`.
    {
      container: "DaemonSet node-exporter",
      render: (v) =>
        registryImage(
          "prometheus-node-exporter.image",
          { registry: "quay.io", repository: "prometheus/node-exporter", tag: "v1.12.1" },
          "prometheus-node-exporter.global.imageRegistry",
          at(v, "prometheus-node-exporter.image.distroless") === false ? "" : "-distroless",
        )(v),
    },
    // grafana-community/helm-charts grafana-12.11.1 templates/_pod.tpl: the server (appVersion 13.2.0),
    // init-chown-data (persistence on) and the dashboards and datasources sidecars.
    {
      container: "Deployment grafana",
      render: registryImage(
        "grafana.image",
        { registry: "docker.io", repository: "grafana/grafana", tag: "13.2.0" },
        GRAFANA_GLOBAL,
      ),
    },
    {
      container: "Deployment grafana init-chown-data",
      render: registryImage(
        "grafana.initChownData.image",
        { registry: "docker.io", repository: "library/busybox", tag: "1.38.0" },
        GRAFANA_GLOBAL,
      ),
    },
    {
      container: "Deployment grafana grafana-sc-dashboard, grafana-sc-datasources",
      render: registryImage(
        "grafana.sidecar.image",
        { registry: "quay.io", repository: "kiwigrid/k8s-sidecar", tag: "2.10.1" },
        GRAFANA_GLOBAL,
      ),
    },
  ],
  // kubernetes-sigs/aws-ebs-csi-driver helm-chart-aws-ebs-csi-driver-2.64.0: values.yaml, templates/_helpers.tpl
  // "aws-ebs-csi-driver.fullImagePath" (tag v<appVersion 1.64.0>), templates/controller.yaml and _node.tpl.
  "aws-ebs-csi-driver-2.64.0": [
    ["ebs-csi-controller and ebs-csi-node ebs-plugin", "image", "ebs-csi-driver/aws-ebs-csi-driver", "v1.64.0"],
    [
      "ebs-csi-controller csi-provisioner",
      "sidecars.provisioner.image",
      "csi-components/csi-provisioner",
      "v6.3.0-eksbuild.4",
    ],
    ["ebs-csi-controller csi-attacher", "sidecars.attacher.image", "csi-components/csi-attacher", "v4.12.0-eksbuild.5"],
    [
      "ebs-csi-controller csi-snapshotter (when the snapshot API exists)",
      "sidecars.snapshotter.image",
      "csi-components/csi-snapshotter",
      "v8.6.0-eksbuild.5",
    ],
    ["ebs-csi-controller csi-resizer", "sidecars.resizer.image", "csi-components/csi-resizer", "v2.2.1-eksbuild.3"],
    [
      "ebs-csi-controller and ebs-csi-node liveness-probe",
      "sidecars.livenessProbe.image",
      "csi-components/livenessprobe",
      "v2.19.0-eksbuild.5",
    ],
    [
      "ebs-csi-node node-driver-registrar",
      "sidecars.nodeDriverRegistrar.image",
      "csi-components/csi-node-driver-registrar",
      "v2.17.0-eksbuild.5",
    ],
  ].map(([container, image, path, tag]) => ({
    container,
    render: repositoryImage(image, { repository: `public.ecr.aws/${path}`, tag }, "image.containerRegistry"),
  })),
  // aws/eks-charts stable/aws-load-balancer-controller 3.5.0 (commit 5239609): values.yaml, templates/deployment.yaml.
  "aws-load-balancer-controller-3.5.0": [
    {
      container: "Deployment aws-load-balancer-controller",
      render: repositoryImage("image", {
        repository: "public.ecr.aws/eks/aws-load-balancer-controller",
        tag: "v3.5.0",
      }),
    },
  ],
  // kubernetes-sigs/metrics-server metrics-server-helm-chart-3.13.1: templates/_helpers.tpl "metrics-server.image",
  // tag v<appVersion 0.8.1>.
  "metrics-server-3.13.1": [
    {
      container: "Deployment metrics-server",
      render: repositoryImage("image", { repository: "registry.k8s.io/metrics-server/metrics-server", tag: "v0.8.1" }),
    },
  ],
  // kedacore/charts v2.20.2: templates/manager, metrics-server and webhooks deployment.yaml,
  // `<global.image.registry | default image.<x>.registry>/<repository>:<tag | default appVersion 2.20.2>`.
  "keda-2.20.2": (
    [
      ["keda-operator", "keda", "kedacore/keda"],
      ["keda-operator-metrics-apiserver", "metricsApiServer", "kedacore/keda-metrics-apiserver"],
      ["keda-admission-webhooks", "webhooks", "kedacore/keda-admission-webhooks"],
    ] as const
  ).map(([container, image, repository]) => ({
    container: `Deployment ${container}`,
    render: registryImage(
      `image.${image}`,
      { registry: "ghcr.io", repository, tag: "2.20.2" },
      "global.image.registry",
    ),
  })),
  // aws/karpenter-provider-aws v1.14.1, as released (commit c88abbbad "Stable Release updates Release v1.14.1"):
  // charts/karpenter/values.yaml and templates/_helpers.tpl "karpenter.controller.image", `<repository>:<tag>@<digest>`.
  "karpenter-1.14.1": [
    {
      container: "Deployment karpenter controller",
      render: (v) =>
        `${orDefault(at(v, "controller.image.repository"), "public.ecr.aws/karpenter/controller")}:${orDefault(at(v, "controller.image.tag"), "1.14.1")}@${orDefault(at(v, "controller.image.digest"), "sha256:445baefaaa689029cc12ac1f659b916b0b82fb14308ce536f8521fcf079116fa")}`,
    },
  ],
  // Charts of CRDs only: no workload.
  "karpenter-crd-1.14.1": [],
  "prometheus-operator-crds-31.0.1": [],
};

/** The images `chart` at `version` runs with `values`: "<container>" → reference. A chart not in the table fails. */
export function chartImages(chart: string, version: string, values: Values): Map<string, string> {
  const source = `${chart.split("/").pop()}-${version}`;
  const images = CHART_IMAGES[source];
  if (images === undefined) throw new Error(`no image table for ${source}: add it to test/support/chart-images.ts`);
  return new Map(images.map((image) => [image.container, image.render(values)]));
}
