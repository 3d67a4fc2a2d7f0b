import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KARPENTER_DISCOVERY_TAG, SUBNET_TIER_TAG } from "./network";
import { createNodeRole } from "./cluster";
import { nodeRoles, NodeRole, placeOn } from "../lib/node-roles";
import { versions } from "../lib/versions";
import { PodIdentityRole } from "./pod-identity-role";

/** Namespace and service account of the controller; the Pod Identity association names both. */
export const KARPENTER_NAMESPACE = "kube-system";
export const KARPENTER_SERVICE_ACCOUNT = "karpenter";

/**
 * The events Karpenter acts on before AWS takes a node away, exactly as EventBridge delivers them
 * (source and detail-type; aws/karpenter-provider-aws getting-started cloudformation.yaml, v1.14).
 */
export const INTERRUPTION_EVENTS = [
  { rule: "health", source: "aws.health", detailType: "AWS Health Event" },
  { rule: "spot-interruption", source: "aws.ec2", detailType: "EC2 Spot Instance Interruption Warning" },
  { rule: "rebalance", source: "aws.ec2", detailType: "EC2 Instance Rebalance Recommendation" },
  { rule: "state-change", source: "aws.ec2", detailType: "EC2 Instance State-change Notification" },
  { rule: "capacity-reservation", source: "aws.ec2", detailType: "EC2 Capacity Reservation Instance Interruption Warning" },
] as const;

/** Instance families for SFU nodes: compute-optimised, Nitro; c6in for more network bandwidth per vCPU. */
/** The NodePool whose nodes carry the LiveKit SFU (Karpenter tags them karpenter.sh/nodepool=sfu). */
export const SFU_NODE_POOL = "sfu";

export const SFU_INSTANCE_FAMILIES = ["c6i", "c6in", "c7i"];

/** vCPU counts an SFU node may have: LiveKit runs one pod per node, so a node is sized for one pod. */
export const SFU_INSTANCE_CPUS = ["8", "16"];

/** Margin between the slowest pod's drain and Karpenter's forced termination of the node. */
const DRAIN_MARGIN_SECONDS = 15 * 60;

export interface KarpenterCpuLimits {
  /** vCPUs Karpenter may add for SFU nodes (beyond the managed sfu node group). */
  sfu: number;
  /** vCPUs for recording (LiveKit Egress) nodes. */
  egress: number;
  /** vCPUs for anything that does not fit on system nodes. */
  general: number;
}

export interface KarpenterArgs {
  /** EKS cluster name; also the value of the subnets' `karpenter.sh/discovery` tag (see Network). */
  clusterName: pulumi.Input<string>;
  /** Kubernetes API endpoint; given so the controller needs no DescribeCluster call at start. */
  clusterEndpoint: pulumi.Input<string>;
  /** The nodes' security group (the EKS cluster security group, which carries the WebRTC rules). */
  clusterSecurityGroupId: pulumi.Input<string>;
  /** The region's Kubernetes provider. */
  provider: k8s.Provider;
  /** The Pod Identity agent add-on; the controller gets its AWS credentials through it. */
  podIdentityAgent: pulumi.Resource;
  /** The node group the controller runs on; the chart waits for it (Helm gives pods 5 minutes to start). */
  systemNodes: pulumi.Resource;
  /** AL2023 user data (MIME multipart) for SFU nodes: the same UDP buffer settings as the sfu node group. */
  sfuNodeUserData: string;
  /**
   * The longest `terminationGracePeriodSeconds` of pods on SFU and egress nodes (LiveKit drains rooms for
   * up to 5 h). Karpenter forcibly removes a node after its NodePool's terminationGracePeriod, which is
   * this plus a margin.
   */
  drainSeconds: number;
  cpuLimits: KarpenterCpuLimits;
}

/** A Go duration Karpenter accepts (`^([0-9]+(s|m|h))+$`), e.g. 18900 -> "5h15m". */
export function karpenterDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const text = `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s ? `${s}s` : ""}`;
  return text || "0s";
}

/** What the controller's IAM policies are scoped to. */
export interface ControllerPolicyScope {
  partition: string;
  region: string;
  accountId: string;
  clusterName: string;
  nodeRoleArn: string;
  queueArn: string;
}

type Statement = Record<string, unknown>;
const document = (...statements: Statement[]) => ({ Version: "2012-10-17", Statement: statements });

/**
 * The controller's IAM policies, one per concern, with the actions and conditions of Karpenter's official
 * getting-started CloudFormation template (v1.14). EC2 resources Karpenter creates or deletes must carry
 * the cluster's ownership tag and a NodePool tag, so the controller cannot touch anything else.
 * (The zonal-shift read permission is left out: `settings.enableZonalShift` stays off.)
 */
export function karpenterControllerPolicies(scope: ControllerPolicyScope): Record<string, ReturnType<typeof document>> {
  const { partition, region, accountId, clusterName } = scope;
  const ec2 = (resource: string) => `arn:${partition}:ec2:${region}:*:${resource}`;
  const instanceProfiles = `arn:${partition}:iam::${accountId}:instance-profile/*`;
  const owned = { [`kubernetes.io/cluster/${clusterName}`]: "owned" };
  const prefixed = (prefix: string, tags: Record<string, string>) =>
    Object.fromEntries(Object.entries(tags).map(([key, value]) => [`${prefix}/${key}`, value]));
  const launchedResources = ["fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*"].map(ec2);
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
        // Only to EC2, only the node role: the controller cannot hand any other role to anything.
        Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
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
      { Sid: "AllowUnscopedInstanceProfileListAction", Effect: "Allow", Action: "iam:ListInstanceProfiles", Resource: "*" },
      { Sid: "AllowInstanceProfileReadActions", Effect: "Allow", Action: "iam:GetInstanceProfile", Resource: instanceProfiles },
    ),
  };
}

/** The interruption queue's policy: EventBridge (and SQS itself) may send; nothing may use it without TLS. */
export function interruptionQueuePolicy(queueArn: string) {
  return {
    Version: "2012-10-17",
    Id: "EC2InterruptionPolicy",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
        Action: "sqs:SendMessage",
        Resource: queueArn,
      },
      {
        Sid: "DenyHTTP",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/** Node classes, one per subnet tier: where a node goes decides whether it has a public IP. */
type SubnetTier = "public" | "private";

/**
 * Karpenter v1 in full: controller IAM (Pod Identity), a node role with its EC2_LINUX access entry, the
 * interruption queue fed by the five EventBridge rules, the CRD and controller charts, one EC2NodeClass
 * per subnet tier, and the `sfu`, `egress` and `general` NodePools.
 */
export class Karpenter extends pulumi.ComponentResource {
  /** Role of the nodes Karpenter launches. */
  readonly nodeRole: aws.iam.Role;
  readonly interruptionQueueName: pulumi.Output<string>;

  constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:karpenter:Karpenter", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };

    // Nodes: their role, and the access entry that lets them join (API authentication mode).
    const nodes = createNodeRole(`${name}-nodes`, this);
    this.nodeRole = nodes.role;
    const accessEntry = new aws.eks.AccessEntry(`${name}-nodes`, {
      clusterName: args.clusterName,
      principalArn: nodes.role.arn,
      type: "EC2_LINUX",
    }, { parent: this, dependsOn: nodes.attachments });

    // Interruption handling: EventBridge -> SQS -> controller, which drains a node before AWS takes it.
    const queue = new aws.sqs.Queue(`${name}-interruptions`, {
      name: pulumi.interpolate`${args.clusterName}-karpenter`,
      messageRetentionSeconds: 300, // the events are useless once the node is gone
      sqsManagedSseEnabled: true,
    }, { parent: this });
    this.interruptionQueueName = queue.name;
    new aws.sqs.QueuePolicy(`${name}-interruptions`, {
      queueUrl: queue.url,
      policy: queue.arn.apply((arn) => JSON.stringify(interruptionQueuePolicy(arn))),
    }, { parent: this });
    for (const event of INTERRUPTION_EVENTS) {
      const rule = new aws.cloudwatch.EventRule(`${name}-${event.rule}`, {
        description: `Karpenter interruption handling: ${event.detailType}`,
        // EventBridge matches the event's "detail-type" key (not detailType).
        eventPattern: JSON.stringify({ source: [event.source], "detail-type": [event.detailType] }),
      }, { parent: this });
      new aws.cloudwatch.EventTarget(`${name}-${event.rule}`, {
        rule: rule.name,
        arn: queue.arn,
        targetId: "KarpenterInterruptionQueueTarget",
      }, { parent: this });
    }

    // Controller: an IAM role assumed through Pod Identity by the chart's service account.
    const scope = pulumi
      .all([
        aws.getPartitionOutput({}, { parent: this }).partition,
        aws.getRegionOutput({}, { parent: this }).region,
        aws.getCallerIdentityOutput({}, { parent: this }).accountId,
        args.clusterName,
        nodes.role.arn,
        queue.arn,
      ])
      .apply(([partition, region, accountId, clusterName, nodeRoleArn, queueArn]) =>
        karpenterControllerPolicies({ partition, region, accountId, clusterName, nodeRoleArn, queueArn }),
      );
    const concerns = ["nodeLifecycle", "iamIntegration", "eksIntegration", "interruption", "resourceDiscovery"] as const;
    const policyArns = Object.fromEntries(concerns.map((concern) => [concern, new aws.iam.Policy(`${name}-${concern}`, {
      description: `Karpenter controller: ${concern}`,
      policy: scope.apply((policies) => JSON.stringify(policies[concern])),
    }, { parent: this }).arn]));
    const controllerIdentity = new PodIdentityRole(`${name}-controller`, {
      clusterName: args.clusterName,
      namespace: KARPENTER_NAMESPACE,
      serviceAccount: KARPENTER_SERVICE_ACCOUNT,
      managedPolicyArns: policyArns,
    }, { parent: this });
    const policyAttachments = controllerIdentity.attachments;
    const podIdentity = controllerIdentity.association;

    // The CRDs come from their own chart: Helm never upgrades a chart's crds/ folder.
    const crds = new k8s.helm.v3.Release(`${name}-crd`, {
      name: "karpenter-crd",
      chart: versions.charts.karpenterCrd.chart,
      version: versions.charts.karpenterCrd.version,
      namespace: KARPENTER_NAMESPACE,
    }, k8sOpts);
    const controller = new k8s.helm.v3.Release(name, {
      name: "karpenter",
      chart: versions.charts.karpenter.chart,
      version: versions.charts.karpenter.version,
      namespace: KARPENTER_NAMESPACE,
      skipCrds: true,
      values: {
        settings: {
          clusterName: args.clusterName,
          clusterEndpoint: args.clusterEndpoint,
          interruptionQueue: queue.name,
        },
        serviceAccount: { name: KARPENTER_SERVICE_ACCOUNT },
        replicas: 2,
        // Resolve through the node, not CoreDNS: Karpenter must work before CoreDNS has anywhere to run.
        dnsPolicy: "Default",
        // On the managed system nodes, never on nodes it manages itself.
        nodeSelector: placeOn("system").nodeSelector,
        controller: { resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } } },
      },
    }, { ...k8sOpts, dependsOn: [crds, podIdentity, args.podIdentityAgent, args.systemNodes, accessEntry, ...policyAttachments] });

    // Node classes and pools need the CRDs, and the controller to clean up their nodes when deleted.
    const crOpts = { ...k8sOpts, dependsOn: [crds, controller] };
    const nodeClass = (tier: SubnetTier, extra: Record<string, unknown>) =>
      new k8s.apiextensions.CustomResource(`${name}-${tier}`, {
        apiVersion: "karpenter.k8s.aws/v1",
        kind: "EC2NodeClass",
        metadata: { name: tier },
        spec: {
          role: nodes.role.name,
          amiSelectorTerms: [{ alias: versions.karpenterNodeAmiAlias }],
          subnetSelectorTerms: [{ tags: { [KARPENTER_DISCOVERY_TAG]: args.clusterName, [SUBNET_TIER_TAG]: tier } }],
          securityGroupSelectorTerms: [{ id: args.clusterSecurityGroupId }],
          // IMDSv2 only; hop limit 1 keeps pods off the node's credentials (they use Pod Identity).
          metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
          blockDeviceMappings: [
            { deviceName: "/dev/xvda", ebs: { volumeSize: "40Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true } },
          ],
          ...extra,
        },
      }, crOpts);
    const publicClass = nodeClass("public", {
      // SFU and TURN nodes need a public IP whatever the subnet's default.
      associatePublicIPAddress: true,
      userData: args.sfuNodeUserData,
    });
    const privateClass = nodeClass("private", {});

    const grace = karpenterDuration(args.drainSeconds + DRAIN_MARGIN_SECONDS);
    const onDemand = { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] };
    const linuxAmd64 = [
      { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
      { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
    ];
    const nodePool = (role: Exclude<NodeRole, "system">, nodeClassName: pulumi.Output<string>, spec: {
      requirements: Record<string, unknown>[];
      terminationGracePeriod?: string;
      disruption: Record<string, unknown>;
      cpuLimit: number;
    }) =>
      new k8s.apiextensions.CustomResource(`${name}-${role}`, {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: role },
        spec: {
          template: {
            metadata: { labels: nodeRoles[role].labels },
            spec: {
              nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: nodeClassName },
              taints: nodeRoles[role].taints,
              requirements: [...spec.requirements, ...linuxAmd64],
              expireAfter: "720h",
              ...(spec.terminationGracePeriod ? { terminationGracePeriod: spec.terminationGracePeriod } : {}),
            },
          },
          disruption: spec.disruption,
          limits: { cpu: String(spec.cpuLimit) },
        },
      }, crOpts);

    const nodeClassName = (cr: k8s.apiextensions.CustomResource) => cr.metadata.name;
    nodePool(SFU_NODE_POOL, nodeClassName(publicClass), {
      // Long-lived WebRTC sessions: no spot (2-minute notice), and only empty nodes are consolidated.
      requirements: [
        onDemand,
        { key: "karpenter.k8s.aws/instance-family", operator: "In", values: SFU_INSTANCE_FAMILIES },
        { key: "karpenter.k8s.aws/instance-cpu", operator: "In", values: SFU_INSTANCE_CPUS },
      ],
      terminationGracePeriod: grace,
      disruption: { consolidationPolicy: "WhenEmpty", consolidateAfter: "10m", budgets: [{ nodes: "10%" }] },
      cpuLimit: args.cpuLimits.sfu,
    });
    nodePool("egress", nodeClassName(privateClass), {
      // Recordings run for as long as a room: on-demand, compute-optimised, drained like the SFU.
      requirements: [
        onDemand,
        { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c"] },
        { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
      ],
      terminationGracePeriod: grace,
      disruption: { consolidationPolicy: "WhenEmpty", consolidateAfter: "10m", budgets: [{ nodes: "10%" }] },
      cpuLimit: args.cpuLimits.egress,
    });
    nodePool("general", nodeClassName(privateClass), {
      // Stateless overflow: spot is fine, and Karpenter may repack it.
      requirements: [
        { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
        { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] },
        { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
      ],
      disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m" },
      cpuLimit: args.cpuLimits.general,
    });

    this.registerOutputs({ nodeRoleArn: this.nodeRole.arn, interruptionQueueName: this.interruptionQueueName });
  }
}
