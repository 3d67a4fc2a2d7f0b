/**
 * Every pinned version in one place: container images, Helm charts, Kubernetes and AMIs.
 * Bump here, run `npm test`, read the plan diff. Nothing else in the code names a version.
 */
export const versions = {
  /** EKS control plane; must be in EKS standard support (extended support costs 6x). */
  kubernetes: "1.35",

  images: {
    livekitServer: "livekit/livekit-server:v1.13.5",
    livekitEgress: "livekit/egress:v1.12.0",
    coturn: "coturn/coturn:4.17.0",
    /** Runs `lk perf load-test` from the load-test Job. */
    livekitCli: "livekit/livekit-cli:v2.18.2",
  },

  charts: {
    karpenter: { chart: "oci://public.ecr.aws/karpenter/karpenter", version: "1.14.1" },
    karpenterCrd: { chart: "oci://public.ecr.aws/karpenter/karpenter-crd", version: "1.14.1" },
    awsLoadBalancerController: {
      chart: "aws-load-balancer-controller",
      repo: "https://aws.github.io/eks-charts",
      version: "3.5.0",
    },
    kubePrometheusStack: {
      chart: "kube-prometheus-stack",
      repo: "https://prometheus-community.github.io/helm-charts",
      version: "88.5.3",
    },
  },
} as const;
