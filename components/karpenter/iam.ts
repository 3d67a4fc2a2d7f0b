/**
 * The Karpenter controller's IAM policies (pure: documents only).
 */
import { IamPolicyDocument, policyDocument as document } from "../shared/iam-document";

/** What the controller's IAM policies are scoped to. */
export interface ControllerPolicyScope {
  partition: string;
  region: string;
  accountId: string;
  clusterName: string;
  nodeRoleArn: string;
  queueArn: string;
}

/**
 * The controller's IAM policies, one per concern, with the actions and conditions of Karpenter's official
 * getting-started CloudFormation template (v1.14). EC2 resources Karpenter creates or deletes must carry
 * the cluster's ownership tag and a NodePool tag, so the controller cannot touch anything else.
 * (The zonal-shift read permission is left out: `settings.enableZonalShift` stays off.)
 */
export function karpenterControllerPolicies(scope: ControllerPolicyScope): Record<string, IamPolicyDocument> {
  const { partition, region, accountId, clusterName } = scope;
  const ec2 = (resource: string) => `arn:${partition}:ec2:${region}:*:${resource}`;
  const instanceProfiles = `arn:${partition}:iam::${accountId}:instance-profile/*`;
  const owned = { [`kubernetes.io/cluster/${clusterName}`]: "owned" };
  const prefixed = (prefix: string, tags: Record<string, string>) =>
    Object.fromEntries(Object.entries(tags).map(([key, value]) => [`${prefix}/${key}`, value]));
  const launchedResources = [
    "fleet/*",
    "instance/*",
    "volume/*",
    "network-interface/*",
    "launch-template/*",
    "spot-instances-request/*",
  ].map(ec2);
  const requestTags = prefixed("aws:RequestTag", { ...owned, "eks:eks-cluster-name": clusterName });
  const anyNodePool = (prefix: string) => ({ [`${prefix}/karpenter.sh/nodepool`]: "*" });
  const anyNodeClass = (prefix: string) => ({ [`${prefix}/karpenter.k8s.aws/ec2nodeclass`]: "*" });
  const regionTag = (prefix: string) => ({ [`${prefix}/topology.kubernetes.io/region`]: region });

  return {
    nodeLifecycle: document(
      {
        Sid: "AllowScopedEC2InstanceAccessActions",
        Effect: "Allow",
        Action: ["ec2:RunInstances", "ec2:CreateFleet"],
        Resource: [
          `arn:${partition}:ec2:${region}::image/*`,
          `arn:${partition}:ec2:${region}::snapshot/*`,
          ...["security-group/*", "subnet/*", "capacity-reservation/*", "placement-group/*"].map(ec2),
        ],
      },
      {
        Sid: "AllowScopedEC2LaunchTemplateAccessActions",
        Effect: "Allow",
        Action: ["ec2:RunInstances", "ec2:CreateFleet"],
        Resource: ec2("launch-template/*"),
        Condition: { StringEquals: prefixed("aws:ResourceTag", owned), StringLike: anyNodePool("aws:ResourceTag") },
      },
      {
        Sid: "AllowScopedEC2InstanceActionsWithTags",
        Effect: "Allow",
        Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
        Resource: launchedResources,
        Condition: { StringEquals: requestTags, StringLike: anyNodePool("aws:RequestTag") },
      },
      {
        Sid: "AllowScopedResourceCreationTagging",
        Effect: "Allow",
        Action: "ec2:CreateTags",
        Resource: launchedResources,
        Condition: {
          StringEquals: { ...requestTags, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"] },
          StringLike: anyNodePool("aws:RequestTag"),
        },
      },
      {
        Sid: "AllowScopedResourceTagging",
        Effect: "Allow",
        Action: "ec2:CreateTags",
        Resource: ec2("instance/*"),
        Condition: {
          StringEquals: prefixed("aws:ResourceTag", owned),
          StringLike: anyNodePool("aws:ResourceTag"),
          StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": clusterName },
          "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
        },
      },
      {
        Sid: "AllowScopedDeletion",
        Effect: "Allow",
        Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
        Resource: [ec2("instance/*"), ec2("launch-template/*")],
        Condition: { StringEquals: prefixed("aws:ResourceTag", owned), StringLike: anyNodePool("aws:ResourceTag") },
      },
    ),
    iamIntegration: document(
      {
        Sid: "AllowPassingInstanceRole",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: scope.nodeRoleArn,
        // Only to EC2, only the node role: the controller cannot hand any other role to anything. In China, EC2
        // also as `ec2.amazonaws.com.cn`, which upstream's template names beside the other in every partition
        // (v1.14.1 website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml:188).
        Condition: {
          StringEquals: {
            "iam:PassedToService":
              partition === "aws-cn" ? ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] : "ec2.amazonaws.com",
          },
        },
      },
      {
        Sid: "AllowScopedInstanceProfileCreationActions",
        Effect: "Allow",
        Action: "iam:CreateInstanceProfile",
        Resource: instanceProfiles,
        Condition: {
          StringEquals: { ...requestTags, ...regionTag("aws:RequestTag") },
          StringLike: anyNodeClass("aws:RequestTag"),
        },
      },
      {
        Sid: "AllowScopedInstanceProfileTagActions",
        Effect: "Allow",
        Action: "iam:TagInstanceProfile",
        Resource: instanceProfiles,
        Condition: {
          StringEquals: {
            ...prefixed("aws:ResourceTag", owned),
            ...regionTag("aws:ResourceTag"),
            ...requestTags,
            ...regionTag("aws:RequestTag"),
          },
          StringLike: { ...anyNodeClass("aws:ResourceTag"), ...anyNodeClass("aws:RequestTag") },
        },
      },
      {
        Sid: "AllowScopedInstanceProfileActions",
        Effect: "Allow",
        Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
        Resource: instanceProfiles,
        Condition: {
          StringEquals: { ...prefixed("aws:ResourceTag", owned), ...regionTag("aws:ResourceTag") },
          StringLike: anyNodeClass("aws:ResourceTag"),
        },
      },
    ),
    eksIntegration: document({
      Sid: "AllowAPIServerEndpointDiscovery",
      Effect: "Allow",
      Action: "eks:DescribeCluster",
      Resource: `arn:${partition}:eks:${region}:${accountId}:cluster/${clusterName}`,
    }),
    interruption: document({
      Sid: "AllowInterruptionQueueActions",
      Effect: "Allow",
      Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
      Resource: scope.queueArn,
    }),
    resourceDiscovery: document(
      {
        Sid: "AllowRegionalReadActions",
        Effect: "Allow",
        Action: [
          "ec2:DescribeCapacityReservations",
          "ec2:DescribeImages",
          "ec2:DescribeInstances",
          "ec2:DescribeInstanceStatus",
          "ec2:DescribeInstanceTypeOfferings",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplates",
          "ec2:DescribePlacementGroups",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeSpotPriceHistory",
          "ec2:DescribeSubnets",
        ],
        Resource: "*",
        Condition: { StringEquals: { "aws:RequestedRegion": region } },
      },
      {
        Sid: "AllowSSMReadActions",
        Effect: "Allow",
        Action: "ssm:GetParameter",
        Resource: `arn:${partition}:ssm:${region}::parameter/aws/service/*`,
      },
      { Sid: "AllowPricingReadActions", Effect: "Allow", Action: "pricing:GetProducts", Resource: "*" },
      {
        Sid: "AllowUnscopedInstanceProfileListAction",
        Effect: "Allow",
        Action: "iam:ListInstanceProfiles",
        Resource: "*",
      },
      {
        Sid: "AllowInstanceProfileReadActions",
        Effect: "Allow",
        Action: "iam:GetInstanceProfile",
        Resource: instanceProfiles,
      },
    ),
  };
}
