import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { flowLogsPublishPolicy, flowLogsTrustPolicy } from "./flow-logs";
import { bucketAccessLogPrefix, LOG_PREFIXES, logBucketPolicy } from "./log-bucket";

export { LOG_PREFIXES } from "./log-bucket";

/** A bucket whose every request is logged. */
export interface LoggedBucket {
  /** Short name of its folder in the log bucket (`s3/<label>/`). */
  label: string;
  /** The bucket's name and ARN. */
  bucket: pulumi.Input<string>;
  arn: pulumi.Input<string>;
}

/** Where a load balancer writes its access logs: the controller's `access_logs.s3.bucket` and `.prefix`. */
export interface S3LogDestination {
  bucket: pulumi.Output<string>;
  prefix: string;
}

export interface AuditLogsArgs {
  /** EKS cluster name: names the flow log's log group (`/aws/vpc/<clusterName>/flow-logs`). */
  clusterName: string;
  /** The VPC whose traffic the flow log records. */
  vpcId: pulumi.Input<string>;
  /** Buckets whose server access logs go to the log bucket (the recordings bucket; none in a region that does not record). */
  loggedBuckets: LoggedBucket[];
  /** Days S3 keeps a log in the log bucket. */
  retentionDays: number;
  /** Days CloudWatch Logs keeps flow log records (a value CloudWatch accepts). */
  flowLogRetentionDays: number;
  /** `protect` the log bucket: `pulumi destroy` and replacements stop at it. */
  protect?: boolean;
  tags?: Record<string, string>;
}

/**
 * Who touched what in a region: a private, encrypted log bucket holding the S3 server access logs of the given
 * buckets (who read or deleted a recording) and the access logs of the signalling ALB and the TURN NLB (whose
 * attributes the Endpoints component sets from `signallingLoadBalancerLogs` and `turnLoadBalancerLogs`), and a
 * flow log of the VPC in CloudWatch Logs.
 *
 * The log bucket and its settings stay in the account when the stack is destroyed (`retainOnDelete`): logs of the
 * teardown itself (a recordings bucket emptied, the load balancers' last requests) arrive after it, and its
 * lifecycle rule empties it within `retentionDays` (docs/runbooks.md, "Teardown").
 */
export class AuditLogs extends pulumi.ComponentResource {
  /** The log bucket's name, once its policy lets every source write. */
  readonly bucketName: pulumi.Output<string>;
  readonly signallingLoadBalancerLogs: S3LogDestination;
  readonly turnLoadBalancerLogs: S3LogDestination;
  readonly flowLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: AuditLogsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:audit-logs:AuditLogs", name, {}, opts);
    const account = pulumi.all([
      aws.getPartitionOutput({}, { parent: this }).partition,
      aws.getRegionOutput({}, { parent: this }).region,
      aws.getCallerIdentityOutput({}, { parent: this }).accountId,
    ]);

    const { bucket, policy } = this.logBucket(name, args, account);
    this.logBucketAccess(name, args.loggedBuckets, bucket, policy);
    this.bucketName = pulumi.all([bucket.bucket, policy.id]).apply(([bucketName]) => bucketName);
    this.signallingLoadBalancerLogs = { bucket: this.bucketName, prefix: LOG_PREFIXES.signallingLoadBalancer };
    this.turnLoadBalancerLogs = { bucket: this.bucketName, prefix: LOG_PREFIXES.turnLoadBalancer };
    this.flowLogGroupName = this.flowLog(name, args, account);

    this.registerOutputs({ bucketName: this.bucketName, flowLogGroupName: this.flowLogGroupName });
  }

  /**
   * The log bucket: private (public access block, ACLs off), SSE-S3 (the only default encryption ALB access logs
   * and S3 server access logs are delivered to), logs expire after `retentionDays`, and a policy that lets each
   * source write to its own prefix. Every piece is kept on destroy, so logs arriving after it still land.
   */
  private logBucket(
    name: string,
    args: AuditLogsArgs,
    account: pulumi.Output<[string, string, string]>,
  ): { bucket: aws.s3.Bucket; policy: aws.s3.BucketPolicy } {
    const bucket = new aws.s3.Bucket(
      `${name}-audit-logs`,
      { forceDestroy: false, tags: args.tags },
      { parent: this, protect: args.protect, retainOnDelete: true },
    );
    const settingOpts = { parent: this, retainOnDelete: true };
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-audit-logs`,
      {
        bucket: bucket.bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      settingOpts,
    );
    // ACLs off: log delivery is granted by the policy alone (the only way with BucketOwnerEnforced).
    new aws.s3.BucketOwnershipControls(
      `${name}-audit-logs`,
      { bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
      settingOpts,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-audit-logs`,
      { bucket: bucket.bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      settingOpts,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-audit-logs`,
      {
        bucket: bucket.bucket,
        rules: [{ id: "expire-logs", status: "Enabled", filter: {}, expiration: { days: args.retentionDays } }],
      },
      settingOpts,
    );
    const policy = new aws.s3.BucketPolicy(
      `${name}-audit-logs`,
      {
        bucket: bucket.bucket,
        policy: pulumi
          .all([account, bucket.arn, pulumi.all(args.loggedBuckets.map((b) => b.arn))])
          .apply(([[partition, region, accountId], bucketArn, loggedBucketArns]) =>
            JSON.stringify(logBucketPolicy({ partition, region, accountId, bucketArn, loggedBucketArns })),
          ),
      },
      // S3 rejects concurrent changes to one bucket's settings.
      { ...settingOpts, dependsOn: [publicAccess] },
    );
    return { bucket, policy };
  }

  /**
   * S3 server access logging of each logged bucket, once the policy admits S3's logging service. Kept on destroy:
   * a bucket that still holds recordings when its deletion fails keeps its logging, and a deleted one takes it along.
   */
  private logBucketAccess(
    name: string,
    loggedBuckets: LoggedBucket[],
    logBucket: aws.s3.Bucket,
    policy: aws.s3.BucketPolicy,
  ): void {
    for (const logged of loggedBuckets) {
      new aws.s3.BucketLogging(
        `${name}-${logged.label}-access-logs`,
        {
          bucket: logged.bucket,
          targetBucket: logBucket.bucket,
          targetPrefix: bucketAccessLogPrefix(logged.label),
          // s3/<label>/<account>/<region>/<bucket>/<yyyy>/<mm>/<dd>/...: one folder per day of requests.
          targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
        },
        { parent: this, dependsOn: [policy], retainOnDelete: true },
      );
    }
  }

  /** A flow log of every packet decision in the VPC, to CloudWatch Logs, published through a role of its own. */
  private flowLog(name: string, args: AuditLogsArgs, account: pulumi.Output<[string, string, string]>) {
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      { name: `/aws/vpc/${args.clusterName}/flow-logs`, retentionInDays: args.flowLogRetentionDays, tags: args.tags },
      { parent: this },
    );
    const scope = account.apply(([partition, region, accountId]) => ({ partition, region, accountId }));
    const role = new aws.iam.Role(
      `${name}-flow-logs`,
      {
        description: "VPC Flow Logs: publish this VPC's flow log to its log group",
        assumeRolePolicy: scope.apply((s) => JSON.stringify(flowLogsTrustPolicy(s))),
        tags: args.tags,
      },
      { parent: this },
    );
    const permissions = new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      {
        role: role.id,
        policy: pulumi
          .all([logGroup.arn, scope])
          .apply(([logGroupArn, s]) => JSON.stringify(flowLogsPublishPolicy(logGroupArn, s))),
      },
      { parent: this },
    );
    new aws.ec2.FlowLog(
      `${name}-vpc`,
      {
        vpcId: args.vpcId,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: role.arn,
        tags: args.tags,
      },
      // The service checks the role when the flow log is created.
      { parent: this, dependsOn: [permissions] },
    );
    return logGroup.name;
  }
}
