/**
 * The images the Helm charts bring themselves, through the region's registry mirror: for each chart, the values
 * that point its images at the mirror's pull-through cache rules. Pure: the RegistryMirror component gives the
 * registries (`chartRegistries()`), each capability merges its chart's values into the release.
 *
 * An ECR pull-through cache serves `<upstream host>/<path>:<tag>` as `<account>.dkr.ecr.<region>.<suffix>/<prefix>/<path>:<tag>`
 * (AWS ECR user guide, "Pulling an image with a pull through cache rule"), so a chart that names the registry apart
 * gets `<host>/<prefix>` as its registry, and one whose repository holds the host gets the whole path. Every key
 * below is one the pinned chart's templates read (the catalogues in test/fixtures/chart-values check it), and the
 * chart-image table in test/support/chart-images.ts renders each image as the templates do.
 *
 * Left on their registries, by choice (docs/security.md, "Chart images"): ghcr.io images (KEDA, the operator's
 * kube-webhook-certgen Job), whose rule would need GitHub credentials; Karpenter's controller, which its chart pins
 * by digest, and ECR's cache cannot fill on a first pull by digest (aws/containers-roadmap#2837).
 */
import type { Input } from "@pulumi/pulumi";

/** The upstream registries the mirror has a pull-through cache rule for, as ECR's rules name them upstream. */
export const MIRRORED_UPSTREAMS = {
  dockerHub: "registry-1.docker.io",
  quay: "quay.io",
  kubernetes: "registry.k8s.io",
  ecrPublic: "public.ecr.aws",
} as const;

export type MirroredUpstream = keyof typeof MIRRORED_UPSTREAMS;

/**
 * Where the mirror serves an upstream registry: with a repository path, that repository
 * (`<mirror host>/<rule prefix>/<path>`); without one, the registry (`<mirror host>/<rule prefix>`).
 */
export type MirrorLocation = (upstream: MirroredUpstream, path?: string) => Input<string>;

type Values = Record<string, unknown>;

const isMap = (value: unknown): value is Values =>
  value !== null &&
  typeof value === "object" &&
  !Array.isArray(value) &&
  Object.getPrototypeOf(value) === Object.prototype;

/**
 * `values` with `overrides` merged in, map by map (an override's scalar or list replaces). `values` itself when
 * there are no overrides, so a release without a mirror keeps exactly the values it had.
 */
export function withImageValues(values: Values, overrides: Values | undefined): Values {
  if (overrides === undefined) return values;
  const merged: Values = { ...values };
  for (const [key, value] of Object.entries(overrides))
    merged[key] = isMap(value) && isMap(merged[key]) ? withImageValues(merged[key], value) : value;
  return merged;
}

const registry = (location: Input<string>) => ({ image: { registry: location } });

/**
 * kube-prometheus-stack 88.5.3 and the subcharts it renders: each template writes
 * `<global.imageRegistry | default image.registry>/<image.repository>:<tag>`, so only the registry changes
 * (global.imageRegistry stays unset: it would send every registry's images to one prefix).
 */
export function kubePrometheusStackImages(at: MirrorLocation): Values {
  const [dockerHub, quay, kubernetes] = [at("dockerHub"), at("quay"), at("kubernetes")];
  return {
    // templates/alertmanager/alertmanager.yaml, templates/prometheus/prometheus.yaml: the operator's custom resources.
    alertmanager: { alertmanagerSpec: registry(quay) },
    prometheus: { prometheusSpec: registry(quay) },
    // templates/prometheus-operator/deployment.yaml: the operator's container and its --prometheus-config-reloader
    // and --thanos-default-base-image arguments (the reloader runs in the Prometheus and Alertmanager pods).
    prometheusOperator: {
      ...registry(quay),
      prometheusConfigReloader: registry(quay),
      thanosImage: { registry: quay },
    },
    // kube-state-metrics 8.4.0 templates/_helpers.tpl "kube-state-metrics.image".
    "kube-state-metrics": registry(kubernetes),
    // prometheus-node-exporter 4.56.1 templates/_helpers.tpl "prometheus-node-exporter.image".
    "prometheus-node-exporter": registry(quay),
    // grafana 12.11.1 templates/_pod.tpl: the server, init-chown-data (persistence is on), download-dashboards
    // and every k8s-sidecar container.
    grafana: {
      ...registry(dockerHub),
      initChownData: registry(dockerHub),
      downloadDashboardsImage: { registry: dockerHub },
      sidecar: registry(quay),
    },
  };
}

/**
 * aws-ebs-csi-driver 2.64.0: every image is `<image.containerRegistry><repository>:<tag>` with the host inside the
 * repository (templates/_helpers.tpl "aws-ebs-csi-driver.fullImagePath", templates/controller.yaml, _node.tpl), so
 * each repository is named whole; the paths are the chart's values.yaml defaults without `public.ecr.aws/`.
 */
export function ebsCsiDriverImages(at: MirrorLocation): Values {
  const repository = (path: string) => ({ image: { repository: at("ecrPublic", path) } });
  return {
    ...repository("ebs-csi-driver/aws-ebs-csi-driver"),
    sidecars: {
      provisioner: repository("csi-components/csi-provisioner"),
      attacher: repository("csi-components/csi-attacher"),
      snapshotter: repository("csi-components/csi-snapshotter"),
      livenessProbe: repository("csi-components/livenessprobe"),
      resizer: repository("csi-components/csi-resizer"),
      nodeDriverRegistrar: repository("csi-components/csi-node-driver-registrar"),
      volumemodifier: repository("ebs-csi-driver/volume-modifier-for-k8s"),
    },
  };
}

/**
 * aws-load-balancer-controller 3.5.0 (aws/eks-charts): `<image.repository>:<image.tag>`, the host inside the
 * repository (templates/deployment.yaml), default public.ecr.aws/eks/aws-load-balancer-controller.
 */
export function loadBalancerControllerImages(at: MirrorLocation): Values {
  return { image: { repository: at("ecrPublic", "eks/aws-load-balancer-controller") } };
}

/**
 * metrics-server 3.13.1: `<image.repository>:<tag>`, the host inside the repository (templates/_helpers.tpl
 * "metrics-server.image"), default registry.k8s.io/metrics-server/metrics-server. The addon-resizer is off.
 */
export function metricsServerImages(at: MirrorLocation): Values {
  return { image: { repository: at("kubernetes", "metrics-server/metrics-server") } };
}
