import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { workloadLabels } from "../shared/annotations";
import { invariant } from "../shared/invariant";
import { fisRolePolicy, fisTrustPolicy, KARPENTER_CLUSTER_TAG, NODE_POOL_TAG } from "./iam";

export { KARPENTER_CLUSTER_TAG, NODE_POOL_TAG };

/**
 * Kubernetes identity of FIS in the cluster. The FIS experiment role is mapped to this user by an access
 * entry, and FIS runs its helper pod as this service account; one Role grants both what the FIS docs list
 * for the aws:eks:pod actions (eks-pod-actions: "role-experiments").
 */
export const FIS_KUBERNETES_USER = "fis-experiment";
export const FIS_SERVICE_ACCOUNT = "fis-experiment";

/** The stop alarm: share of signalling requests (joins and reconnects) failing at the ALB, percent. */
export const DEFAULT_STOP_FAILED_JOIN_PERCENT = 5;

export interface ChaosArgs {
  /** EKS cluster name: the pod target's clusterIdentifier, the access entry, and the Karpenter instance tag. */
  clusterName: pulumi.Input<string>;
  /** Karpenter NodePool that adds SFU nodes (`sfu`); its instances carry `karpenter.sh/nodepool=<name>`. */
  sfuNodePoolName: string;
  /** Namespace of the LiveKit pods; FIS's service account and Role go there too. */
  namespace: pulumi.Input<string>;
  /** Labels of the LiveKit SFU pods (`LiveKit.podLabels`): the pod drill's label selector. */
  livekitPodLabels: Record<string, string>;
  /**
   * DNS name of the signalling ALB (`Endpoints.albHostname`). The load balancer controller creates the ALB,
   * so the stop alarm finds it by the name inside this hostname.
   */
  signallingLoadBalancerHostname: pulumi.Input<string>;
  /** Share of SFU nodes (all in the Karpenter pool) the SFU drill terminates, 1-100. */
  sfuNodeTerminationPercent: number;
  /** Share of TURN nodes the TURN drill terminates, 1-100. Coturn runs on the SFU nodes: same nodes, own drill. */
  turnNodeTerminationPercent: number;
  /** Share of LiveKit pods the pod drill deletes, 1-100. */
  livekitPodDeletePercent: number;
  /**
   * Grace period the pod drill gives deleted LiveKit pods, seconds. 0 (default) is a crash; LiveKit's own 5 h
   * drain is what rollouts exercise, and a drill should end in minutes.
   */
  livekitPodDeleteGraceSeconds?: number;
  /** Stop threshold: percent of signalling requests failing (ALB and LiveKit 5xx) for 2 of 3 minutes. */
  stopFailedJoinPercent?: number;
  /** More alarms that stop every drill (ARNs), e.g. from Container Insights or Amazon Managed Prometheus. */
  extraStopAlarmArns?: pulumi.Input<string>[];
  /** Keep experiment logs in CloudWatch Logs for this many days; omit for no experiment logs. */
  logRetentionDays?: number;
  tags?: Record<string, string>;
}

/**
 * The ALB's name from its DNS name: `k8s-livekit-xyz-0123456789-1234567890.ap-south-1.elb.amazonaws.com`
 * -> `k8s-livekit-xyz-0123456789` (ALB DNS names are `[internal-]<name>-<number>.<region>.elb.amazonaws.com`).
 */
export function albNameFromHostname(hostname: string): string {
  const label = hostname.split(".")[0].replace(/^internal-/, "");
  return label.replace(/-\d+$/, "");
}

/** The pod drill's label selector: `k1=v1,k2=v2`, sorted. */
export function labelSelector(labels: Record<string, string>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  invariant(
    entries.length > 0,
    "chaos livekitPodLabels",
    "must not be empty (the pod drill would select every pod in the namespace)",
    labels,
  );
  return entries.map(([k, v]) => `${k}=${v}`).join(",");
}

function checkPercent(field: string, value: number): void {
  invariant(
    Number.isInteger(value) && value >= 1 && value <= 100,
    `chaos ${field}`,
    "must be an integer from 1 to 100",
    value,
  );
}

/** Throws one line naming the first bad setting; the constructor calls it before creating anything. */
export function checkChaosArgs(args: ChaosArgs): void {
  checkPercent("sfuNodeTerminationPercent", args.sfuNodeTerminationPercent);
  checkPercent("turnNodeTerminationPercent", args.turnNodeTerminationPercent);
  checkPercent("livekitPodDeletePercent", args.livekitPodDeletePercent);
  const grace = args.livekitPodDeleteGraceSeconds ?? 0;
  invariant(
    Number.isInteger(grace) && grace >= 0,
    "chaos livekitPodDeleteGraceSeconds",
    "must be an integer of at least 0",
    grace,
  );
  const stop = args.stopFailedJoinPercent ?? DEFAULT_STOP_FAILED_JOIN_PERCENT;
  invariant(stop > 0 && stop <= 100, "chaos stopFailedJoinPercent", "must be a percentage in (0, 100]", stop);
  const days = args.logRetentionDays;
  invariant(
    days === undefined || (Number.isInteger(days) && days >= 1),
    "chaos logRetentionDays",
    "must be a whole number of days, at least 1",
    days,
  );
  labelSelector(args.livekitPodLabels);
}

/**
 * Chaos drills for one region, as AWS FIS experiment templates an operator starts by hand:
 * - `sfuNodes`: terminate a share of the SFU nodes (the Karpenter pool);
 * - `turnNodes`: the same for TURN (Coturn runs on the SFU nodes), watched from the TURN side;
 * - `livekitPods`: delete a share of the LiveKit pods (aws:eks:pod-delete).
 * Each stops itself when the signalling failure alarm fires. Create it only when chaos is enabled.
 */
export class Chaos extends pulumi.ComponentResource {
  /** Experiment template ids: `aws fis start-experiment --experiment-template-id <id>`. */
  readonly templateIds: {
    sfuNodes: pulumi.Output<string>;
    turnNodes: pulumi.Output<string>;
    livekitPods: pulumi.Output<string>;
  };
  readonly roleArn: pulumi.Output<string>;
  readonly stopAlarmArn: pulumi.Output<string>;

  constructor(name: string, args: ChaosArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:chaos:Chaos", name, {}, opts);
    checkChaosArgs(args);
    const grace = args.livekitPodDeleteGraceSeconds ?? 0;
    const stopPercent = args.stopFailedJoinPercent ?? DEFAULT_STOP_FAILED_JOIN_PERCENT;
    const selector = labelSelector(args.livekitPodLabels);
    const tags = { ...args.tags, "livekit-platform/component": "chaos" };

    // --- The stop condition: users failing to join. Every join and every reconnect after a lost node is one
    // WebSocket upgrade through the ALB, so 5xx from the ALB (no healthy target, target gone) or from LiveKit
    // (join refused) is what users feel. CloudWatch has these natively; FIS stops only on CloudWatch alarms.
    const alb = aws.lb.getLoadBalancerOutput(
      { name: pulumi.output(args.signallingLoadBalancerHostname).apply(albNameFromHostname) },
      { parent: this },
    );
    const albMetric = (id: string, metricName: string) => ({
      id,
      returnData: false,
      metric: {
        namespace: "AWS/ApplicationELB",
        metricName,
        dimensions: { LoadBalancer: alb.arnSuffix },
        period: 60,
        stat: "Sum",
      },
    });
    const stopAlarm = new aws.cloudwatch.MetricAlarm(
      `${name}-signalling-failures`,
      {
        alarmDescription: `Chaos stop condition: more than ${stopPercent}% of LiveKit signalling requests (joins, reconnects) fail at the ALB for 2 of 3 minutes.`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: stopPercent,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        // No traffic is no harm; an idle region must not stop a drill.
        treatMissingData: "notBreaching",
        metricQueries: [
          albMetric("elb5xx", "HTTPCode_ELB_5XX_Count"),
          albMetric("target5xx", "HTTPCode_Target_5XX_Count"),
          albMetric("requests", "RequestCount"),
          {
            id: "failedpercent",
            label: "Failed signalling requests (%)",
            // ELB 5xx without a target are not in RequestCount; +1 keeps a near-idle minute from dividing by zero.
            expression: "100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0) + 1)",
            returnData: true,
          },
        ],
        tags,
      },
      { parent: this },
    );
    this.stopAlarmArn = stopAlarm.arn;
    const stopConditions = pulumi
      .all([stopAlarm.arn, ...(args.extraStopAlarmArns ?? [])])
      .apply((arns) => arns.map((value) => ({ source: "aws:cloudwatch:alarm", value })));

    // --- FIS's IAM role, scoped to the SFU nodes' tags.
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const logging = args.logRetentionDays !== undefined;
    const role = new aws.iam.Role(
      `${name}-fis`,
      {
        description: "Assumed by AWS FIS to run the LiveKit chaos drills",
        assumeRolePolicy: pulumi
          .all([partition, region, accountId])
          .apply(([p, r, a]) => JSON.stringify(fisTrustPolicy({ partition: p, region: r, accountId: a }))),
        tags,
      },
      { parent: this },
    );
    this.roleArn = role.arn;
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-fis`,
      {
        role: role.id,
        policy: pulumi.all([partition, region, accountId, args.clusterName]).apply(([p, r, a, clusterName]) =>
          JSON.stringify(
            fisRolePolicy({
              partition: p,
              region: r,
              accountId: a,
              clusterName,
              sfuNodePoolName: args.sfuNodePoolName,
              logging,
            }),
          ),
        ),
      },
      { parent: this },
    );

    // --- FIS inside the cluster (aws:eks:pod-delete): the role as a Kubernetes user, its helper pod's service
    // account, and a namespaced Role for both. No cluster-wide access.
    const accessEntry = new aws.eks.AccessEntry(
      `${name}-fis`,
      {
        clusterName: args.clusterName,
        principalArn: role.arn,
        type: "STANDARD",
        userName: FIS_KUBERNETES_USER,
        tags,
      },
      { parent: this },
    );
    const { labels } = workloadLabels("aws-fis");
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-fis`,
      {
        metadata: { name: FIS_SERVICE_ACCOUNT, namespace: args.namespace, labels },
      },
      { parent: this },
    );
    const rbacRole = new k8s.rbac.v1.Role(
      `${name}-fis`,
      {
        metadata: { name: "fis-experiments", namespace: args.namespace, labels },
        rules: [
          { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "create", "patch", "delete"] },
          { apiGroups: [""], resources: ["pods"], verbs: ["create", "list", "get", "delete", "deletecollection"] },
          { apiGroups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["update"] },
          { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] },
          { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] },
        ],
      },
      { parent: this },
    );
    const binding = new k8s.rbac.v1.RoleBinding(
      `${name}-fis`,
      {
        metadata: { name: "fis-experiments", namespace: args.namespace, labels },
        subjects: [
          { kind: "ServiceAccount", name: FIS_SERVICE_ACCOUNT, namespace: args.namespace },
          { kind: "User", name: FIS_KUBERNETES_USER, apiGroup: "rbac.authorization.k8s.io" },
        ],
        roleRef: { kind: "Role", name: rbacRole.metadata.name, apiGroup: "rbac.authorization.k8s.io" },
      },
      { parent: this },
    );

    // --- Optional experiment logs.
    let logConfiguration: aws.types.input.fis.ExperimentTemplateLogConfiguration | undefined;
    if (logging) {
      const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-experiments`,
        {
          retentionInDays: args.logRetentionDays,
          tags,
        },
        { parent: this },
      );
      // FIS wants the log group ARN with its `:*` suffix; the provider's arn has none.
      logConfiguration = {
        logSchemaVersion: 2,
        cloudwatchLogsConfiguration: { logGroupArn: pulumi.interpolate`${logGroup.arn}:*` },
      };
    }

    // --- The templates.
    const running = [{ path: "State.Name", values: ["running"] }];
    const nodeTargets = (percent: number) => [
      {
        name: "sfu-node-pool",
        resourceType: "aws:ec2:instance",
        resourceTags: [
          { key: NODE_POOL_TAG, value: args.sfuNodePoolName },
          { key: KARPENTER_CLUSTER_TAG, value: args.clusterName },
        ],
        filters: running,
        selectionMode: `PERCENT(${percent})`,
      },
    ];
    const terminate = [
      {
        name: "terminate-node-pool-instances",
        actionId: "aws:ec2:terminate-instances",
        target: { key: "Instances", value: "sfu-node-pool" },
      },
    ];
    const template = (
      id: string,
      description: string,
      spec: Omit<aws.fis.ExperimentTemplateArgs, "description" | "roleArn" | "stopConditions">,
      dependsOn: pulumi.Resource[],
    ) =>
      new aws.fis.ExperimentTemplate(
        `${name}-${id}`,
        {
          description,
          roleArn: role.arn,
          stopConditions,
          logConfiguration,
          tags: { ...tags, Name: `${name}-${id}` },
          ...spec,
        },
        { parent: this, dependsOn },
      );

    const sfuNodes = template(
      "sfu-nodes",
      `LiveKit drill: terminate ${args.sfuNodeTerminationPercent}% of the SFU nodes; rooms elsewhere must carry on.`,
      {
        targets: nodeTargets(args.sfuNodeTerminationPercent),
        actions: terminate,
        // An empty pool (no SFU node yet) must not fail the drill.
        experimentOptions: { accountTargeting: "single-account", emptyTargetResolutionMode: "skip" },
      },
      [rolePolicy],
    );
    const turnNodes = template(
      "turn-nodes",
      `TURN drill: terminate ${args.turnNodeTerminationPercent}% of the nodes running Coturn (the SFU nodes); TURN clients must reallocate elsewhere.`,
      {
        targets: nodeTargets(args.turnNodeTerminationPercent),
        actions: terminate,
        experimentOptions: { accountTargeting: "single-account", emptyTargetResolutionMode: "skip" },
      },
      [rolePolicy],
    );
    const livekitPods = template(
      "livekit-pods",
      `LiveKit drill: delete ${args.livekitPodDeletePercent}% of the LiveKit SFU pods (grace ${grace} s); clients must reconnect to other nodes.`,
      {
        targets: [
          {
            name: "livekit-pods",
            resourceType: "aws:eks:pod",
            // Pods are found by parameters only (FIS refuses tags and ARNs for aws:eks:pod).
            parameters: {
              clusterIdentifier: args.clusterName,
              namespace: args.namespace,
              selectorType: "labelSelector",
              selectorValue: selector,
            },
            selectionMode: `PERCENT(${args.livekitPodDeletePercent})`,
          },
        ],
        actions: [
          {
            name: "delete-livekit-pods",
            actionId: "aws:eks:pod-delete",
            target: { key: "Pods", value: "livekit-pods" },
            parameters: [
              { key: "kubernetesServiceAccount", value: FIS_SERVICE_ACCOUNT },
              { key: "gracePeriodSeconds", value: String(grace) },
            ],
          },
        ],
        // No LiveKit pod to delete means something is already wrong: fail loudly.
        experimentOptions: { accountTargeting: "single-account", emptyTargetResolutionMode: "fail" },
      },
      [rolePolicy, accessEntry, serviceAccount, binding],
    );

    this.templateIds = { sfuNodes: sfuNodes.id, turnNodes: turnNodes.id, livekitPods: livekitPods.id };
    this.registerOutputs({ templateIds: this.templateIds, roleArn: this.roleArn, stopAlarmArn: this.stopAlarmArn });
  }
}
