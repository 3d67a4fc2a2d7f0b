/**
 * Who may write where in the log bucket, evaluated on the policy the bucket gets. The grants follow the AWS guides
 * cited in components/audit-logs/log-bucket.ts: S3's logging service for the logged buckets only, the region's ELB
 * log writer under the ALB's prefix, the CloudWatch Logs delivery service under the NLB's prefix with
 * bucket-owner-full-control, each for this account only, and nothing over plain HTTP.
 */
import {
  albLogWriter,
  bucketAccessLogPrefix,
  LOG_PREFIXES,
  LogBucketScope,
  logBucketPolicy,
} from "../../../components/audit-logs/log-bucket";
import { evaluate, IamRequest } from "../../support/iam-evaluate";

const ACCOUNT = "111122223333";
const OTHER_ACCOUNT = "444455556666";
const LOGS = "arn:aws:s3:::mumbai-audit-logs-abc1234";
const RECORDINGS = "arn:aws:s3:::mumbai-egress-recordings-def5678";
const scope: LogBucketScope = {
  partition: "aws",
  region: "ap-south-1",
  accountId: ACCOUNT,
  bucketArn: LOGS,
  loggedBucketArns: [RECORDINGS],
};
const policy = logBucketPolicy(scope);
const tls = { "aws:SecureTransport": "true" };
const put = (principal: IamRequest["principal"], key: string, context: Record<string, string> = {}) =>
  evaluate(policy, { principal, action: "s3:PutObject", resource: `${LOGS}/${key}`, context: { ...tls, ...context } });

describe("the log bucket's policy", () => {
  const s3Logging = { Service: "logging.s3.amazonaws.com" };
  const s3Key = `${bucketAccessLogPrefix("recordings")}${ACCOUNT}/ap-south-1/mumbai-egress-recordings-def5678/2026/01/01/x`;
  const fromRecordings = { "aws:SourceArn": RECORDINGS, "aws:SourceAccount": ACCOUNT };

  it("lets S3's logging service deliver the logged buckets' access logs, and only theirs", () => {
    expect(put(s3Logging, s3Key, fromRecordings)).toBe("allowed");
    expect(put(s3Logging, s3Key, { ...fromRecordings, "aws:SourceArn": "arn:aws:s3:::someone-elses-bucket" })).toBe(
      "not allowed",
    );
    expect(put(s3Logging, s3Key, { ...fromRecordings, "aws:SourceAccount": OTHER_ACCOUNT })).toBe("not allowed");
    expect(put(s3Logging, s3Key, { "aws:SourceArn": RECORDINGS })).toBe("not allowed");
    // Nowhere but under s3/.
    expect(put(s3Logging, `${LOG_PREFIXES.signallingLoadBalancer}/AWSLogs/${ACCOUNT}/x`, fromRecordings)).toBe(
      "not allowed",
    );
  });

  it("has no grant for S3's logging service in a region that logs no bucket", () => {
    const none = logBucketPolicy({ ...scope, loggedBucketArns: [] });
    expect(none.Statement.map((s) => s.Sid)).not.toContain("S3ServerAccessLogs");
    expect(
      evaluate(none, {
        principal: s3Logging,
        action: "s3:PutObject",
        resource: `${LOGS}/${s3Key}`,
        context: { ...tls, ...fromRecordings },
      }),
    ).toBe("not allowed");
  });

  it("lets the region's ELB log writer put ALB logs under the ALB's prefix, for this account only", () => {
    const elb = { AWS: "arn:aws:iam::718504428378:root" }; // ap-south-1's Elastic Load Balancing account
    const alb = `${LOG_PREFIXES.signallingLoadBalancer}/AWSLogs/${ACCOUNT}/elasticloadbalancing/ap-south-1/2026/01/01/x.log.gz`;
    expect(put(elb, alb)).toBe("allowed");
    expect(put(elb, `${LOG_PREFIXES.signallingLoadBalancer}/AWSLogs/${ACCOUNT}/ELBAccessLogTestFile`)).toBe("allowed");
    expect(put(elb, `${LOG_PREFIXES.signallingLoadBalancer}/AWSLogs/${OTHER_ACCOUNT}/x`)).toBe("not allowed");
    expect(put(elb, `${LOG_PREFIXES.turnLoadBalancer}/AWSLogs/${ACCOUNT}/x`)).toBe("not allowed");
    expect(put({ AWS: "arn:aws:iam::114774131450:root" }, alb)).toBe("not allowed"); // Singapore's, not Mumbai's
  });

  it("lets CloudWatch Logs' delivery put NLB logs with bucket-owner-full-control, for this account's sources", () => {
    const delivery = { Service: "delivery.logs.amazonaws.com" };
    const nlb = `${LOG_PREFIXES.turnLoadBalancer}/AWSLogs/${ACCOUNT}/elasticloadbalancing/ap-south-1/x.log.gz`;
    const ours = {
      "aws:SourceAccount": ACCOUNT,
      "aws:SourceArn": `arn:aws:logs:ap-south-1:${ACCOUNT}:delivery-source:abc`,
      "s3:x-amz-acl": "bucket-owner-full-control",
    };
    expect(put(delivery, nlb, ours)).toBe("allowed");
    expect(put(delivery, nlb, { ...ours, "s3:x-amz-acl": "private" })).toBe("not allowed");
    expect(put(delivery, nlb, { ...ours, "aws:SourceAccount": OTHER_ACCOUNT })).toBe("not allowed");
    expect(put(delivery, nlb, { ...ours, "aws:SourceArn": `arn:aws:logs:ap-southeast-1:${ACCOUNT}:x` })).toBe(
      "not allowed",
    );
    expect(put(delivery, `${LOG_PREFIXES.signallingLoadBalancer}/AWSLogs/${ACCOUNT}/x`, ours)).toBe("not allowed");
    const aclCheck = (context: Record<string, string>) =>
      evaluate(policy, {
        principal: delivery,
        action: "s3:GetBucketAcl",
        resource: LOGS,
        context: { ...tls, ...context },
      });
    expect(aclCheck(ours)).toBe("allowed");
    expect(aclCheck({ ...ours, "aws:SourceAccount": OTHER_ACCOUNT })).toBe("not allowed");
  });

  it("refuses every request over plain HTTP, whoever makes it", () => {
    const plain = { "aws:SecureTransport": "false" };
    expect(put({ Service: "logging.s3.amazonaws.com" }, s3Key, { ...fromRecordings, ...plain })).toBe("denied");
    expect(
      evaluate(policy, {
        principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/admin` },
        action: "s3:GetObject",
        resource: `${LOGS}/${s3Key}`,
        context: plain,
      }),
    ).toBe("denied");
  });

  it("grants nothing else: no reads, no deletes, no other principal", () => {
    for (const action of ["s3:GetObject", "s3:DeleteObject", "s3:PutBucketPolicy"]) {
      for (const principal of [
        { Service: "logging.s3.amazonaws.com" },
        { Service: "delivery.logs.amazonaws.com" },
        { AWS: "arn:aws:iam::718504428378:root" },
      ]) {
        expect(
          evaluate(policy, { principal, action, resource: `${LOGS}/${s3Key}`, context: { ...tls, ...fromRecordings } }),
        ).toBe("not allowed");
      }
    }
    expect(put({ AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, s3Key, fromRecordings)).toBe("not allowed");
  });

  it("is in the policy language's current version", () => {
    // IAM JSON policy reference, "Version": 2012-10-17 is the current version.
    expect(policy.Version).toBe("2012-10-17");
  });
});

describe("who writes an ALB's access logs", () => {
  it("is the region's Elastic Load Balancing account in the shipped regions (available before August 2022)", () => {
    expect(albLogWriter("ap-south-1", "aws")).toEqual({ AWS: "arn:aws:iam::718504428378:root" });
    expect(albLogWriter("ap-southeast-1", "aws")).toEqual({ AWS: "arn:aws:iam::114774131450:root" });
  });

  it("is the log delivery service principal in regions available since August 2022", () => {
    for (const region of ["ap-south-2", "eu-central-2", "me-central-1", "ca-west-1"]) {
      expect(albLogWriter(region, "aws")).toEqual({ Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
    }
  });

  it("names the account in the stack's partition", () => {
    expect(albLogWriter("ap-south-1", "aws-cn")).toEqual({ AWS: "arn:aws-cn:iam::718504428378:root" });
  });
});
