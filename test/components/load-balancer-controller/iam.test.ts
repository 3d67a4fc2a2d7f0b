/**
 * The load balancer controller's policy, evaluated by IAM's rules against the calls the controller makes at the
 * pinned version (kubernetes-sigs/aws-load-balancer-controller v3.5.0, lib/versions.ts) to give a Service its NLB
 * and an Ingress its ALB, with the tags it sends: every resource it creates carries `elbv2.k8s.aws/cluster` =
 * the cluster's name with its stack and resource tags (pkg/deploy/tracking/provider.go 110-131,
 * pkg/shared_constants/tag_keys.go 5), in the create call itself (pkg/deploy/elbv2/load_balancer_manager.go 74,
 * target_group_manager.go 82, listener_manager.go 95, listener_rule_manager.go 84;
 * pkg/deploy/ec2/security_group_manager.go 79-82).
 */
import { loadBalancerControllerPolicy } from "../../../components/load-balancer-controller/iam";
import { evaluate } from "../../support/iam-evaluate";

const ACCOUNT = "111122223333";
const REGION = "ap-south-1";
const CLUSTER = "livekit-mumbai";
const policy = loadBalancerControllerPolicy("aws");
const holder = { ...policy, Statement: policy.Statement.map((s) => ({ ...s, Principal: "*" as const })) };

type Context = Record<string, string | string[]>;
const call = (action: string, resource: string, context: Context = {}) =>
  evaluate(holder, { principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/lbc` }, action, resource, context });

const elb = (resource: string) => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:${resource}`;
const NLB = elb("loadbalancer/net/k8s-livekit-livekits-0123456789/0123456789abcdef");
const ALB = elb("loadbalancer/app/k8s-livekit-ingress-0123456789/0123456789abcdef");
const TARGET_GROUP = elb("targetgroup/k8s-livekit-livekits-0123456789/0123456789abcdef");
const LISTENER = elb("listener/net/k8s-livekit-livekits-0123456789/0123456789abcdef/0123456789abcdef");
const ALB_LISTENER = elb("listener/app/k8s-livekit-ingress-0123456789/0123456789abcdef/0123456789abcdef");
const RULE = elb("listener-rule/app/k8s-livekit-ingress-0123456789/0123456789abcdef/0123456789abcdef/0123456789");
const SECURITY_GROUP = `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/sg-0123456789abcdef0`;

/** The tracking tags of a resource the controller makes for the Service livekit/livekit-server. */
const trackingTags = (cluster = CLUSTER): Record<string, string> => ({
  "elbv2.k8s.aws/cluster": cluster,
  "service.k8s.aws/stack": "livekit/livekit-server",
  "service.k8s.aws/resource": "LoadBalancer",
});
const requestTags = (tags: Record<string, string>): Context => ({
  ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
  "aws:TagKeys": Object.keys(tags),
});
const resourceTags = (tags: Record<string, string>): Context =>
  Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:ResourceTag/${key}`, value]));
const ours = resourceTags(trackingTags());

describe("the load balancer controller gives a Service its load balancer", () => {
  it("creates and tags its security group, and opens the nodes' security group to it", () => {
    expect(call("ec2:CreateSecurityGroup", SECURITY_GROUP, requestTags(trackingTags()))).toBe("allowed");
    expect(
      call("ec2:CreateTags", SECURITY_GROUP, {
        ...requestTags(trackingTags()),
        "ec2:CreateAction": "CreateSecurityGroup",
      }),
    ).toBe("allowed");
    expect(call("ec2:AuthorizeSecurityGroupIngress", SECURITY_GROUP, ours)).toBe("allowed");
    // The nodes' security group is EKS's, untagged by the controller: it still adds the load balancer's rule.
    expect(call("ec2:AuthorizeSecurityGroupIngress", SECURITY_GROUP)).toBe("allowed");
    expect(call("ec2:RevokeSecurityGroupIngress", SECURITY_GROUP)).toBe("allowed");
  });

  it("creates the target group and load balancer with its tags, tagged in the same call", () => {
    for (const [action, resource] of [
      ["elasticloadbalancing:CreateTargetGroup", TARGET_GROUP],
      ["elasticloadbalancing:CreateLoadBalancer", NLB],
      ["elasticloadbalancing:CreateLoadBalancer", ALB],
    ]) {
      const createAction = action.replace("elasticloadbalancing:", "");
      expect(call(action, "*", requestTags(trackingTags()))).toBe("allowed");
      expect(
        call("elasticloadbalancing:AddTags", resource, {
          ...requestTags(trackingTags()),
          "elasticloadbalancing:CreateAction": createAction,
        }),
      ).toBe("allowed");
    }
  });

  it("adds listeners and rules with their tags, and registers the nodes or pods as targets", () => {
    expect(call("elasticloadbalancing:CreateListener", NLB, requestTags(trackingTags()))).toBe("allowed");
    expect(call("elasticloadbalancing:AddTags", LISTENER, requestTags(trackingTags()))).toBe("allowed");
    expect(call("elasticloadbalancing:CreateRule", RULE, requestTags(trackingTags()))).toBe("allowed");
    expect(call("elasticloadbalancing:AddTags", RULE, requestTags(trackingTags()))).toBe("allowed");
    // Listener and rule tags follow the Service's or Ingress's tags, whatever the listener's tags are.
    for (const listener of [LISTENER, ALB_LISTENER, RULE]) {
      expect(call("elasticloadbalancing:AddTags", listener, requestTags({ team: "media" }))).toBe("allowed");
      expect(call("elasticloadbalancing:RemoveTags", listener, requestTags({ team: "media" }))).toBe("allowed");
    }
    expect(call("elasticloadbalancing:RegisterTargets", TARGET_GROUP)).toBe("allowed");
    expect(call("elasticloadbalancing:DeregisterTargets", TARGET_GROUP)).toBe("allowed");
  });

  it("tunes, retags and finally deletes what it made", () => {
    for (const [action, resource] of [
      ["elasticloadbalancing:ModifyLoadBalancerAttributes", NLB],
      ["elasticloadbalancing:SetSecurityGroups", NLB],
      ["elasticloadbalancing:SetSubnets", ALB],
      ["elasticloadbalancing:ModifyTargetGroupAttributes", TARGET_GROUP],
      ["elasticloadbalancing:ModifyTargetGroup", TARGET_GROUP],
      ["elasticloadbalancing:DeleteLoadBalancer", NLB],
      ["elasticloadbalancing:DeleteTargetGroup", TARGET_GROUP],
      ["ec2:DeleteSecurityGroup", SECURITY_GROUP],
    ]) {
      expect({ action, result: call(action, resource, ours) }).toEqual({ action, result: "allowed" });
    }
    // A changed annotation retags its resources: every tag but the cluster's.
    const update = requestTags({ "service.k8s.aws/stack": "livekit/livekit-server", team: "media" });
    for (const resource of [NLB, ALB, TARGET_GROUP]) {
      expect(call("elasticloadbalancing:AddTags", resource, { ...ours, ...update })).toBe("allowed");
      expect(call("elasticloadbalancing:RemoveTags", resource, { ...ours, ...update })).toBe("allowed");
    }
    expect(call("ec2:CreateTags", SECURITY_GROUP, { ...ours, ...update })).toBe("allowed");
    expect(call("ec2:DeleteTags", SECURITY_GROUP, { ...ours, ...update })).toBe("allowed");
  });

  /**
   * The reads and the listener, rule, WAF and Shield calls of the controller's AWS clients (pkg/aws/services/
   * ec2.go 13-40, elbv2.go 13-65, acm.go 15-22, wafv2.go 9-14, wafregional.go 10-15, shield.go 9-14), which it
   * makes on resources it reconciles whatever their tags.
   */
  const UNTAGGED_CALLS = [
    ...[
      "DescribeInstances",
      "DescribeNetworkInterfaces",
      "DescribeSecurityGroups",
      "DescribeSubnets",
      "DescribeVpcs",
      "DescribeRouteTables",
      "DescribeAvailabilityZones",
    ].map((name) => `ec2:${name}`),
    ...[
      "DescribeLoadBalancers",
      "DescribeLoadBalancerAttributes",
      "DescribeTargetGroups",
      "DescribeTargetGroupAttributes",
      "DescribeTargetHealth",
      "DescribeListeners",
      "DescribeListenerAttributes",
      "DescribeListenerCertificates",
      "DescribeRules",
      "DescribeTags",
      "DescribeTrustStores",
      "DescribeCapacityReservation",
      "CreateListener",
      "DeleteListener",
      "ModifyListener",
      "AddListenerCertificates",
      "RemoveListenerCertificates",
      "CreateRule",
      "DeleteRule",
      "ModifyRule",
      "SetRulePriorities",
    ].map((name) => `elasticloadbalancing:${name}`),
    "acm:ListCertificates",
    "acm:DescribeCertificate",
    ...["GetWebACLForResource", "AssociateWebACL", "DisassociateWebACL"].map((name) => `wafv2:${name}`),
    ...["GetWebACLForResource", "AssociateWebACL", "DisassociateWebACL"].map((name) => `waf-regional:${name}`),
    ...["GetSubscriptionState", "DescribeProtection", "CreateProtection", "DeleteProtection"].map(
      (name) => `shield:${name}`,
    ),
  ];

  it.each(UNTAGGED_CALLS)("calls %s", (action) => {
    expect(call(action, "*")).toBe("allowed");
  });

  it("sets the address type, capacity reservation, IP pools and listener attributes of its own load balancers", () => {
    for (const action of [
      "SetIpAddressType",
      "ModifyCapacityReservation",
      "ModifyIpPools",
      "ModifyListenerAttributes",
    ].map((name) => `elasticloadbalancing:${name}`)) {
      expect({ action, result: call(action, NLB, ours) }).toEqual({ action, result: "allowed" });
      expect({ action, result: call(action, NLB) }).toEqual({ action, result: "not allowed" });
    }
  });

  it("creates the ELB service-linked role and no other", () => {
    const createRole = (service: string) => call("iam:CreateServiceLinkedRole", "*", { "iam:AWSServiceName": service });
    expect(createRole("elasticloadbalancing.amazonaws.com")).toBe("allowed");
    expect(createRole("ec2.amazonaws.com")).toBe("not allowed");
    expect(call("iam:CreateRole", "*")).toBe("not allowed");
  });
});

describe("the load balancer controller leaves alone what it did not make", () => {
  it("creates no load balancer, target group or security group tag without the cluster tag", () => {
    const { "elbv2.k8s.aws/cluster": _cluster, ...untracked } = trackingTags();
    expect(call("elasticloadbalancing:CreateLoadBalancer", "*", requestTags(untracked))).toBe("not allowed");
    expect(call("elasticloadbalancing:CreateTargetGroup", "*", requestTags(untracked))).toBe("not allowed");
    expect(
      call("elasticloadbalancing:AddTags", NLB, {
        ...requestTags(untracked),
        "elasticloadbalancing:CreateAction": "CreateLoadBalancer",
      }),
    ).toBe("not allowed");
    expect(
      call("ec2:CreateTags", SECURITY_GROUP, { ...requestTags(untracked), "ec2:CreateAction": "CreateSecurityGroup" }),
    ).toBe("not allowed");
  });

  it("modifies, retags and deletes no load balancer, target group or security group without the cluster tag", () => {
    // A load balancer made by hand or by another stack, and the nodes' security group.
    for (const [action, resource] of [
      ["elasticloadbalancing:DeleteLoadBalancer", NLB],
      ["elasticloadbalancing:ModifyLoadBalancerAttributes", ALB],
      ["elasticloadbalancing:SetSecurityGroups", NLB],
      ["elasticloadbalancing:DeleteTargetGroup", TARGET_GROUP],
      ["elasticloadbalancing:ModifyTargetGroupAttributes", TARGET_GROUP],
      ["ec2:DeleteSecurityGroup", SECURITY_GROUP],
      ["elasticloadbalancing:AddTags", NLB],
      ["elasticloadbalancing:RemoveTags", TARGET_GROUP],
      ["ec2:CreateTags", SECURITY_GROUP],
      ["ec2:DeleteTags", SECURITY_GROUP],
    ]) {
      const context = { ...resourceTags({ team: "media" }), ...requestTags({ team: "media" }) };
      expect({ action, result: call(action, resource, context) }).toEqual({ action, result: "not allowed" });
    }
  });

  it("adopts no one else's load balancer or security group by tagging it with a cluster, nor moves its own", () => {
    const claim = requestTags({ "elbv2.k8s.aws/cluster": CLUSTER });
    expect(call("elasticloadbalancing:AddTags", NLB, claim)).toBe("not allowed");
    expect(call("ec2:CreateTags", SECURITY_GROUP, claim)).toBe("not allowed");
    const move = requestTags({ "elbv2.k8s.aws/cluster": "livekit-singapore" });
    expect(call("elasticloadbalancing:AddTags", NLB, { ...ours, ...move })).toBe("not allowed");
    expect(call("elasticloadbalancing:RemoveTags", TARGET_GROUP, { ...ours, ...move })).toBe("not allowed");
    expect(call("ec2:DeleteTags", SECURITY_GROUP, { ...ours, ...move })).toBe("not allowed");
  });

  it("fences by the cluster tag's presence, not its value: the published policy's limit, kept to stay on it", () => {
    // Another cluster's controller made this load balancer; the published policy cannot tell it from this one's.
    const theirs = resourceTags(trackingTags("livekit-singapore"));
    expect(call("elasticloadbalancing:DeleteLoadBalancer", NLB.replace(REGION, "ap-southeast-1"), theirs)).toBe(
      "allowed",
    );
  });

  it("terminates no instance and deletes no VPC, certificate or web ACL", () => {
    for (const action of ["ec2:TerminateInstances", "ec2:DeleteVpc", "acm:DeleteCertificate", "wafv2:DeleteWebACL"]) {
      expect({ action, result: call(action, "*") }).toEqual({ action, result: "not allowed" });
    }
  });
});

describe("the load balancer controller's policy", () => {
  it("is in the current policy language and only allows", () => {
    expect(policy.Version).toBe("2012-10-17");
    expect(policy.Statement.every((s) => s.Effect === "Allow")).toBe(true);
  });

  it("names resources in the partition it is given", () => {
    const china = loadBalancerControllerPolicy("aws-cn");
    const chinaHolder = { ...china, Statement: china.Statement.map((s) => ({ ...s, Principal: "*" as const })) };
    const register = (document: typeof holder, partition: string) =>
      evaluate(document, {
        principal: { AWS: "arn:aws-cn:iam::111122223333:role/lbc" },
        action: "elasticloadbalancing:RegisterTargets",
        resource: TARGET_GROUP.replace("arn:aws:", `arn:${partition}:`),
      });
    expect(register(chinaHolder, "aws-cn")).toBe("allowed");
    expect(register(chinaHolder, "aws")).toBe("not allowed");
    expect(register(holder, "aws-cn")).toBe("not allowed");
  });
});
