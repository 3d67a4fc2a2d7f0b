/**
 * The region's log bucket (pure): where each source writes, and the bucket policy that lets exactly those
 * sources write there.
 */
import { elbLogDeliveryAccounts } from "../../lib/aws-regions";
import type { IamPolicyDocument, IamStatement } from "../shared/iam-document";

/**
 * Where each source writes. Elastic Load Balancing appends `/AWSLogs/<account>/elasticloadbalancing/<region>/...`
 * to its prefix (so a prefix must not contain `AWSLogs` and takes no trailing slash); S3 server access logs go
 * under `s3/<bucket label>/` as given, partitioned by account, region, bucket and day.
 */
export const LOG_PREFIXES = {
  signallingLoadBalancer: "alb/signalling",
  turnLoadBalancer: "nlb/turn",
  bucketAccess: "s3/",
} as const;

/** The prefix of one logged bucket's server access logs. */
export const bucketAccessLogPrefix = (label: string) => `${LOG_PREFIXES.bucketAccess}${label}/`;

export interface LogBucketScope {
  partition: string;
  /** The region of the bucket and of everything that logs into it (S3 and ELB deliver within a region only). */
  region: string;
  accountId: string;
  bucketArn: string;
  /** Buckets whose server access logs land here; none: no statement for S3's logging service. */
  loggedBucketArns: string[];
}

/**
 * Who writes an Application Load Balancer's access logs in `region`: the region's Elastic Load Balancing account
 * in regions available before August 2022, the log delivery service principal in the others (lib/aws-regions.ts,
 * `elbLogDeliveryAccounts`).
 */
export function albLogWriter(region: string, partition: string): IamStatement["Principal"] {
  const account = elbLogDeliveryAccounts[region];
  return account === undefined
    ? { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }
    : { AWS: `arn:${partition}:iam::${account}:root` };
}

/**
 * The log bucket's policy: TLS only, and one grant per source, each to its own prefix and, where the service
 * sets them, only on behalf of this account's resources (`aws:SourceAccount`, `aws:SourceArn`).
 *
 * - S3 server access logs: `logging.s3.amazonaws.com` may put objects under `s3/`, for the logged buckets only
 *   (Amazon S3 User Guide, "Enabling Amazon S3 server access logging", "Permissions for log delivery"; with the
 *   BucketOwnerEnforced setting a bucket policy is the only way to grant it).
 * - ALB: see `albLogWriter`; the legacy account principal carries no source condition, so the grant is held to
 *   this account's `AWSLogs/<account>/` folder.
 * - NLB (TLS listeners only): the CloudWatch Logs delivery service `delivery.logs.amazonaws.com` reads the
 *   bucket's ACL and puts objects with `bucket-owner-full-control`, on behalf of this account's log sources in
 *   this region (Network Load Balancers guide, "Access logs", "Bucket requirements").
 */
export function logBucketPolicy(s: LogBucketScope): IamPolicyDocument {
  const elbObjects = (prefix: string) => `${s.bucketArn}/${prefix}/AWSLogs/${s.accountId}/*`;
  const fromThisAccountsLogDeliveries = {
    StringEquals: { "aws:SourceAccount": s.accountId },
    ArnLike: { "aws:SourceArn": `arn:${s.partition}:logs:${s.region}:${s.accountId}:*` },
  };
  const statements: IamStatement[] = [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [s.bucketArn, `${s.bucketArn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ];
  if (s.loggedBucketArns.length > 0) {
    statements.push({
      Sid: "S3ServerAccessLogs",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${s.bucketArn}/${LOG_PREFIXES.bucketAccess}*`,
      Condition: {
        StringEquals: { "aws:SourceAccount": s.accountId },
        ArnLike: { "aws:SourceArn": s.loggedBucketArns },
      },
    });
  }
  statements.push(
    {
      Sid: "SignallingLoadBalancerLogs",
      Effect: "Allow",
      Principal: albLogWriter(s.region, s.partition),
      Action: "s3:PutObject",
      Resource: elbObjects(LOG_PREFIXES.signallingLoadBalancer),
    },
    {
      Sid: "TurnLoadBalancerLogsAclCheck",
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: "s3:GetBucketAcl",
      Resource: s.bucketArn,
      Condition: fromThisAccountsLogDeliveries,
    },
    {
      Sid: "TurnLoadBalancerLogs",
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: elbObjects(LOG_PREFIXES.turnLoadBalancer),
      Condition: {
        StringEquals: { ...fromThisAccountsLogDeliveries.StringEquals, "s3:x-amz-acl": "bucket-owner-full-control" },
        ArnLike: fromThisAccountsLogDeliveries.ArnLike,
      },
    },
  );
  return { Version: "2012-10-17", Statement: statements };
}
