/**
 * The Karpenter controller's policies, evaluated by IAM's rules against the calls the controller makes at the
 * pinned release (aws/karpenter-provider-aws v1.14.1, the chart's version in lib/versions.ts), with the tags it
 * sends: utils.GetTags (pkg/utils/utils.go 100-123) on every instance, volume, fleet, network interface and launch
 * template (pkg/providers/instance/types.go 170-181, pkg/providers/launchtemplate/types.go 96-150, the dry runs of
 * pkg/controllers/nodeclass/validation.go 378-409); the tagging controller's CreateTags
 * (pkg/controllers/nodeclaim/tagging/controller.go 105-128); EC2NodeClass.InstanceProfileTags
 * (pkg/apis/v1/ec2nodeclass.go 624-631); the AL2023 alias's SSM parameter (pkg/providers/amifamily/al2023.go 73-80).
 * The role holds all five documents at once, so they are evaluated together.
 */
import { karpenterControllerPolicies } from "../../../components/karpenter/iam";
import type { IamPolicyDocument } from "../../../components/shared/iam-document";
import { versions } from "../../../lib/versions";
import { evaluate } from "../../support/iam-evaluate";

const ACCOUNT = "111122223333";
const REGION = "ap-south-1";
const CLUSTER = "livekit-mumbai";
const NODE_ROLE = `arn:aws:iam::${ACCOUNT}:role/livekit-mumbai-karpenter-node`;
const QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT}:livekit-mumbai-karpenter`;
const scope = {
  partition: "aws",
  region: REGION,
  accountId: ACCOUNT,
  clusterName: CLUSTER,
  nodeRoleArn: NODE_ROLE,
  queueArn: QUEUE,
};
const policies = karpenterControllerPolicies(scope);

/** The role's policies as one document its holder is evaluated against. */
const role: IamPolicyDocument = {
  Version: "2012-10-17",
  Statement: Object.values(policies).flatMap((document) => document.Statement.map((s) => ({ ...s, Principal: "*" }))),
};

type Context = Record<string, string | string[]>;
const call = (action: string, resource: string, context: Context = {}) =>
  evaluate(role, { principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/karpenter` }, action, resource, context });

/** utils.GetTags: the tags Karpenter puts on what it launches for a NodeClaim of `nodePool`. */
const launchTags = (nodePool: string, cluster = CLUSTER): Record<string, string> => ({
  [`kubernetes.io/cluster/${cluster}`]: "owned",
  "karpenter.sh/nodepool": nodePool,
  "eks:eks-cluster-name": cluster,
  "karpenter.k8s.aws/ec2nodeclass": "sfu",
});
/** What IAM sees of the tags a create request carries: each as `aws:RequestTag/<key>`, their keys as `aws:TagKeys`. */
const requestTags = (tags: Record<string, string>): Context => ({
  ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
  "aws:TagKeys": Object.keys(tags),
});
/** What IAM sees of an existing resource's tags. */
const resourceTags = (tags: Record<string, string>): Context =>
  Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:ResourceTag/${key}`, value]));

const ec2 = (resource: string, region = REGION) => `arn:aws:ec2:${region}:${ACCOUNT}:${resource}`;
const INSTANCE = ec2("instance/i-0123456789abcdef0");
const LAUNCH_TEMPLATE = ec2("launch-template/lt-0123456789abcdef0");

/**
 * Every authorization a launch needs: the new resources with their request tags and the CreateTags that tags them
 * on creation (`ec2:CreateAction`), the existing image, snapshot, subnet and security group, the launch template
 * by its own tags, and passing the node role to EC2 through the template's instance profile (a role has no region).
 */
function launch(action: "ec2:CreateFleet" | "ec2:RunInstances", tags: Record<string, string>, region = REGION) {
  const createAction = action.replace("ec2:", "");
  const created = ["instance/*", "volume/*", "network-interface/*", "spot-instances-request/*"].concat(
    action === "ec2:CreateFleet" ? ["fleet/*"] : [],
  );
  return [
    ...created.flatMap((resource) => [
      call(action, ec2(resource, region), requestTags(tags)),
      call("ec2:CreateTags", ec2(resource, region), { ...requestTags(tags), "ec2:CreateAction": createAction }),
    ]),
    call(action, `arn:aws:ec2:${region}::image/ami-0123456789abcdef0`),
    call(action, `arn:aws:ec2:${region}::snapshot/snap-0123456789abcdef0`),
    call(action, ec2("subnet/subnet-0123456789abcdef0", region)),
    call(action, ec2("security-group/sg-0123456789abcdef0", region)),
    call(action, ec2("launch-template/lt-0123456789abcdef0", region), resourceTags(tags)),
  ];
}
const passNodeRole = () =>
  evaluate(role, {
    principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/karpenter` },
    action: "iam:PassRole",
    resource: NODE_ROLE,
    context: { "iam:PassedToService": "ec2.amazonaws.com" },
  });
const createLaunchTemplate = (tags: Record<string, string>) => [
  call("ec2:CreateLaunchTemplate", ec2("launch-template/*"), requestTags(tags)),
  call("ec2:CreateTags", ec2("launch-template/*"), {
    ...requestTags(tags),
    "ec2:CreateAction": "CreateLaunchTemplate",
  }),
];
const allAllowed = (results: string[]) => results.every((result) => result === "allowed");

describe("the Karpenter controller launches nodes", () => {
  it("creates a launch template and launches a NodePool's node through CreateFleet, on demand or spot", () => {
    expect(createLaunchTemplate(launchTags("sfu"))).toEqual(["allowed", "allowed"]);
    expect(launch("ec2:CreateFleet", launchTags("sfu")).filter((r) => r !== "allowed")).toEqual([]);
    expect(passNodeRole()).toBe("allowed");
  });

  it("launches into a capacity reservation or placement group its EC2NodeClass selects", () => {
    for (const resource of ["capacity-reservation/cr-0123456789abcdef0", "placement-group/pg-0123456789abcdef0"]) {
      expect(call("ec2:CreateFleet", ec2(resource))).toBe("allowed");
      expect(call("ec2:CreateFleet", ec2(resource, "ap-southeast-1"))).toBe("not allowed");
    }
  });

  it("passes the nodeclass validation's dry runs, whose NodeClaim has no NodePool (an empty tag value)", () => {
    expect(allAllowed(createLaunchTemplate(launchTags("")))).toBe(true);
    expect(allAllowed(launch("ec2:CreateFleet", launchTags("")))).toBe(true);
    expect(allAllowed(launch("ec2:RunInstances", launchTags("")))).toBe(true);
  });

  it("launches nothing without this cluster's ownership and name tags, nor without a NodePool tag", () => {
    const { [`kubernetes.io/cluster/${CLUSTER}`]: _owned, ...withoutOwnership } = launchTags("sfu");
    const { "eks:eks-cluster-name": _name, ...withoutName } = launchTags("sfu");
    const { "karpenter.sh/nodepool": _pool, ...withoutNodePool } = launchTags("sfu");
    const otherCluster = launchTags("sfu", "livekit-singapore");
    for (const tags of [withoutOwnership, withoutName, withoutNodePool, otherCluster]) {
      expect(call("ec2:CreateFleet", ec2("instance/*"), requestTags(tags))).toBe("not allowed");
      expect(call("ec2:RunInstances", ec2("volume/*"), requestTags(tags))).toBe("not allowed");
      expect(call("ec2:CreateLaunchTemplate", ec2("launch-template/*"), requestTags(tags))).toBe("not allowed");
      expect(
        call("ec2:CreateTags", ec2("instance/*"), { ...requestTags(tags), "ec2:CreateAction": "RunInstances" }),
      ).toBe("not allowed");
    }
    // A launch template is used by its ownership and NodePool tags: one without them is not Karpenter's.
    for (const tags of [withoutOwnership, withoutNodePool, otherCluster]) {
      expect(call("ec2:CreateFleet", LAUNCH_TEMPLATE, resourceTags(tags))).toBe("not allowed");
      expect(call("ec2:RunInstances", LAUNCH_TEMPLATE, resourceTags(tags))).toBe("not allowed");
    }
  });

  it("launches nothing in another region, and tags on creation only what it creates", () => {
    expect(launch("ec2:CreateFleet", launchTags("sfu"), "ap-southeast-1")).not.toContain("allowed");
    expect(
      call("ec2:CreateTags", ec2("instance/*"), { ...requestTags(launchTags("sfu")), "ec2:CreateAction": "CopyImage" }),
    ).toBe("not allowed");
    expect(call("ec2:CreateTags", ec2("instance/*"), requestTags(launchTags("sfu")))).toBe("not allowed");
    expect(
      call("ec2:CreateTags", ec2("image/ami-0123456789abcdef0"), {
        ...requestTags(launchTags("sfu")),
        "ec2:CreateAction": "RunInstances",
      }),
    ).toBe("not allowed");
  });

  it("hands only the node role, and only to EC2", () => {
    const pass = (resource: string, service: string) =>
      call("iam:PassRole", resource, { "iam:PassedToService": service });
    expect(pass(NODE_ROLE, "ec2.amazonaws.com")).toBe("allowed");
    expect(pass(NODE_ROLE, "lambda.amazonaws.com")).toBe("not allowed");
    expect(pass(`arn:aws:iam::${ACCOUNT}:role/admin`, "ec2.amazonaws.com")).toBe("not allowed");
    expect(pass(NODE_ROLE, "ec2.amazonaws.com.cn")).toBe("not allowed");
  });

  it("in China, hands the node role to EC2 under either of its principals, as upstream's template allows", () => {
    const chinaRole = `arn:aws-cn:iam::${ACCOUNT}:role/livekit-beijing-karpenter-node`;
    const china = karpenterControllerPolicies({
      ...scope,
      partition: "aws-cn",
      region: "cn-north-1",
      nodeRoleArn: chinaRole,
    });
    const document: IamPolicyDocument = {
      Version: "2012-10-17",
      Statement: Object.values(china).flatMap((d) => d.Statement.map((s) => ({ ...s, Principal: "*" }))),
    };
    const pass = (service: string) =>
      evaluate(document, {
        principal: { AWS: `arn:aws-cn:iam::${ACCOUNT}:role/karpenter` },
        action: "iam:PassRole",
        resource: chinaRole,
        context: { "iam:PassedToService": service },
      });
    expect(["ec2.amazonaws.com", "ec2.amazonaws.com.cn", "lambda.amazonaws.com.cn"].map(pass)).toEqual([
      "allowed",
      "allowed",
      "not allowed",
    ]);
  });
});

describe("the Karpenter controller tags and removes its own nodes only", () => {
  const owned = resourceTags(launchTags("sfu"));

  it("names a launched instance after its node and NodeClaim, as the tagging controller does", () => {
    const tags = { Name: "ip-10-0-1-23.ap-south-1.compute.internal", "karpenter.sh/nodeclaim": "sfu-x7k2p" };
    expect(call("ec2:CreateTags", INSTANCE, { ...owned, ...requestTags(tags) })).toBe("allowed");
    const backfill = { ...tags, "eks:eks-cluster-name": CLUSTER };
    expect(call("ec2:CreateTags", INSTANCE, { ...owned, ...requestTags(backfill) })).toBe("allowed");
  });

  it("retags no ownership, NodePool or cluster name, and tags no instance that is not its own", () => {
    const retags: Record<string, string>[] = [
      { "karpenter.sh/nodepool": "egress" },
      { [`kubernetes.io/cluster/${CLUSTER}`]: "owned" },
      { "eks:eks-cluster-name": "livekit-singapore" },
    ];
    for (const tags of retags) {
      expect(call("ec2:CreateTags", INSTANCE, { ...owned, ...requestTags(tags) })).toBe("not allowed");
    }
    const nameOnly = requestTags({ Name: "node" });
    const systemNode = resourceTags({ [`kubernetes.io/cluster/${CLUSTER}`]: "owned", "eks:cluster-name": CLUSTER });
    expect(call("ec2:CreateTags", INSTANCE, { ...systemNode, ...nameOnly })).toBe("not allowed");
    expect(
      call("ec2:CreateTags", INSTANCE, { ...resourceTags(launchTags("sfu", "livekit-singapore")), ...nameOnly }),
    ).toBe("not allowed");
    expect(call("ec2:CreateTags", ec2("volume/vol-0123456789abcdef0"), { ...owned, ...nameOnly })).toBe("not allowed");
  });

  it("terminates its own nodes and deletes its own launch templates", () => {
    expect(call("ec2:TerminateInstances", INSTANCE, owned)).toBe("allowed");
    expect(call("ec2:DeleteLaunchTemplate", LAUNCH_TEMPLATE, owned)).toBe("allowed");
  });

  it("terminates no instance without the cluster's ownership tag or a NodePool tag, nor another cluster's", () => {
    const terminate = (tags: Record<string, string>, resource = INSTANCE) =>
      call("ec2:TerminateInstances", resource, resourceTags(tags));
    // An instance of the managed system node group: owned by the cluster, but no NodePool's.
    expect(terminate({ [`kubernetes.io/cluster/${CLUSTER}`]: "owned", "eks:cluster-name": CLUSTER })).toBe(
      "not allowed",
    );
    expect(terminate({ "karpenter.sh/nodepool": "sfu", "eks:eks-cluster-name": CLUSTER })).toBe("not allowed");
    expect(terminate({})).toBe("not allowed");
    expect(terminate(launchTags("sfu", "livekit-singapore"))).toBe("not allowed");
    expect(terminate({ ...launchTags("sfu"), [`kubernetes.io/cluster/${CLUSTER}`]: "shared" })).toBe("not allowed");
    expect(terminate(launchTags("sfu"), ec2("instance/i-0123456789abcdef0", "ap-southeast-1"))).toBe("not allowed");
    expect(call("ec2:DeleteLaunchTemplate", LAUNCH_TEMPLATE, resourceTags({}))).toBe("not allowed");
    expect(call("ec2:StopInstances", INSTANCE, owned)).toBe("not allowed");
  });
});

describe("the Karpenter controller manages its nodes' instance profiles", () => {
  // EC2NodeClass.InstanceProfileTags; the profile's path is karpenter/<region>/<cluster>/<node class UID>/.
  const profileTags = (region = REGION, cluster = CLUSTER) => ({
    [`kubernetes.io/cluster/${cluster}`]: "owned",
    "eks:eks-cluster-name": cluster,
    "karpenter.k8s.aws/ec2nodeclass": "sfu",
    "topology.kubernetes.io/region": region,
  });
  const PROFILE = `arn:aws:iam::${ACCOUNT}:instance-profile/karpenter/${REGION}/${CLUSTER}/0f6c/${CLUSTER}_1234`;

  it("creates, fills, tags, reads, lists and deletes the profiles it made for this cluster and region", () => {
    expect(call("iam:CreateInstanceProfile", PROFILE, requestTags(profileTags()))).toBe("allowed");
    for (const action of [
      "iam:AddRoleToInstanceProfile",
      "iam:RemoveRoleFromInstanceProfile",
      "iam:DeleteInstanceProfile",
    ]) {
      expect(call(action, PROFILE, resourceTags(profileTags()))).toBe("allowed");
    }
    expect(
      call("iam:TagInstanceProfile", PROFILE, { ...resourceTags(profileTags()), ...requestTags(profileTags()) }),
    ).toBe("allowed");
    expect(call("iam:GetInstanceProfile", PROFILE)).toBe("allowed");
    expect(call("iam:ListInstanceProfiles", "*")).toBe("allowed");
  });

  it("touches no profile of another region or cluster, nor one it did not make, nor another account's", () => {
    for (const tags of [profileTags("ap-southeast-1"), profileTags(REGION, "livekit-singapore"), {}]) {
      expect(call("iam:CreateInstanceProfile", PROFILE, requestTags(tags))).toBe("not allowed");
      expect(call("iam:AddRoleToInstanceProfile", PROFILE, resourceTags(tags))).toBe("not allowed");
      expect(call("iam:DeleteInstanceProfile", PROFILE, resourceTags(tags))).toBe("not allowed");
      expect(call("iam:TagInstanceProfile", PROFILE, { ...resourceTags(tags), ...requestTags(profileTags()) })).toBe(
        "not allowed",
      );
      expect(call("iam:TagInstanceProfile", PROFILE, { ...resourceTags(profileTags()), ...requestTags(tags) })).toBe(
        "not allowed",
      );
    }
    const { "karpenter.k8s.aws/ec2nodeclass": _nodeClass, ...withoutNodeClass } = profileTags();
    expect(call("iam:CreateInstanceProfile", PROFILE, requestTags(withoutNodeClass))).toBe("not allowed");
    expect(
      call("iam:TagInstanceProfile", PROFILE, { ...resourceTags(withoutNodeClass), ...requestTags(profileTags()) }),
    ).toBe("not allowed");
    expect(
      call("iam:TagInstanceProfile", PROFILE, { ...resourceTags(profileTags()), ...requestTags(withoutNodeClass) }),
    ).toBe("not allowed");
    expect(call("iam:RemoveRoleFromInstanceProfile", PROFILE, resourceTags(withoutNodeClass))).toBe("not allowed");
    expect(call("iam:GetInstanceProfile", PROFILE.replace(ACCOUNT, "444455556666"))).toBe("not allowed");
  });
});

describe("the Karpenter controller discovers, prices and hears about capacity", () => {
  const SDK_READS = [
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
  ];

  // The EC2 reads of its SDK interface (pkg/aws/sdk.go 30-48), sent to the cluster's region.
  it.each(SDK_READS)("calls %s in its region only", (action) => {
    expect(call(action, "*", { "aws:RequestedRegion": REGION })).toBe("allowed");
    expect(call(action, "*", { "aws:RequestedRegion": "us-east-1" })).toBe("not allowed");
  });

  it("resolves the pinned AL2023 alias's AMIs from AWS's public parameters, and reads no other parameter", () => {
    const [family, release] = versions.karpenterNodeAmiAlias.split("@");
    expect(family).toBe("al2023");
    const k8s = versions.kubernetes;
    const parameter = (name: string, region = REGION) => `arn:aws:ssm:${region}::parameter${name}`;
    for (const [arch, variant] of [
      ["x86_64", "standard"],
      ["x86_64", "nvidia"],
      ["x86_64", "neuron"],
      ["arm64", "standard"],
      ["arm64", "nvidia"],
    ]) {
      const name = `/aws/service/eks/optimized-ami/${k8s}/amazon-linux-2023/${arch}/${variant}/amazon-eks-node-al2023-${arch}-${variant}-${k8s}-${release}/image_id`;
      expect(call("ssm:GetParameter", parameter(name))).toBe("allowed");
      expect(call("ssm:GetParameter", parameter(name, "ap-southeast-1"))).toBe("not allowed");
    }
    expect(call("ssm:GetParameter", `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/livekit/api-secret`)).toBe(
      "not allowed",
    );
    expect(call("ssm:PutParameter", parameter("/aws/service/eks/x"))).toBe("not allowed");
  });

  it("reads prices and this cluster's endpoint, and no other cluster's", () => {
    expect(call("pricing:GetProducts", "*")).toBe("allowed");
    const cluster = (name: string) => `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${name}`;
    expect(call("eks:DescribeCluster", cluster(CLUSTER))).toBe("allowed");
    expect(call("eks:DescribeCluster", cluster("livekit-singapore"))).toBe("not allowed");
    expect(call("eks:DescribeCluster", cluster(CLUSTER).replace(REGION, "ap-southeast-1"))).toBe("not allowed");
  });

  it("receives and deletes interruption messages from its own queue only, and sends none", () => {
    for (const action of ["sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:DeleteMessage"]) {
      expect(call(action, QUEUE)).toBe("allowed");
      expect(call(action, `${QUEUE}-other`)).toBe("not allowed");
    }
    expect(call("sqs:SendMessage", QUEUE)).toBe("not allowed");
    expect(call("sqs:PurgeQueue", QUEUE)).toBe("not allowed");
  });
});

describe("the Karpenter controller's policies", () => {
  it("are five documents in the current policy language", () => {
    expect(Object.keys(policies)).toHaveLength(5);
    for (const document of Object.values(policies)) expect(document.Version).toBe("2012-10-17");
  });
});
