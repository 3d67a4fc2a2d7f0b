/** The charts' image values through the registry mirror (components/shared/chart-images.ts). */
import {
  ebsCsiDriverImages,
  kubePrometheusStackImages,
  type MirrorLocation,
  withImageValues,
} from "../../../components/shared/chart-images";
import { chartImages } from "../../support/chart-images";
import { chartKeys, unreadValuePaths } from "../../support/chart-values";

const HOST = "123456789012.dkr.ecr.ap-south-1.amazonaws.com";
const PREFIXES = { dockerHub: "docker-hub", quay: "quay", kubernetes: "k8s", ecrPublic: "ecr-public" };
const at: MirrorLocation = (upstream, path) => [HOST, PREFIXES[upstream], ...(path ? [path] : [])].join("/");

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

  it("name the EBS CSI driver's repositories whole, the chart's own paths under the public.ecr.aws rule", () => {
    const values = ebsCsiDriverImages(at);
    expect(unreadValuePaths(values, chartKeys("aws-ebs-csi-driver", "2.64.0"))).toEqual([]);
    const upstream = chartImages("aws-ebs-csi-driver", "2.64.0", {});
    for (const [container, image] of chartImages("aws-ebs-csi-driver", "2.64.0", values))
      expect(image).toBe(upstream.get(container)!.replace(/^public\.ecr\.aws\//, `${HOST}/ecr-public/`));
  });
});
