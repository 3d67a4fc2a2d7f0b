import {
  FIS_KUBERNETES_USER,
  FIS_POD_ACTION_RULES,
  FIS_SERVICE_ACCOUNT,
  fisRolePolicy,
  fisTrustPolicy,
  KARPENTER_CLUSTER_TAG,
  NODE_POOL_TAG,
} from "../../../components/chaos/iam";
import type { IamPolicyDocument } from "../../../components/shared/iam-document";
import { evaluate } from "../../support/iam-evaluate";
import { isObjectName } from "../../support/kubernetes-names";
import { rbacAllows, type RbacRule } from "../../support/rbac-evaluate";

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

describe("what FIS may do inside the cluster", () => {
  const rules = FIS_POD_ACTION_RULES as RbacRule[];
  const may = (verb: string, apiGroup: string, resource: string) => rbacAllows(rules, { verb, apiGroup, resource });

  /**
   * Every request the Role the AWS FIS user guide gives for the aws:eks:pod actions allows ("Use the AWS FIS
   * aws:eks:pod actions", eks-pod-actions.html, "Configure the Kubernetes service account": Role
   * `role-experiments`): FIS creates its own pod, which keeps its state in a ConfigMap, resolves the targets of a
   * Deployment, deletes pods (aws:eks:pod-delete), injects each other fault as an ephemeral container and drives
   * it through exec, then removes what it made.
   */
  const CORE = "";
  const FIS_NEEDS: [verb: string, resource: string, apiGroup: string][] = [
    ...["get", "create", "patch", "delete"].map((verb): [string, string, string] => [verb, "configmaps", CORE]),
    ...["create", "list", "get", "delete", "deletecollection"].map((verb): [string, string, string] => [
      verb,
      "pods",
      CORE,
    ]),
    ["update", "pods/ephemeralcontainers", CORE],
    ["create", "pods/exec", CORE],
    ["get", "deployments", "apps"],
  ];

  it.each(FIS_NEEDS)("lets FIS %s %s (API group %j), as the aws:eks:pod actions need", (verb, resource, apiGroup) => {
    expect(may(verb, apiGroup, resource)).toBe(true);
  });

  it("allows nothing beyond them: no Secrets, no other change to pods or Deployments, no attach", () => {
    for (const [verb, apiGroup, resource] of [
      ["get", "", "secrets"],
      ["list", "", "configmaps"],
      ["update", "", "pods"],
      ["patch", "", "pods"],
      ["create", "", "pods/attach"],
      ["create", "", "pods/portforward"],
      ["patch", "", "pods/ephemeralcontainers"],
      ["get", "", "pods/exec"],
      ["patch", "apps", "deployments"],
      ["delete", "apps", "deployments"],
      ["list", "apps", "deployments"],
      ["get", "apps", "statefulsets"],
      ["create", "", "serviceaccounts/token"],
    ]) {
      expect({ verb, apiGroup, resource, allowed: may(verb, apiGroup, resource) }).toEqual(
        expect.objectContaining({ allowed: false }),
      );
    }
    // A rule in the core group does not cover the same resource's name in another group, nor the reverse.
    expect(may("get", "apps", "configmaps")).toBe(false);
    expect(may("get", "", "deployments")).toBe(false);
  });

  it("binds them to names the API server takes", () => {
    // The ServiceAccount's name, which FIS's template names as its kubernetesServiceAccount.
    expect(isObjectName(FIS_SERVICE_ACCOUNT)).toBe(true);
    // The access entry's Kubernetes user: EKS refuses a name in its reserved prefixes, RBAC a subject without one.
    expect(FIS_KUBERNETES_USER).not.toBe("");
    expect(FIS_KUBERNETES_USER).not.toMatch(/^(system|eks|aws|amazon|iam):/);
  });
});
