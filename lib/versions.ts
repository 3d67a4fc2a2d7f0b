/**
 * Every pinned version in one place: container images, Helm charts, Kubernetes and AMIs.
 * Bump here, run `npm test`, read the plan diff. Nothing else in the code names a version.
 */
export const versions = {
  /** EKS control plane; must be in EKS standard support (extended support costs 6x). */
  kubernetes: "1.35",

  /**
   * The Pod Security Standards' version the namespaces enforce (`pod-security.kubernetes.io/<mode>-version`):
   * pinned, so a control-plane upgrade never tightens a level under running pods; the policy pack checks pods
   * with the rules of this version (policy/pod-security.ts). Never newer than the cluster's minor.
   */
  podSecurityStandard: "v1.35",

  /**
   * EKS managed add-ons, per Kubernetes minor: the cluster runs exactly these builds, and a minor without an
   * entry is refused (`cluster.kubernetesVersion`). An add-on that gets no version from us floats: pulumi-eks
   * v4.3.0 resolves vpc-cni and kube-proxy with `getAddonVersion({mostRecent: true})` on every run
   * (nodejs/eks/addons/cni-addon.ts 273-283, cluster/cluster.ts 764-777). EKS cannot move an add-on back to
   * an older build: before pinning lower than what a live cluster runs, read it with `aws eks describe-addon
   * --cluster-name <name> --addon-name <add-on>` (docs/runbooks.md, "Upgrade: Kubernetes minor").
   *
   * There is no AWS account behind this program's tests; on a real `pulumi up` or preview the add-on preflight
   * (stacks/addon-versions.ts) asks EKS (DescribeAddonVersions) and stops before anything is created when a pin
   * is not a build of the stack's minor in its region. The EBS CSI driver is not among them: it is the aws-ebs-csi-driver
   * Helm chart (`charts.awsEbsCsiDriver`).
   */
  eksAddons: {
    "1.35": {
      /**
       * The VPC CNI (aws-node) add-on: release v1.21.1 of aws/amazon-vpc-cni-k8s (tag v1.21.1, CHANGELOG.md);
       * build `-eksbuild.3` as a public Terraform configuration for an EKS 1.35 cluster pins it.
       */
      vpcCni: "v1.21.1-eksbuild.3",
      /** Kubernetes v1.35.0's kube-proxy; build `-eksbuild.2` as public configurations for EKS 1.35 pin it. */
      kubeProxy: "v1.35.0-eksbuild.2",
      /** CoreDNS 1.13.1, what kubeadm bundles for Kubernetes 1.35; paired with kube-proxy v1.35.0-eksbuild.2 in public configs. */
      coredns: "v1.13.1-eksbuild.1",
      /** Listed for Kubernetes 1.31-1.35 in aws-quickstart/cdk-eks-blueprints' version map of this add-on. */
      podIdentityAgent: "v1.3.10-eksbuild.2",
    },
    /**
     * The four builds a public deployment record (a compatibility matrix of EKS templates, dated 2026-09-16,
     * us-west-2) lists as what a new EKS 1.36 cluster resolved to; vpc-cni v1.22.4 is a tag of
     * aws/amazon-vpc-cni-k8s (2026-07-08).
     */
    "1.36": {
      vpcCni: "v1.22.4-eksbuild.3",
      kubeProxy: "v1.36.0-eksbuild.21",
      coredns: "v1.14.3-eksbuild.16",
      podIdentityAgent: "v1.3.10-eksbuild.3",
    },
  },

  /**
   * EKS optimized AL2023 AMI release of the managed system nodes (an awslabs/amazon-eks-ami tag): read from
   * its release-specific SSM parameter, never "recommended". Keep it equal to karpenterNodeAmiAlias's tag.
   */
  nodeAmiRelease: "v20260714",

  /**
   * EKS optimized AL2023 AMI release for Karpenter nodes (an awslabs/amazon-eks-ami release tag; v20260714's
   * release notes list Kubernetes 1.30-1.36). Pinned, so a new AMI rolls nodes only when bumped here.
   */
  karpenterNodeAmiAlias: "al2023@v20260714",

  /** ElastiCache engine for the region's Redis (Valkey speaks the Redis protocol LiveKit uses). */
  redis: { engine: "valkey", engineVersion: "8.2" },

  images: {
    /** Newest release tag; components/livekit/server-config.ts keys are checked against its source (strict config). */
    livekitServer: "livekit/livekit-server:v1.13.5",
    /** Newest release tag; components/egress/config.ts keys are checked against its source (unknown keys are ignored). */
    livekitEgress: "livekit/egress:v1.14.1",
    /**
     * Debian (trixie) image, revision r0 of coturn 4.17.0: the newest image (coturn/coturn git tag
     * docker/4.17.0-r0; 4.17.1 is tagged in source but has no image yet). Has bash, coreutils, dig,
     * no curl; `turnserver` carries a file capability (cap_net_bind_service), so keep NET_BIND_SERVICE
     * when dropping capabilities. Bump -rN for base-image security rebuilds.
     */
    coturn: "coturn/coturn:4.17.0-r0",
    /**
     * Runs `lk perf load-test` from the load-test Job. Tag v2.18.2 of livekit/livekit-cli, pushed as this
     * image by its release workflow; distroless, entrypoint `/lk`.
     */
    livekitCli: "livekit/livekit-cli:v2.18.2",
    /**
     * Init container of the SFU and Coturn pods that reads the node's public IPv4 from instance metadata
     * (components/shared/node-address.ts): curl's official image (Alpine, busybox sh), release 8.12.1.
     */
    curl: "curlimages/curl:8.12.1",
    /**
     * kubectl with busybox sh and awk (Alpine), for the egress pod-deletion-cost updater. Tag 1.35.1 as named
     * by its Renovate updates; not pulled from here, so check it exists before the first `pulumi up`.
     */
    kubectl: "alpine/kubectl:1.35.1",
  },

  charts: {
    /** charts/karpenter/Chart.yaml at aws/karpenter-provider-aws v1.14.1; the CRD chart moves in lockstep. */
    karpenter: { chart: "oci://public.ecr.aws/karpenter/karpenter", version: "1.14.1" },
    karpenterCrd: { chart: "oci://public.ecr.aws/karpenter/karpenter-crd", version: "1.14.1" },
    /** aws/eks-charts stable/aws-load-balancer-controller 3.5.0 = controller v3.5.0 (its IAM policy is pinned to it). */
    awsLoadBalancerController: {
      chart: "aws-load-balancer-controller",
      repo: "https://aws.github.io/eks-charts",
      version: "3.5.0",
    },
    /** kubernetes-sigs/aws-ebs-csi-driver tag helm-chart-aws-ebs-csi-driver-2.64.0 = driver v1.64.0. */
    awsEbsCsiDriver: {
      chart: "aws-ebs-csi-driver",
      repo: "https://kubernetes-sigs.github.io/aws-ebs-csi-driver",
      version: "2.64.0",
    },
    /** kubernetes-sigs/metrics-server tag metrics-server-helm-chart-3.13.1 = metrics-server v0.8.1. */
    metricsServer: {
      chart: "metrics-server",
      repo: "https://kubernetes-sigs.github.io/metrics-server/",
      version: "3.13.1",
    },
    /**
     * kedacore/charts tag v2.20.2, keda/Chart.yaml version 2.20.2 = KEDA 2.20.2; its CRDs are templates of
     * the chart (`crds.install`, default true), so they come and go with the release.
     */
    keda: { chart: "keda", repo: "https://kedacore.github.io/charts", version: "2.20.2" },
    /**
     * charts/kube-prometheus-stack/Chart.yaml at prometheus-community/helm-charts tag kube-prometheus-stack-88.5.3:
     * appVersion v0.93.1 (prometheus-operator). Its CRDs come from prometheusOperatorCrds below: bump the pair.
     */
    kubePrometheusStack: {
      chart: "kube-prometheus-stack",
      repo: "https://prometheus-community.github.io/helm-charts",
      version: "88.5.3",
    },
    /**
     * The operator's CRDs as a release of their own (Helm never upgrades a chart's crds/ folder; this chart ships
     * them as templates, so a new version upgrades them). charts/prometheus-operator-crds/Chart.yaml at tag
     * prometheus-operator-crds-31.0.1: appVersion v0.93.1, the operator kubePrometheusStack runs; its ten CRDs are
     * the same documents as that stack chart's charts/crds/crds/. Move it with kubePrometheusStack.
     */
    prometheusOperatorCrds: {
      chart: "prometheus-operator-crds",
      repo: "https://prometheus-community.github.io/helm-charts",
      version: "31.0.1",
    },
  },
} as const;

/** The EKS add-on builds of one Kubernetes minor. */
export interface EksAddonVersions {
  /** vpc-cni (aws-node), created by pulumi-eks (`vpcCniOptions.addonVersion`). */
  vpcCni: string;
  /** kube-proxy, created by pulumi-eks (`kubeProxyAddonOptions.version`). */
  kubeProxy: string;
  coredns: string;
  podIdentityAgent: string;
}

/** Orders Kubernetes versions `1.<minor>` oldest first, by the minor's number (1.9 before 1.10). */
export const byKubernetesMinor = (a: string, b: string) => Number(a.split(".")[1]) - Number(b.split(".")[1]);

/** Kubernetes minors with pinned add-ons, oldest first. */
export const PINNED_KUBERNETES_MINORS: readonly string[] = Object.keys(versions.eksAddons).sort(byKubernetesMinor);

/** The pinned add-on builds of a Kubernetes minor, or undefined when it has none. */
export function eksAddonsFor(minor: string): EksAddonVersions | undefined {
  return Object.hasOwn(versions.eksAddons, minor)
    ? versions.eksAddons[minor as keyof typeof versions.eksAddons]
    : undefined;
}

/**
 * A pinned chart of an HTTP Helm repository as a Helm Release's source arguments (`chart`, `version`,
 * `repositoryOpts`), in the order the releases list them.
 */
export function chartSource(pinned: { chart: string; repo: string; version: string }) {
  return { chart: pinned.chart, version: pinned.version, repositoryOpts: { repo: pinned.repo } };
}
