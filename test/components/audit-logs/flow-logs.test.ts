/**
 * The flow log's role: only VPC Flow Logs, on behalf of this account's flow logs in this region, may assume it
 * (the confused deputy), and it may only publish to its own log group (Amazon VPC User Guide, "IAM role for
 * publishing flow logs to CloudWatch Logs").
 */
import { flowLogsPublishPolicy, flowLogsTrustPolicy } from "../../../components/audit-logs/flow-logs";
import { evaluate } from "../../support/iam-evaluate";

const scope = { partition: "aws", region: "ap-south-1", accountId: "111122223333" };
const GROUP = "arn:aws:logs:ap-south-1:111122223333:log-group:/aws/vpc/livekit-mumbai/flow-logs";

describe("the flow log role's trust", () => {
  const assume = (principal: string, context: Record<string, string>) =>
    evaluate(flowLogsTrustPolicy(scope), { principal: { Service: principal }, action: "sts:AssumeRole", context });
  const ours = {
    "aws:SourceAccount": "111122223333",
    "aws:SourceArn": "arn:aws:ec2:ap-south-1:111122223333:vpc-flow-log/fl-0123456789abcdef0",
  };

  it("admits VPC Flow Logs acting for this account's flow logs in this region", () => {
    expect(assume("vpc-flow-logs.amazonaws.com", ours)).toBe("allowed");
  });

  it("refuses it for another account's or another region's flow log, or without the source", () => {
    expect(assume("vpc-flow-logs.amazonaws.com", { ...ours, "aws:SourceAccount": "444455556666" })).toBe("not allowed");
    expect(
      assume("vpc-flow-logs.amazonaws.com", {
        ...ours,
        "aws:SourceArn": "arn:aws:ec2:ap-southeast-1:111122223333:vpc-flow-log/fl-0123456789abcdef0",
      }),
    ).toBe("not allowed");
    expect(assume("vpc-flow-logs.amazonaws.com", {})).toBe("not allowed");
    expect(assume("ec2.amazonaws.com", ours)).toBe("not allowed");
  });

  it("builds its ARNs in the stack's partition", () => {
    const cn = flowLogsTrustPolicy({ ...scope, partition: "aws-cn" });
    expect(JSON.stringify(cn)).toContain('"arn:aws-cn:ec2:ap-south-1:111122223333:vpc-flow-log/*"');
  });
});

describe("what the flow log role may do", () => {
  const policy = flowLogsPublishPolicy(GROUP, scope);
  const may = (action: string, resource: string) =>
    evaluate(
      { ...policy, Statement: policy.Statement.map((s) => ({ ...s, Principal: "*" as const })) },
      { principal: { AWS: "role" }, action, resource },
    );

  it("writes streams and events to its own log group", () => {
    expect(may("logs:CreateLogStream", GROUP)).toBe("allowed");
    expect(may("logs:PutLogEvents", `${GROUP}:log-stream:eni-0123456789abcdef0-all`)).toBe("allowed");
    expect(may("logs:DescribeLogStreams", GROUP)).toBe("allowed");
    expect(may("logs:DescribeLogGroups", "arn:aws:logs:ap-south-1:111122223333:log-group:*")).toBe("allowed");
  });

  it("touches no other log group, and creates or deletes none", () => {
    const other = "arn:aws:logs:ap-south-1:111122223333:log-group:/aws/eks/livekit-mumbai/cluster";
    expect(may("logs:PutLogEvents", `${other}:log-stream:x`)).toBe("not allowed");
    expect(may("logs:CreateLogGroup", GROUP)).toBe("not allowed");
    expect(may("logs:DeleteLogGroup", GROUP)).toBe("not allowed");
    expect(may("logs:PutRetentionPolicy", GROUP)).toBe("not allowed");
  });

  it("is in the policy language's current version", () => {
    // IAM JSON policy reference, "Version": 2012-10-17 is the current version.
    expect(policy.Version).toBe("2012-10-17");
  });
});
