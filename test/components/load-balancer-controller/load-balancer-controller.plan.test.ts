import { LoadBalancerController } from "../../../components/load-balancer-controller";
import { nodeRoles } from "../../../components/shared/node-roles";
import { versions } from "../../../lib/versions";
import { findResource, inputsOf, PlanResult } from "../../../tools/plan/engine";
import { clusterDependencies } from "../../support/cluster-fixture";
import { runComponents } from "../../support/plan";

type Statement = {
  Effect: string;
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
};
const CLUSTER_TAG = "elbv2.k8s.aws/cluster";

describe("LoadBalancerController", () => {
  let plan: PlanResult;
  const release = () => inputsOf(findResource(plan, "kubernetes:helm.sh/v3:Release", "lbc"));
  const statements = (): Statement[] =>
    JSON.parse(inputsOf(findResource(plan, "aws:iam/policy:Policy", "lbc-controller")).policy).Statement;
  const granting = (action: string) => statements().filter((s) => s.Action.includes(action));

  beforeAll(async () => {
    plan = await runComponents(
      () => {
        new LoadBalancerController(
          "lbc",
          { clusterName: "livekit-test", vpcId: "vpc-0abc12345def67890" },
          clusterDependencies().options,
        );
      },
      { "aws:region": "ap-southeast-1" },
    );
  });

  it("installs the pinned chart from eks-charts, with the cluster's name, region and VPC", () => {
    expect(release()).toMatchObject({
      chart: "aws-load-balancer-controller",
      version: versions.charts.awsLoadBalancerController.version,
      repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
      namespace: "kube-system",
      values: { clusterName: "livekit-test", region: "ap-southeast-1", vpcId: "vpc-0abc12345def67890" },
    });
  });

  it("installs no Service mutating webhook, which would reject other releases' Services until it is ready", () => {
    expect(release().values.enableServiceMutatorWebhook).toBe(false);
  });

  it("runs on system nodes, installed once they exist", () => {
    expect(release().values.nodeSelector).toEqual(nodeRoles.system.labels);
    expect(findResource(plan, "kubernetes:helm.sh/v3:Release", "lbc").dependencies).toContain(
      findResource(plan, "aws:eks/nodeGroup:NodeGroup", "system").urn,
    );
  });

  it("gives the chart's service account its role through Pod Identity", () => {
    const role = findResource(plan, "aws:iam/role:Role", "lbc-controller");
    expect(JSON.parse(inputsOf(role).assumeRolePolicy).Statement).toMatchObject([
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
      },
    ]);
    const association = findResource(plan, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "lbc-controller");
    expect(inputsOf(association)).toEqual(
      expect.objectContaining({
        clusterName: "livekit-test",
        namespace: release().namespace,
        serviceAccount: release().values.serviceAccount.name,
      }),
    );
    expect(release().values.serviceAccount.create).toBe(true);
    expect(association.dependencies).toContain(role.urn);
    const attachment = findResource(
      plan,
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "lbc-controller-controller",
    );
    expect(attachment.dependencies).toEqual(
      expect.arrayContaining([role.urn, findResource(plan, "aws:iam/policy:Policy", "lbc-controller").urn]),
    );
    expect(findResource(plan, "kubernetes:helm.sh/v3:Release", "lbc").dependencies).toEqual(
      expect.arrayContaining([association.urn, attachment.urn, findResource(plan, "aws:eks/addon:Addon", "agent").urn]),
    );
  });

  it("may create the ELB service-linked role and nothing else in IAM it could escalate with", () => {
    expect(granting("iam:CreateServiceLinkedRole")).toEqual([
      expect.objectContaining({
        Resource: "*",
        Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
      }),
    ]);
    const iamWrites = statements()
      .flatMap((s) => s.Action)
      .filter((a) => a.startsWith("iam:") && !/^iam:(Get|List)/.test(a));
    expect(iamWrites).toEqual(["iam:CreateServiceLinkedRole"]);
  });

  it("creates load balancers, target groups and security groups only with its cluster tag", () => {
    for (const action of ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"]) {
      expect(granting(action)).toEqual([
        expect.objectContaining({ Condition: { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "false" } } }),
      ]);
    }
    expect(granting("ec2:CreateTags").find((s) => s.Condition?.StringEquals)).toMatchObject({
      Resource: "arn:aws:ec2:*:*:security-group/*",
      Condition: {
        StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" },
        Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "false" },
      },
    });
  });

  it("deletes and modifies only load balancers, target groups and security groups carrying its cluster tag", () => {
    for (const action of [
      "elasticloadbalancing:DeleteLoadBalancer",
      "elasticloadbalancing:DeleteTargetGroup",
      "elasticloadbalancing:ModifyLoadBalancerAttributes",
      "elasticloadbalancing:SetSecurityGroups",
      "ec2:DeleteSecurityGroup",
    ]) {
      expect(granting(action)).toEqual([
        expect.objectContaining({
          Resource: "*",
          Condition: { Null: { [`aws:ResourceTag/${CLUSTER_TAG}`]: "false" } },
        }),
      ]);
    }
  });

  it("has the published policy's full set of read and write actions", () => {
    const all = statements().flatMap((s) => s.Action);
    expect(statements()).toHaveLength(16);
    expect(all).toEqual(
      expect.arrayContaining([
        "ec2:DescribeRouteTables",
        "elasticloadbalancing:DescribeCapacityReservation",
        "elasticloadbalancing:ModifyIpPools",
        "elasticloadbalancing:RegisterTargets",
        "wafv2:AssociateWebACL",
        "shield:CreateProtection",
        "acm:DescribeCertificate",
      ]),
    );
    expect(all.filter((a) => a.includes("*"))).toEqual([]);
    expect(statements().every((s) => s.Effect === "Allow")).toBe(true);
  });
});
