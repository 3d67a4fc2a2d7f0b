/**
 * What FIS may do (pure): the IAM documents of its experiment role, and its rights inside the cluster.
 */
import type * as k8s from "@pulumi/kubernetes";
import { type IamPolicyDocument, type IamStatement, serviceTrustPolicy } from "../shared/iam-document";

/**
 * Kubernetes identity of FIS in the cluster. The FIS experiment role is mapped to this user by an access
 * entry, and FIS runs its helper pod as this service account; one Role grants both what the FIS docs list
 * for the aws:eks:pod actions (eks-pod-actions: "role-experiments").
 */
export const FIS_KUBERNETES_USER = "fis-experiment";
export const FIS_SERVICE_ACCOUNT = "fis-experiment";

/** That Role's rules, in the LiveKit namespace only. */
export const FIS_POD_ACTION_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [
  { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "create", "patch", "delete"] },
  { apiGroups: [""], resources: ["pods"], verbs: ["create", "list", "get", "delete", "deletecollection"] },
  { apiGroups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["update"] },
  { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] },
  { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] },
];

/**
 * Instance tags the drills select nodes by, and the only tags the FIS role may terminate: Karpenter (which
 * launches every SFU node) tags each instance with its NodePool and cluster (`karpenter.sh/nodepool`,
 * `eks:eks-cluster-name`). FIS matches every listed tag of a target (AND), so the target stays inside this cluster.
 */
export const NODE_POOL_TAG = "karpenter.sh/nodepool";
export const KARPENTER_CLUSTER_TAG = "eks:eks-cluster-name";

/** What the FIS role policy is scoped to. */
export interface FisPolicyScope {
  partition: string;
  region: string;
  accountId: string;
  clusterName: string;
  sfuNodePoolName: string;
  logging: boolean;
}

/**
 * The FIS role's permissions: terminate only instances carrying the SFU NodePool's tags (in this cluster), read what target resolution needs, and describe the cluster for the pod drill.
 */
export function fisRolePolicy(s: FisPolicyScope): IamPolicyDocument {
  const instances = `arn:${s.partition}:ec2:${s.region}:${s.accountId}:instance/*`;
  const statements: IamStatement[] = [
    {
      Sid: "TerminateSfuNodePoolInstances",
      Effect: "Allow",
      Action: "ec2:TerminateInstances",
      Resource: instances,
      Condition: {
        StringEquals: {
          [`aws:ResourceTag/${NODE_POOL_TAG}`]: s.sfuNodePoolName,
          [`aws:ResourceTag/${KARPENTER_CLUSTER_TAG}`]: s.clusterName,
        },
      },
    },
    // Target resolution: FIS lists instances by tag, then filters them on State.Name.
    { Sid: "ResolveTargets", Effect: "Allow", Action: ["ec2:DescribeInstances", "tag:GetResources"], Resource: "*" },
    // The pod drill: FIS reads the cluster's endpoint, then talks to Kubernetes as FIS_KUBERNETES_USER.
    {
      Sid: "DescribeCluster",
      Effect: "Allow",
      Action: "eks:DescribeCluster",
      Resource: `arn:${s.partition}:eks:${s.region}:${s.accountId}:cluster/${s.clusterName}`,
    },
  ];
  if (s.logging) {
    statements.push({
      Sid: "ExperimentLogs",
      Effect: "Allow",
      Action: [
        "logs:CreateLogDelivery",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
      ],
      Resource: "*",
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** FIS may assume the role only for this account's experiments (confused-deputy guard). */
export function fisTrustPolicy(s: Pick<FisPolicyScope, "partition" | "region" | "accountId">): IamPolicyDocument {
  return serviceTrustPolicy(
    "fis.amazonaws.com",
    s.accountId,
    `arn:${s.partition}:fis:${s.region}:${s.accountId}:experiment/*`,
  );
}
