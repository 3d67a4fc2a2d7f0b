/**
 * What the region's nodes need to pull through its ECR pull-through cache. Pure: the RegistryMirror component
 * (./index.ts) attaches it to the node roles.
 *
 * The nodes' managed policy (AmazonEC2ContainerRegistryPullOnly, components/shared/node-role.ts) pulls images
 * that are in ECR. The first pull of an image through a pull-through cache rule also creates its repository and
 * imports the image from the upstream registry, which needs `ecr:CreateRepository` (when the repository does
 * not exist yet) and `ecr:BatchImportUpstreamImage` for the identity that pulls (AWS ECR user guide, "IAM
 * permissions required to sync an upstream registry with an Amazon ECR private registry"). Both are granted
 * here only for the repositories under the rules' prefixes (Docker Hub's, quay.io's, registry.k8s.io's and
 * public.ecr.aws's: a first pull through each creates repositories the same way).
 */

/** ECR reads a pull-through cache rule's upstream credentials only from secrets named with this prefix. */
export const PULL_THROUGH_CACHE_SECRET_PREFIX = "ecr-pullthroughcache/";

export interface PullThroughScope {
  partition: string;
  region: string;
  accountId: string;
  /** The prefixes of the mirror's rules, one per upstream registry. */
  repositoryPrefixes: string[];
}

/** The repositories of each rule's prefix: `arn:<partition>:ecr:<region>:<account>:repository/<prefix>/*`. */
export const mirrorRepositoriesArns = (s: PullThroughScope) =>
  s.repositoryPrefixes.map((prefix) => `arn:${s.partition}:ecr:${s.region}:${s.accountId}:repository/${prefix}/*`);

/** The node roles' inline policy: create the caches' repositories and import images into them, nothing else. */
export function pullThroughCachePolicy(scope: PullThroughScope): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PullThroughCacheFirstPull",
        Effect: "Allow",
        Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"],
        Resource: mirrorRepositoriesArns(scope),
      },
    ],
  });
}
