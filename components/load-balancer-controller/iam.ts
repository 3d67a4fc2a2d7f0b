/**
 * The load balancer controller's IAM policy (pure).
 */
import type { IamPolicyDocument, IamStatement } from "../shared/iam-document";

/** Tag the controller puts on everything it creates; most write permissions require it. */
const CLUSTER_TAG = "elbv2.k8s.aws/cluster";

/**
 * The controller's IAM policy: the statements, actions and conditions of the IAM policy published with
 * the pinned controller version (kubernetes-sigs/aws-load-balancer-controller docs/install/iam_policy.json
 * at v3.5.0). Bump it together with the chart.
 */
export function loadBalancerControllerPolicy(partition: string): IamPolicyDocument {
  const elb = (resource: string) => `arn:${partition}:elasticloadbalancing:*:*:${resource}`;
  const securityGroups = `arn:${partition}:ec2:*:*:security-group/*`;
  const balancersAndTargetGroups = [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")];
  // "Null": {key: "false"} means the tag is present; "true" means it is absent.
  const tagged = { [`aws:ResourceTag/${CLUSTER_TAG}`]: "false" };
  const taggingOwnResource = { [`aws:RequestTag/${CLUSTER_TAG}`]: "true", [`aws:ResourceTag/${CLUSTER_TAG}`]: "false" };
  const creatingTagged = { [`aws:RequestTag/${CLUSTER_TAG}`]: "false" };
  const allow = (
    Action: string[],
    Resource: string | string[],
    Condition?: IamStatement["Condition"],
  ): IamStatement => ({
    Effect: "Allow",
    Action,
    Resource,
    ...(Condition ? { Condition } : {}),
  });

  return {
    Version: "2012-10-17",
    Statement: [
      allow(["iam:CreateServiceLinkedRole"], "*", {
        StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" },
      }),
      allow(
        [
          "ec2:DescribeAccountAttributes",
          "ec2:DescribeAddresses",
          "ec2:DescribeAvailabilityZones",
          "ec2:DescribeInternetGateways",
          "ec2:DescribeVpcs",
          "ec2:DescribeVpcPeeringConnections",
          "ec2:DescribeSubnets",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeInstances",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeTags",
          "ec2:GetCoipPoolUsage",
          "ec2:DescribeCoipPools",
          "ec2:GetSecurityGroupsForVpc",
          "ec2:DescribeIpamPools",
          "ec2:DescribeRouteTables",
          "elasticloadbalancing:DescribeLoadBalancers",
          "elasticloadbalancing:DescribeLoadBalancerAttributes",
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeListenerCertificates",
          "elasticloadbalancing:DescribeSSLPolicies",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetGroupAttributes",
          "elasticloadbalancing:DescribeTargetHealth",
          "elasticloadbalancing:DescribeTags",
          "elasticloadbalancing:DescribeTrustStores",
          "elasticloadbalancing:DescribeListenerAttributes",
          "elasticloadbalancing:DescribeCapacityReservation",
        ],
        "*",
      ),
      allow(
        [
          "cognito-idp:DescribeUserPoolClient",
          "acm:ListCertificates",
          "acm:DescribeCertificate",
          "iam:ListServerCertificates",
          "iam:GetServerCertificate",
          "waf-regional:GetWebACL",
          "waf-regional:GetWebACLForResource",
          "waf-regional:AssociateWebACL",
          "waf-regional:DisassociateWebACL",
          "wafv2:GetWebACL",
          "wafv2:GetWebACLForResource",
          "wafv2:AssociateWebACL",
          "wafv2:DisassociateWebACL",
          "shield:GetSubscriptionState",
          "shield:DescribeProtection",
          "shield:CreateProtection",
          "shield:DeleteProtection",
        ],
        "*",
      ),
      allow(["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], "*"),
      allow(["ec2:CreateSecurityGroup"], "*"),
      allow(["ec2:CreateTags"], securityGroups, {
        StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" },
        Null: creatingTagged,
      }),
      allow(["ec2:CreateTags", "ec2:DeleteTags"], securityGroups, { Null: taggingOwnResource }),
      allow(["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"], "*", {
        Null: tagged,
      }),
      allow(["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"], "*", {
        Null: creatingTagged,
      }),
      allow(
        [
          "elasticloadbalancing:CreateListener",
          "elasticloadbalancing:DeleteListener",
          "elasticloadbalancing:CreateRule",
          "elasticloadbalancing:DeleteRule",
        ],
        "*",
      ),
      allow(["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], balancersAndTargetGroups, {
        Null: taggingOwnResource,
      }),
      allow(
        ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        [
          elb("listener/net/*/*/*"),
          elb("listener/app/*/*/*"),
          elb("listener-rule/net/*/*/*"),
          elb("listener-rule/app/*/*/*"),
        ],
      ),
      allow(
        [
          "elasticloadbalancing:ModifyLoadBalancerAttributes",
          "elasticloadbalancing:SetIpAddressType",
          "elasticloadbalancing:SetSecurityGroups",
          "elasticloadbalancing:SetSubnets",
          "elasticloadbalancing:DeleteLoadBalancer",
          "elasticloadbalancing:ModifyTargetGroup",
          "elasticloadbalancing:ModifyTargetGroupAttributes",
          "elasticloadbalancing:DeleteTargetGroup",
          "elasticloadbalancing:ModifyListenerAttributes",
          "elasticloadbalancing:ModifyCapacityReservation",
          "elasticloadbalancing:ModifyIpPools",
        ],
        "*",
        { Null: tagged },
      ),
      allow(["elasticloadbalancing:AddTags"], balancersAndTargetGroups, {
        StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] },
        Null: creatingTagged,
      }),
      allow(["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], elb("targetgroup/*/*")),
      allow(
        [
          "elasticloadbalancing:SetWebAcl",
          "elasticloadbalancing:ModifyListener",
          "elasticloadbalancing:AddListenerCertificates",
          "elasticloadbalancing:RemoveListenerCertificates",
          "elasticloadbalancing:ModifyRule",
          "elasticloadbalancing:SetRulePriorities",
        ],
        "*",
      ),
    ],
  };
}
