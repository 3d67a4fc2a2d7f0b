/**
 * The AMI of the managed system nodes, pinned to one EKS optimized AMI release.
 *
 * pulumi-eks (v4.3.0, nodejs/eks/nodes/nodegroup.ts, createMNGCustomLaunchTemplate/getRecommendedAMI) reads
 * SSM's `.../recommended/image_id` on every run when it builds the launch template itself: the first
 * `pulumi up` after AWS publishes an AMI then rolls the node group. Here the node group takes the
 * release-specific parameter instead, and EKS's own bootstrap (no image in the launch template), so a new
 * AMI reaches nodes only when lib/versions.ts is bumped.
 */

/**
 * SSM parameter holding the EKS `releaseVersion` (e.g. `1.35.0-20260714`) of AMI release `release`
 * (an awslabs/amazon-eks-ami tag such as `v20260714`) for AL2023 x86_64 standard on Kubernetes `kubernetesVersion`.
 */
export function amiReleaseVersionParameter(kubernetesVersion: string, release: string): string {
  return (
    `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2023/x86_64/standard/` +
    `amazon-eks-node-al2023-x86_64-standard-${kubernetesVersion}-${release}/release_version`
  );
}

/** The managed node group's AMI type: the one the parameter above belongs to. */
export const SYSTEM_NODE_AMI_TYPE = "AL2023_x86_64_STANDARD";
