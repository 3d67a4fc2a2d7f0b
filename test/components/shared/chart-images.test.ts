/** The charts' image values through the registry mirror (components/shared/chart-images.ts). */
import {
  ebsCsiDriverImages,
  kubePrometheusStackImages,
  loadBalancerControllerImages,
  metricsServerImages,
  type MirrorLocation,
  withImageValues,
} from "../../../components/shared/chart-images";
import { chartImages } from "../../support/chart-images";
import { chartKeys, unreadValuePaths } from "../../support/chart-values";

const HOST = "123456789012.dkr.ecr.ap-south-1.amazonaws.com";
const PREFIXES = { dockerHub: "docker-hub", quay: "quay", kubernetes: "k8s", ecrPublic: "ecr-public" };
const at: MirrorLocation = (upstream, path) => [HOST, PREFIXES[upstream], ...(path ? [path] : [])].join("/");

/** An upstream reference as the mirror serves it: `<upstream host>/<path>` → `<mirror host>/<rule prefix>/<path>`. */
const UPSTREAM_HOSTS: Record<string, string> = {
  "docker.io": "docker-hub",
  "quay.io": "quay",
  "registry.k8s.io": "k8s",
  "public.ecr.aws": "ecr-public",
};
function throughMirror(reference: string): string {
  const [host, ...rest] = reference.split("/");
  return host in UPSTREAM_HOSTS ? [HOST, UPSTREAM_HOSTS[host], ...rest].join("/") : reference;
}

/** Every image `chart` runs with `values`, against the same image upstream sent through the mirror. */
function expectEveryImageMirrored(chart: string, version: string, values: Record<string, unknown>) {
  const upstream = chartImages(chart, version, {});
  const mirrored = chartImages(chart, version, values);
  expect(mirrored.size).toBeGreaterThan(0);
  for (const [container, image] of mirrored)
    expect([container, image]).toEqual([container, throughMirror(upstream.get(container)!)]);
}

describe("chart image values", () => {
  it("merge into a release's values map by map, and leave them as they are without a mirror", () => {
    const values = { grafana: { persistence: { enabled: true }, image: { pullPolicy: "IfNotPresent" } }, replicas: 2 };
    expect(withImageValues(values, undefined)).toBe(values);
    expect(withImageValues(values, { grafana: { image: { registry: "r" } }, tolerations: [] })).toEqual({
      grafana: { persistence: { enabled: true }, image: { pullPolicy: "IfNotPresent", registry: "r" } },
      replicas: 2,
      tolerations: [],
    });
    expect(values.grafana.image).toEqual({ pullPolicy: "IfNotPresent" });
  });

  it("merge only plain maps: a list, null, a scalar or an object such as an Output replaces what was there", () => {
    const values = { tolerations: [{ key: "a" }, { key: "b" }], image: { registry: "quay.io", pullPolicy: "Always" } };
    expect(withImageValues(values, { tolerations: [{ key: "c" }] }).tolerations).toEqual([{ key: "c" }]);
    expect(withImageValues(values, { image: null }).image).toBeNull();
    expect(withImageValues(values, { image: "registry.example/x" }).image).toBe("registry.example/x");
    class Output {
      constructor(readonly value: string) {}
    }
    const output = new Output("r");
    expect(withImageValues(values, { image: output }).image).toBe(output);
    // A map where there was none, or where a scalar was, is taken as it is.
    expect(withImageValues({ replicas: 2 }, { image: { registry: "r" } })).toEqual({
      replicas: 2,
      image: { registry: "r" },
    });
    expect(withImageValues({ image: "quay.io/x" }, { image: { registry: "r" } })).toEqual({ image: { registry: "r" } });
  });

  it("send kube-prometheus-stack's Docker Hub, quay.io and registry.k8s.io images to their rules, by keys the chart reads", () => {
    const values = kubePrometheusStackImages(at);
    expect(unreadValuePaths(values, chartKeys("kube-prometheus-stack", "88.5.3"))).toEqual([]);
    const images = chartImages("kube-prometheus-stack", "88.5.3", values);
    expect(images.get("Deployment grafana")).toBe(`${HOST}/docker-hub/grafana/grafana:13.2.0`);
    expect(images.get("Deployment grafana init-chown-data")).toBe(`${HOST}/docker-hub/library/busybox:1.38.0`);
    expect(images.get("Deployment kube-state-metrics")).toBe(
      `${HOST}/k8s/kube-state-metrics/kube-state-metrics:v2.20.0`,
    );
    expect(images.get("DaemonSet node-exporter")).toBe(`${HOST}/quay/prometheus/node-exporter:v1.12.1-distroless`);
  });

  it("send every image kube-prometheus-stack runs through its rule, but the ghcr.io ones left on their registry", () => {
    expectEveryImageMirrored("kube-prometheus-stack", "88.5.3", kubePrometheusStackImages(at));
  });

  it("name the EBS CSI driver's repositories whole, the chart's own paths under the public.ecr.aws rule", () => {
    const values = ebsCsiDriverImages(at);
    expect(unreadValuePaths(values, chartKeys("aws-ebs-csi-driver", "2.64.0"))).toEqual([]);
    const upstream = chartImages("aws-ebs-csi-driver", "2.64.0", {});
    for (const [container, image] of chartImages("aws-ebs-csi-driver", "2.64.0", values))
      expect(image).toBe(upstream.get(container)!.replace(/^public\.ecr\.aws\//, `${HOST}/ecr-public/`));
  });

  it("name the load balancer controller's and metrics-server's repositories whole, under their rules", () => {
    for (const [chart, version, values] of [
      ["aws-load-balancer-controller", "3.5.0", loadBalancerControllerImages(at)],
      ["metrics-server", "3.13.1", metricsServerImages(at)],
    ] as const) {
      expect(unreadValuePaths(values, chartKeys(chart, version))).toEqual([]);
      expectEveryImageMirrored(chart, version, values);
    }
  });
});
