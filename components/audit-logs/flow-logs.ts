/**
 * IAM documents of the role VPC Flow Logs publishes with (pure). Amazon VPC User Guide, "Publish flow logs to
 * CloudWatch Logs", "IAM role for publishing flow logs to CloudWatch Logs" (awsdocs/amazon-vpc-user-guide,
 * doc_source/flow-logs-cwl.md): the service assumes the role; `aws:SourceAccount` and `aws:SourceArn` keep it to
 * this account's flow logs in this region (the confused deputy).
 */
import { type IamPolicyDocument, serviceTrustPolicy } from "../shared/iam-document";

export interface FlowLogScope {
  partition: string;
  region: string;
  accountId: string;
}

export function flowLogsTrustPolicy(s: FlowLogScope): IamPolicyDocument {
  return serviceTrustPolicy(
    "vpc-flow-logs.amazonaws.com",
    s.accountId,
    `arn:${s.partition}:ec2:${s.region}:${s.accountId}:vpc-flow-log/*`,
  );
}

/**
 * What the role may do: the guide's list, less `logs:CreateLogGroup` (the stack makes the group, with its
 * retention), on the one log group; `DescribeLogGroups` lists, so it takes the region's groups as its resource.
 * `logGroupArn` is the provider's ARN, without the `:*` that the API's own ARN of a group carries.
 */
export function flowLogsPublishPolicy(logGroupArn: string, s: FlowLogScope): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PublishFlowLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [logGroupArn, `${logGroupArn}:*`],
      },
      {
        Sid: "FindTheLogGroup",
        Effect: "Allow",
        Action: "logs:DescribeLogGroups",
        Resource: `arn:${s.partition}:logs:${s.region}:${s.accountId}:log-group:*`,
      },
    ],
  };
}
