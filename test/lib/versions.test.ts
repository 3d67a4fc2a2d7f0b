import { byKubernetesMinor, chartSource, eksAddonsFor, PINNED_KUBERNETES_MINORS, versions } from "../../lib/versions";

/** Karpenter v1.14.1 refuses a cluster outside these minors (pkg/providers/version/version.go 43-44). */
const KARPENTER_MIN_MINOR = 26;
const KARPENTER_MAX_MINOR = 36;

const minorOf = (version: string) => Number(version.split(".")[1]);

describe("EKS add-ons pinned per Kubernetes minor", () => {
  it("has the default minor's add-ons", () => {
    expect(eksAddonsFor(versions.kubernetes)).toBe(versions.eksAddons[versions.kubernetes]);
  });

  it("orders minors by their number, not as text", () => {
    expect(["1.10", "1.36", "1.9", "1.35"].sort(byKubernetesMinor)).toEqual(["1.9", "1.10", "1.35", "1.36"]);
  });

  it("lists the pinned minors oldest first, each one Karpenter supports", () => {
    expect(PINNED_KUBERNETES_MINORS).toEqual(["1.35", "1.36"]);
    for (const minor of PINNED_KUBERNETES_MINORS) {
      expect(minor).toMatch(/^1\.\d+$/);
      expect(minorOf(minor)).toBeGreaterThanOrEqual(KARPENTER_MIN_MINOR);
      expect(minorOf(minor)).toBeLessThanOrEqual(KARPENTER_MAX_MINOR);
    }
  });

  it.each(PINNED_KUBERNETES_MINORS)("pins all four add-ons of %s as EKS builds", (minor) => {
    const addons = eksAddonsFor(minor)!;
    expect(Object.keys(addons).sort()).toEqual(["coredns", "kubeProxy", "podIdentityAgent", "vpcCni"]);
    // EKS add-on versions: v<major>.<minor>.<patch>-eksbuild.<n> (aws_eks_addon checks the semver part).
    for (const build of Object.values(addons)) expect(build).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
  });

  it.each(PINNED_KUBERNETES_MINORS)("runs kube-proxy of the same minor as the %s control plane", (minor) => {
    // kube-proxy must not be newer than kube-apiserver (Kubernetes version skew policy); EKS builds it per minor.
    expect(eksAddonsFor(minor)!.kubeProxy).toMatch(
      new RegExp(`^v${minor.replace(".", "\\.")}\\.\\d+-eksbuild\\.\\d+$`),
    );
  });

  it("has nothing for a minor without an entry, nor for the names every object has", () => {
    for (const minor of ["1.34", "1.37", "", "constructor", "toString", "__proto__"]) {
      expect(eksAddonsFor(minor)).toBeUndefined();
    }
  });
});

describe("a pinned chart as a Helm Release's source", () => {
  it("takes the chart from its repository at the pinned version", () => {
    const { kubePrometheusStack } = versions.charts;
    expect(chartSource(kubePrometheusStack)).toEqual({
      chart: "kube-prometheus-stack",
      version: kubePrometheusStack.version,
      repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
    });
  });
});
