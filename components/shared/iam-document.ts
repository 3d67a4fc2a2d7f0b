/**
 * IAM policy documents as plain, typed objects: a misspelt element (`Actions`, `Efect`) fails `tsc`, and
 * the pure files that build documents stay free of Pulumi at run time. Every document is also a valid
 * `aws.iam.PolicyDocument` (checked below), so it can be passed to a Policy or Role as it is.
 */
import type * as aws from "@pulumi/aws";

type OneOrMany = string | string[];

export interface IamStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: OneOrMany;
  NotAction?: OneOrMany;
  Resource?: OneOrMany;
  NotResource?: OneOrMany;
  Principal?: "*" | { Service: OneOrMany } | { AWS: OneOrMany } | { Federated: OneOrMany };
  /** `{ <operator>: { <condition key>: value } }`, e.g. `{ StringEquals: { "aws:SourceAccount": "123" } }`. */
  Condition?: Record<string, Record<string, OneOrMany>>;
}

export interface IamPolicyDocument {
  Version: "2012-10-17";
  Id?: string;
  Statement: IamStatement[];
}

/** A document from its statements. */
export function policyDocument(...statements: IamStatement[]): IamPolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * A role `service` assumes only on behalf of this account's resources matching `sourceArn` (an ARN pattern): the
 * confused-deputy guard of the IAM User Guide ("The confused deputy problem"), `aws:SourceAccount` and
 * `aws:SourceArn` on the service principal's AssumeRole.
 */
export function serviceTrustPolicy(service: string, accountId: string, sourceArn: string): IamPolicyDocument {
  return policyDocument({
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sts:AssumeRole",
    Condition: {
      StringEquals: { "aws:SourceAccount": accountId },
      ArnLike: { "aws:SourceArn": sourceArn },
    },
  });
}

/**
 * Refuses `action` on `resource` to every request made without TLS (`aws:SecureTransport` is "false"), whoever
 * sends it: a Deny overrides any Allow, so no principal, this account's included, reaches the resource over plain
 * HTTP. The statement the S3 User Guide ("Security best practices for Amazon S3", enforce encryption of data in
 * transit) and the SQS Developer Guide ("Amazon SQS security best practices", the same) give for resource policies.
 * `sid` names the statement; a deployed policy keeps the name it has.
 */
export function denyInsecureTransport(
  action: string,
  resource: OneOrMany,
  sid = "DenyInsecureTransport",
): IamStatement {
  return {
    Sid: sid,
    Effect: "Deny",
    Principal: "*",
    Action: action,
    Resource: resource,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

// Compile-time proof that our documents are what the AWS provider accepts.
const accepted: (d: IamPolicyDocument) => aws.iam.PolicyDocument = (d) => d;
void accepted;
