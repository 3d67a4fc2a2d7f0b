import { fisRolePolicy, fisTrustPolicy, KARPENTER_CLUSTER_TAG, NODE_POOL_TAG } from "../../../components/chaos/iam";
import type { IamPolicyDocument } from "../../../components/shared/iam-document";
import { evaluate } from "../../support/iam-evaluate";

describe("the FIS role policy", () => {
  it("adds the log statements only with logging", () => {
    const scope = {
      partition: "aws",
      region: "ap-south-1",
      accountId: "1",
      clusterName: "c",
      sfuNodePoolName: "sfu",
    };
    expect(fisRolePolicy({ ...scope, logging: false }).Statement.map((s) => s.Sid)).not.toContain("ExperimentLogs");
    expect(fisRolePolicy({ ...scope, logging: true }).Statement.map((s) => s.Sid)).toContain("ExperimentLogs");
  });
});

const SCOPE = {
  partition: "aws",
  region: "ap-south-1",
  accountId: "111122223333",
  clusterName: "mumbai",
  sfuNodePoolName: "sfu",
  logging: false,
};
const INSTANCE = "arn:aws:ec2:ap-south-1:111122223333:instance/i-0abc";
/** Karpenter's tags on every instance it launches (aws/karpenter-provider-aws v1.14.1 pkg/utils/utils.go 116-121). */
const karpenterTags = (nodePool: string, cluster: string) => ({
  [`aws:ResourceTag/${NODE_POOL_TAG}`]: nodePool,
  [`aws:ResourceTag/${KARPENTER_CLUSTER_TAG}`]: cluster,
});
/** The role's identity policy as its holder's: every statement applies to whoever holds the role. */
const asHolder = (document: IamPolicyDocument): IamPolicyDocument => ({
  ...document,
  Statement: document.Statement.map((s) => ({ ...s, Principal: "*" })),
});
const role = (logging = false) => asHolder(fisRolePolicy({ ...SCOPE, logging }));
const asRole = (action: string, resource: string, context: Record<string, string> = {}) => ({
  principal: { AWS: "arn:aws:iam::111122223333:role/fis" },
  action,
  resource,
  context,
});

describe("what the FIS role may do", () => {
  it("is in the current policy language", () => {
    expect(fisRolePolicy(SCOPE).Version).toBe("2012-10-17");
    expect(fisTrustPolicy(SCOPE).Version).toBe("2012-10-17");
  });

  it("terminates only this cluster's SFU nodes, by the tags Karpenter gives them", () => {
    expect(NODE_POOL_TAG).toBe("karpenter.sh/nodepool");
    expect(KARPENTER_CLUSTER_TAG).toBe("eks:eks-cluster-name");
    const terminate = (context: Record<string, string>, resource = INSTANCE) =>
      evaluate(role(), asRole("ec2:TerminateInstances", resource, context));
    expect(terminate(karpenterTags("sfu", "mumbai"))).toBe("allowed");
    expect(terminate(karpenterTags("egress", "mumbai"))).toBe("not allowed");
    expect(terminate(karpenterTags("sfu", "singapore"))).toBe("not allowed");
    expect(terminate({})).toBe("not allowed");
    expect(terminate(karpenterTags("sfu", "mumbai"), "arn:aws:ec2:ap-southeast-1:111122223333:instance/i-0abc")).toBe(
      "not allowed",
    );
    expect(evaluate(role(), asRole("ec2:StopInstances", INSTANCE, karpenterTags("sfu", "mumbai")))).toBe("not allowed");
  });

  it("finds its targets and reads this cluster's endpoint for the pod drill", () => {
    for (const action of ["ec2:DescribeInstances", "tag:GetResources"]) {
      expect(evaluate(role(), asRole(action, "*"))).toBe("allowed");
    }
    const cluster = (name: string) => `arn:aws:eks:ap-south-1:111122223333:cluster/${name}`;
    expect(evaluate(role(), asRole("eks:DescribeCluster", cluster("mumbai")))).toBe("allowed");
    expect(evaluate(role(), asRole("eks:DescribeCluster", cluster("singapore")))).toBe("not allowed");
  });

  it("delivers experiment logs only with logging", () => {
    for (const action of [
      "logs:CreateLogDelivery",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ]) {
      expect(evaluate(role(true), asRole(action, "arn:aws:logs:ap-south-1:111122223333:log-group:fis"))).toBe(
        "allowed",
      );
      expect(evaluate(role(false), asRole(action, "arn:aws:logs:ap-south-1:111122223333:log-group:fis"))).toBe(
        "not allowed",
      );
    }
  });
});

describe("who may take the FIS role", () => {
  const assume = (service: string, account: string, experimentArn: string) =>
    evaluate(fisTrustPolicy(SCOPE), {
      principal: { Service: service },
      action: "sts:AssumeRole",
      context: { "aws:SourceAccount": account, "aws:SourceArn": experimentArn },
    });
  const experiment = "arn:aws:fis:ap-south-1:111122223333:experiment/EXP123";

  it("FIS, for this account's experiments in this region only", () => {
    expect(assume("fis.amazonaws.com", "111122223333", experiment)).toBe("allowed");
    expect(assume("fis.amazonaws.com", "444455556666", experiment)).toBe("not allowed");
    expect(assume("fis.amazonaws.com", "111122223333", experiment.replace("ap-south-1", "us-east-1"))).toBe(
      "not allowed",
    );
    expect(assume("ec2.amazonaws.com", "111122223333", experiment)).toBe("not allowed");
  });
});
