/**
 * What differs between the AWS partitions a region stack can be in: `aws` (commercial), `aws-us-gov` (AWS GovCloud
 * (US)) and `aws-cn` (AWS China). The program takes the partition and its DNS suffix from the provider
 * (aws.getPartition) wherever it writes an ARN or an endpoint; what is here is what config validation needs before
 * any provider exists: which partition a region is in, how a service principal is written there, and what the
 * stack needs that a partition does not have.
 */

import { Unshown } from "./errors";

export type AwsPartition = "aws" | "aws-cn" | "aws-us-gov";

/**
 * The partition of a region and its DNS suffix, by the partitions' region patterns (boto/botocore 1.43.67,
 * botocore/data/partitions.json: `^cn\-\w+\-\d+$` is aws-cn with `amazonaws.com.cn`, `^us\-gov\-\w+\-\d+$` is
 * aws-us-gov with `amazonaws.com`); what aws.getPartition answers in a provider of that region.
 */
export function partitionOfRegion(region: string): AwsPartition {
  if (/^cn-\w+-\d+$/.test(region)) return "aws-cn";
  if (/^us-gov-\w+-\d+$/.test(region)) return "aws-us-gov";
  return "aws";
}

export const partitionDnsSuffix: Readonly<Record<AwsPartition, string>> = {
  aws: "amazonaws.com",
  "aws-cn": "amazonaws.com.cn",
  "aws-us-gov": "amazonaws.com",
};

/**
 * The service principal of `service` (`ec2`, `pods.eks`, `delivery.logs`, ...) in a partition. Service principals are
 * `<service>.amazonaws.com` in every partition, China's included, except three services whose principal takes
 * China's DNS suffix there: terraform-provider-aws internal/service/meta/service_principal_data_source.go
 * (servicePrincipalNameForPartition, the aws_service_principal data source; taken from aws-cdk
 * region-info/lib/default.ts). The program names none of the three; test/stacks/partition.plan.test.ts holds every
 * principal of a China plan to this rule.
 */
const CHINA_SUFFIXED_PRINCIPALS = ["codedeploy", "elasticmapreduce", "logs"];

export function servicePrincipal(service: string, partition: string): string {
  const suffix =
    partition === "aws-cn" && CHINA_SUFFIXED_PRINCIPALS.includes(service)
      ? partitionDnsSuffix["aws-cn"]
      : "amazonaws.com";
  return `${service}.${suffix}`;
}

/** The settings a partition gap is about. */
interface GapSettings {
  awsRegion: string;
  images: { mirror?: { repositoryPrefix: string } };
  chaos: { enabled: boolean };
}

/** A setting a partition cannot serve: the key, and why, in the words of the refusal line. */
export interface PartitionGap {
  /** The setting's path in the region's config (`images.mirror`). */
  path: string[];
  /** Whether the stack's settings ask for it. */
  asked: (settings: GapSettings) => boolean;
  /** What the line shows as `got`: never a secret (the mirror's settings hold Docker Hub's token). */
  shown: (settings: GapSettings) => unknown;
  problem: string;
}

/**
 * What a region stack can ask for that its partition lacks, or that has not been verified there (refused rather
 * than guessed; docs/partitions.md says how each was checked):
 * - ECR pull-through cache rules (images.mirror) are not offered in either China region nor in either GovCloud
 *   region: Amazon ECR user guide, "Sync an upstream registry with an Amazon ECR private registry" (pull-through
 *   cache), considerations: creating rules is not supported in cn-north-1, cn-northwest-1, us-gov-east-1 and
 *   us-gov-west-1 (awsdocs/amazon-ecr-user-guide doc_source/pull-through-cache.md; docs.amazonaws.cn for China).
 * - AWS FIS (chaos): whether FIS, and the drills' aws:eks:pod-delete action inside EKS, are offered in GovCloud and
 *   China was not verified (botocore's endpoints.json no longer lists FIS; its endpoints page could not be read in
 *   full); refused until someone checks in such an account.
 */
/** images.mirror, refused where ECR cannot create pull-through cache rules. */
function noPullThroughCache(partition: AwsPartition, regions: string): PartitionGap {
  return {
    path: ["images", "mirror"],
    asked: (s) => s.images.mirror !== undefined,
    shown: (s) => new Unshown(`a pull-through cache of Docker Hub in ${s.awsRegion}`),
    problem: `ECR has no pull-through cache rules in the ${partition} partition (${regions}): leave images.mirror out (nodes pull each image from its own registry; images.pins can point the platform's images at a registry of yours)`,
  };
}

export const partitionGaps: Readonly<Record<AwsPartition, readonly PartitionGap[]>> = {
  aws: [],
  "aws-cn": [
    noPullThroughCache("aws-cn", "cn-north-1, cn-northwest-1"),
    {
      path: ["chaos", "enabled"],
      asked: (s) => s.chaos.enabled,
      shown: (s) => s.chaos.enabled,
      problem: "AWS FIS and its aws:eks:pod-delete action are not verified in the aws-cn partition: leave chaos off",
    },
  ],
  "aws-us-gov": [
    noPullThroughCache("aws-us-gov", "us-gov-west-1, us-gov-east-1"),
    {
      path: ["chaos", "enabled"],
      asked: (s) => s.chaos.enabled,
      shown: (s) => s.chaos.enabled,
      problem:
        "AWS FIS and its aws:eks:pod-delete action are not verified in the aws-us-gov partition: leave chaos off",
    },
  ],
};
