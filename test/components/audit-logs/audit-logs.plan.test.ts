/**
 * The AuditLogs component as the region stack builds it: the log bucket and its settings, the access logging of
 * the buckets it is given, the destinations it hands the load balancers, and the VPC's flow log.
 */
import * as aws from "@pulumi/aws";
import { AuditLogs, AuditLogsArgs } from "../../../components/audit-logs";
import type { IamPolicyDocument } from "../../../components/shared/iam-document";
import { findResource, inputsOf, PlannedResource, PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import { MOCK_ACCOUNT_ID } from "../../../tools/plan/mock-cloud";
import { runComponents } from "../../support/plan";
import { IAM_ROLE_TYPES, S3_BUCKET_TYPES } from "../../support/aws-types";

const RECORDINGS = {
  label: "recordings",
  bucket: "mumbai-egress-recordings-abc1234",
  arn: "arn:aws:s3:::mumbai-egress-recordings-abc1234",
};
const ARGS: AuditLogsArgs = {
  clusterName: "livekit-mumbai",
  vpcId: "vpc-0123456789abcdef0",
  loggedBuckets: [RECORDINGS],
  retentionDays: 365,
  flowLogRetentionDays: 90,
  protect: true,
};
const TYPES = {
  ...S3_BUCKET_TYPES,
  ...IAM_ROLE_TYPES,
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  flowLog: "aws:ec2/flowLog:FlowLog",
};

/** Plans AuditLogs and a stand-in load balancer object that takes its ALB destination, as Endpoints does. */
function plan(args: AuditLogsArgs = ARGS): Promise<PlanResult> {
  return runComponents(() => {
    const auditLogs = new AuditLogs("mumbai", args);
    new aws.ssm.Parameter("alb-logs", {
      type: "String",
      value: auditLogs.signallingLoadBalancerLogs.bucket,
      description: auditLogs.signallingLoadBalancerLogs.prefix,
    });
  });
}

const one = (result: PlanResult, type: string) => {
  const found = resourcesOfType(result, type);
  expect(found).toHaveLength(1);
  return found[0];
};

describe("AuditLogs", () => {
  let result: PlanResult;
  let bucket: PlannedResource;
  beforeAll(async () => {
    result = await plan();
    bucket = one(result, TYPES.bucket);
  });
  const settingsOfBucket = () =>
    [TYPES.publicAccess, TYPES.ownership, TYPES.encryption, TYPES.lifecycle, TYPES.policy].map((t) => one(result, t));

  it("keeps the logs in a private bucket with ACLs off and SSE-S3, never force-destroyed", () => {
    expect(inputsOf(bucket).forceDestroy).toBe(false);
    expect(inputsOf(one(result, TYPES.publicAccess))).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(inputsOf(one(result, TYPES.ownership)).rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    expect(inputsOf(one(result, TYPES.encryption)).rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
    for (const setting of settingsOfBucket()) expect(setting.dependencies).toContain(bucket.urn);
  });

  it("expires every log after the retention", () => {
    expect(inputsOf(one(result, TYPES.lifecycle)).rules).toEqual([
      { id: "expire-logs", status: "Enabled", filter: {}, expiration: { days: 365 } },
    ]);
  });

  it("protects the bucket, and keeps it and its settings on destroy so logs of the teardown still land", () => {
    expect(bucket.options).toMatchObject({ protect: true, retainOnDelete: true });
    for (const setting of settingsOfBucket()) expect(setting.options.retainOnDelete).toBe(true);
    expect(one(result, TYPES.logging).options.retainOnDelete).toBe(true);
  });

  it("writes its policy for this bucket, account and region, and the logged buckets' ARNs", () => {
    const policy = JSON.parse(inputsOf(one(result, TYPES.policy)).policy) as IamPolicyDocument;
    const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    expect(bySid.S3ServerAccessLogs.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID },
      ArnLike: { "aws:SourceArn": [RECORDINGS.arn] },
    });
    expect(bySid.SignallingLoadBalancerLogs.Principal).toEqual({ AWS: "arn:aws:iam::718504428378:root" });
    expect(bySid.SignallingLoadBalancerLogs.Resource).toMatch(
      new RegExp(`^arn:aws:s3:::${bucket.name}-[0-9a-f]{7}/alb/signalling/AWSLogs/${MOCK_ACCOUNT_ID}/\\*$`),
    );
    expect(bySid.TurnLoadBalancerLogs.Condition!.ArnLike).toEqual({
      "aws:SourceArn": `arn:aws:logs:ap-south-1:${MOCK_ACCOUNT_ID}:*`,
    });
    expect(one(result, TYPES.policy).dependencies).toContain(one(result, TYPES.publicAccess).urn);
  });

  it("logs every request to the given bucket into its own folder, once the policy admits S3's logging service", () => {
    const logging = one(result, TYPES.logging);
    expect(inputsOf(logging)).toEqual({
      bucket: RECORDINGS.bucket,
      targetBucket: expect.stringMatching(new RegExp(`^${bucket.name}-[0-9a-f]{7}$`)),
      targetPrefix: "s3/recordings/",
      targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
    });
    expect(result.propertyDependencies?.[logging.urn]?.targetBucket).toEqual([bucket.urn]);
    expect(logging.dependencies).toContain(one(result, TYPES.policy).urn);
  });

  it("hands the load balancers its bucket only with the policy in place (ELB checks it may write when logging is turned on)", () => {
    const consumer = findResource(result, "aws:ssm/parameter:Parameter", "alb-logs");
    expect(consumer.dependencies).toEqual(expect.arrayContaining([bucket.urn, one(result, TYPES.policy).urn]));
    expect(inputsOf(consumer).description).toBe("alb/signalling");
  });

  it("records the VPC's traffic in a log group with the configured retention, through a role of its own", () => {
    const logGroup = one(result, TYPES.logGroup);
    expect(inputsOf(logGroup)).toMatchObject({ name: "/aws/vpc/livekit-mumbai/flow-logs", retentionInDays: 90 });
    const flowLog = one(result, TYPES.flowLog);
    expect(inputsOf(flowLog)).toMatchObject({
      vpcId: ARGS.vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
    });
    expect(flowLog.dependencies).toEqual(
      expect.arrayContaining([logGroup.urn, one(result, TYPES.role).urn, one(result, TYPES.rolePolicy).urn]),
    );
    const trust = JSON.parse(inputsOf(one(result, TYPES.role)).assumeRolePolicy) as IamPolicyDocument;
    expect(trust.Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID },
      ArnLike: { "aws:SourceArn": `arn:aws:ec2:ap-south-1:${MOCK_ACCOUNT_ID}:vpc-flow-log/*` },
    });
    expect(one(result, TYPES.rolePolicy).dependencies).toContain(logGroup.urn);
  });
});

describe("AuditLogs in a region that records nothing (a global rooms member)", () => {
  it("logs no bucket and grants S3's logging service nothing, but still takes the load balancers' logs", async () => {
    const result = await plan({ ...ARGS, loggedBuckets: [], protect: false });
    expect(resourcesOfType(result, TYPES.logging)).toEqual([]);
    const policy = JSON.parse(inputsOf(one(result, TYPES.policy)).policy) as IamPolicyDocument;
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "DenyInsecureTransport",
      "SignallingLoadBalancerLogs",
      "TurnLoadBalancerLogsAclCheck",
      "TurnLoadBalancerLogs",
    ]);
    expect(one(result, TYPES.bucket).options).toMatchObject({ protect: false, retainOnDelete: true });
  });
});
