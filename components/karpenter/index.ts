import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dependenciesOf } from "../shared/dependencies";
import { createNodeRole } from "../shared/node-role";
import { placeOn } from "../shared/node-roles";
import { karpenterControllerPolicies } from "./iam";
import { INTERRUPTION_EVENTS, interruptionQueuePolicy } from "./interruption";
import { KarpenterCpuLimits, NODE_CLASS_NAMES, nodeClassSpec, nodePoolSpecs } from "./node-pools";

export { SFU_NODE_POOL } from "./node-pools";
export type { KarpenterCpuLimits } from "./node-pools";
import { versions } from "../../lib/versions";
import { PodIdentityRole } from "../shared/pod-identity-role";

/** Namespace and service account of the controller; the Pod Identity association names both. */
export const KARPENTER_NAMESPACE = "kube-system";
export const KARPENTER_SERVICE_ACCOUNT = "karpenter";

export interface KarpenterArgs {
  /** EKS cluster name; also the value of the subnets' `karpenter.sh/discovery` tag (see Network). */
  clusterName: pulumi.Input<string>;
  /** Kubernetes API endpoint; given so the controller needs no DescribeCluster call at start. */
  clusterEndpoint: pulumi.Input<string>;
  /** The nodes' security group (the EKS cluster security group). */
  clusterSecurityGroupId: pulumi.Input<string>;
  /** The SFU nodes' own security group, with the WebRTC and TURN rules. */
  sfuSecurityGroupId: pulumi.Input<string>;
  /** Instance type of every SFU node. */
  sfuInstanceType: string;
  /** Instance type of every egress node (the capacity model's egress node). */
  egressInstanceType: string;
  /** AL2023 user data (MIME multipart) for SFU nodes: the UDP buffer settings LiveKit and Coturn need. */
  sfuNodeUserData: string;
  /**
   * The longest `terminationGracePeriodSeconds` of pods on SFU and egress nodes (LiveKit drains rooms for
   * up to 5 h). Karpenter forcibly removes a node after its NodePool's terminationGracePeriod, which is
   * this plus a margin.
   */
  drainSeconds: number;
  /** The egress pods' terminationGracePeriodSeconds (the egress NodePool waits this plus a margin). */
  egressDrainSeconds?: number;
  cpuLimits: KarpenterCpuLimits;
}

/** The account's EC2 Spot service-linked role, and where IAM keeps it. */
export const SPOT_SERVICE_LINKED_ROLE = {
  name: "AWSServiceRoleForEC2Spot",
  path: "/aws-service-role/spot.amazonaws.com/",
};

/**
 * Karpenter v1 in full: controller IAM (Pod Identity), a node role with its EC2_LINUX access entry, the
 * interruption queue fed by the five EventBridge rules, the CRD and controller charts, one EC2NodeClass
 * per subnet tier, and the `sfu`, `egress` and `general` NodePools.
 *
 * Options: the cluster's Kubernetes provider (`providers`); in `dependsOn`, the Pod Identity agent add-on (the
 * controller gets its AWS credentials through it) and the node group the controller runs on (the chart waits
 * for it: Helm gives pods 5 minutes to start).
 */
export class Karpenter extends pulumi.ComponentResource {
  /** Role of the nodes Karpenter launches. */
  readonly nodeRole: aws.iam.Role;
  readonly interruptionQueueName: pulumi.Output<string>;

  constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:karpenter:Karpenter", name, {}, opts);

    // Nodes: their role, and the access entry that lets them join (API authentication mode).
    const nodes = createNodeRole(`${name}-nodes`, this);
    this.nodeRole = nodes.role;
    const accessEntry = new aws.eks.AccessEntry(
      `${name}-nodes`,
      {
        clusterName: args.clusterName,
        principalArn: nodes.role.arn,
        type: "EC2_LINUX",
      },
      { parent: this, dependsOn: nodes.attachments },
    );

    this.createSpotServiceLinkedRole(name);
    const queue = this.interruptionQueue(name, args);
    this.interruptionQueueName = queue.name;
    const controllerIdentity = this.controllerIdentity(name, args, nodes.role, queue);

    // The CRDs come from their own chart: Helm never upgrades a chart's crds/ folder.
    const crds = new k8s.helm.v3.Release(
      `${name}-crd`,
      {
        name: "karpenter-crd",
        chart: versions.charts.karpenterCrd.chart,
        version: versions.charts.karpenterCrd.version,
        namespace: KARPENTER_NAMESPACE,
      },
      { parent: this },
    );
    const controller = new k8s.helm.v3.Release(
      name,
      {
        name: "karpenter",
        chart: versions.charts.karpenter.chart,
        version: versions.charts.karpenter.version,
        namespace: KARPENTER_NAMESPACE,
        skipCrds: true,
        values: {
          // The nodes' IMDS answers no pod (hop limit 1): the controller cannot look its region up there.
          controller: {
            env: [{ name: "AWS_REGION", value: aws.getRegionOutput({}, { parent: this }).region }],
            resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } },
          },
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
        },
      },
      {
        parent: this,
        dependsOn: [
          crds,
          controllerIdentity.association,
          ...dependenciesOf(opts),
          accessEntry,
          ...controllerIdentity.attachments,
        ],
      },
    );

    this.createNodePools(name, args, nodes.role, { parent: this, dependsOn: [crds, controller] });

    this.registerOutputs({ nodeRoleArn: this.nodeRole.arn, interruptionQueueName: this.interruptionQueueName });
  }

  /** Interruption handling: EventBridge -> SQS -> controller, which drains a node before AWS takes it. */
  private interruptionQueue(name: string, args: KarpenterArgs): aws.sqs.Queue {
    const queue = new aws.sqs.Queue(
      `${name}-interruptions`,
      {
        name: pulumi.interpolate`${args.clusterName}-karpenter`,
        messageRetentionSeconds: 300, // the events are useless once the node is gone
        sqsManagedSseEnabled: true,
      },
      { parent: this },
    );
    new aws.sqs.QueuePolicy(
      `${name}-interruptions`,
      {
        queueUrl: queue.url,
        policy: pulumi
          .all([queue.arn, aws.getCallerIdentityOutput({}, { parent: this }).accountId])
          .apply(([arn, accountId]) => JSON.stringify(interruptionQueuePolicy(arn, accountId))),
      },
      { parent: this },
    );
    for (const event of INTERRUPTION_EVENTS) {
      const rule = new aws.cloudwatch.EventRule(
        `${name}-${event.rule}`,
        {
          description: `Karpenter interruption handling: ${event.detailType}`,
          // EventBridge matches the event's "detail-type" key (not detailType).
          eventPattern: JSON.stringify({ source: [event.source], "detail-type": [event.detailType] }),
        },
        { parent: this },
      );
      new aws.cloudwatch.EventTarget(
        `${name}-${event.rule}`,
        {
          rule: rule.name,
          arn: queue.arn,
          targetId: "KarpenterInterruptionQueueTarget",
        },
        { parent: this },
      );
    }
    return queue;
  }

  /** The controller's IAM role, one managed policy per concern, assumed through Pod Identity by the chart's service account. */
  private controllerIdentity(
    name: string,
    args: KarpenterArgs,
    nodeRole: aws.iam.Role,
    queue: aws.sqs.Queue,
  ): PodIdentityRole {
    const scope = pulumi
      .all([
        aws.getPartitionOutput({}, { parent: this }).partition,
        aws.getRegionOutput({}, { parent: this }).region,
        aws.getCallerIdentityOutput({}, { parent: this }).accountId,
        args.clusterName,
        nodeRole.arn,
        queue.arn,
      ])
      .apply(([partition, region, accountId, clusterName, nodeRoleArn, queueArn]) =>
        karpenterControllerPolicies({ partition, region, accountId, clusterName, nodeRoleArn, queueArn }),
      );
    const concerns = [
      "nodeLifecycle",
      "iamIntegration",
      "eksIntegration",
      "interruption",
      "resourceDiscovery",
    ] as const;
    const policyArns = Object.fromEntries(
      concerns.map((concern) => [
        concern,
        new aws.iam.Policy(
          `${name}-${concern}`,
          {
            description: `Karpenter controller: ${concern}`,
            policy: scope.apply((policies) => JSON.stringify(policies[concern])),
          },
          { parent: this },
        ).arn,
      ]),
    );
    return new PodIdentityRole(
      `${name}-controller`,
      {
        clusterName: args.clusterName,
        namespace: KARPENTER_NAMESPACE,
        serviceAccount: KARPENTER_SERVICE_ACCOUNT,
        managedPolicyArns: policyArns,
      },
      { parent: this },
    );
  }

  /**
   * The account's EC2 Spot service-linked role, which the `general` pool needs for spot: a new account has
   * none, Karpenter's policy may not create it, and the pool then silently never gets spot (Karpenter v1.14.1
   * troubleshooting, "Missing Service Linked Role"). Created only when the account has none, since creating
   * one it has fails; account-wide, so kept on destroy. Once it exists (made by this stack or any other), the
   * stack stops declaring it and, with retainOnDelete, drops it from its state without deleting it.
   */
  private createSpotServiceLinkedRole(name: string) {
    const existing = aws.iam.getRolesOutput(
      { nameRegex: `^${SPOT_SERVICE_LINKED_ROLE.name}$`, pathPrefix: SPOT_SERVICE_LINKED_ROLE.path },
      { parent: this },
    );
    existing.names.apply((names) => {
      if (names.length > 0) return;
      new aws.iam.ServiceLinkedRole(
        `${name}-spot`,
        { awsServiceName: "spot.amazonaws.com", description: "EC2 Spot, for Karpenter's general NodePool" },
        { parent: this, retainOnDelete: true },
      );
    });
  }

  /** Node classes and pools need the CRDs, and the controller to clean up their nodes when deleted. */
  private createNodePools(
    name: string,
    args: KarpenterArgs,
    nodeRole: aws.iam.Role,
    opts: pulumi.CustomResourceOptions,
  ) {
    const refs = {
      role: nodeRole.name,
      clusterName: pulumi.output(args.clusterName),
      securityGroupId: pulumi.output(args.clusterSecurityGroupId),
      sfuSecurityGroupId: pulumi.output(args.sfuSecurityGroupId),
    };
    const nodeClasses = Object.fromEntries(
      NODE_CLASS_NAMES.map((nodeClass) => [
        nodeClass,
        new k8s.apiextensions.CustomResource(
          `${name}-${nodeClass}`,
          {
            apiVersion: "karpenter.k8s.aws/v1",
            kind: "EC2NodeClass",
            metadata: { name: nodeClass },
            spec: nodeClassSpec(nodeClass, refs, versions.karpenterNodeAmiAlias, args.sfuNodeUserData),
          },
          opts,
        ),
      ]),
    );
    for (const [pool, { nodeClass: className, spec }] of Object.entries(
      nodePoolSpecs({
        cpuLimits: args.cpuLimits,
        drainSeconds: args.drainSeconds,
        egressDrainSeconds: args.egressDrainSeconds,
        sfuInstanceType: args.sfuInstanceType,
        egressInstanceType: args.egressInstanceType,
      }),
    )) {
      const nodeClass = nodeClasses[className];
      new k8s.apiextensions.CustomResource(
        `${name}-${pool}`,
        {
          apiVersion: "karpenter.sh/v1",
          kind: "NodePool",
          metadata: { name: pool },
          spec: {
            ...spec,
            template: {
              ...spec.template,
              spec: {
                ...spec.template.spec,
                nodeClassRef: { ...spec.template.spec.nodeClassRef, name: nodeClass.metadata.name },
              },
            },
          },
        },
        opts,
      );
    }
  }
}
