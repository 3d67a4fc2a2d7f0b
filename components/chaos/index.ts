import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { workloadLabels } from "../shared/annotations";
import { invariant } from "../shared/invariant";
import {
  FIS_KUBERNETES_USER,
  FIS_POD_ACTION_RULES,
  FIS_SERVICE_ACCOUNT,
  fisRolePolicy,
  fisTrustPolicy,
  KARPENTER_CLUSTER_TAG,
  NODE_POOL_TAG,
} from "./iam";
import { albNameFromHostname, DEFAULT_STOP_FAILED_JOIN_PERCENT, signallingFailureAlarm } from "./stop-alarm";
import { drillTemplates, labelSelector } from "./templates";

export { FIS_KUBERNETES_USER, FIS_SERVICE_ACCOUNT, KARPENTER_CLUSTER_TAG, NODE_POOL_TAG };
export { albNameFromHostname, DEFAULT_STOP_FAILED_JOIN_PERCENT, labelSelector };

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
    const tags = { ...args.tags, "livekit-platform/component": "chaos" };

    const stopAlarm = this.stopAlarm(name, args, tags);
    this.stopAlarmArn = stopAlarm.arn;
    const stopConditions = pulumi
      .all([stopAlarm.arn, ...(args.extraStopAlarmArns ?? [])])
      .apply((arns) => arns.map((value) => ({ source: "aws:cloudwatch:alarm", value })));
    const { role, rolePolicy } = this.fisRole(name, args, tags);
    this.roleArn = role.arn;
    const inCluster = this.fisInCluster(name, args, role, tags);
    const logConfiguration = this.experimentLogs(name, args, tags);

    const drills = drillTemplates({
      clusterName: args.clusterName,
      sfuNodePoolName: args.sfuNodePoolName,
      namespace: args.namespace,
      podSelector: labelSelector(args.livekitPodLabels),
      sfuNodeTerminationPercent: args.sfuNodeTerminationPercent,
      turnNodeTerminationPercent: args.turnNodeTerminationPercent,
      livekitPodDeletePercent: args.livekitPodDeletePercent,
      podDeleteGraceSeconds: args.livekitPodDeleteGraceSeconds ?? 0,
    });
    const templateId = (id: keyof typeof drills) => {
      const drill = drills[id];
      return new aws.fis.ExperimentTemplate(
        `${name}-${id}`,
        {
          description: drill.description,
          roleArn: role.arn,
          stopConditions,
          logConfiguration,
          tags: { ...tags, Name: `${name}-${id}` },
          ...drill.spec,
        },
        { parent: this, dependsOn: drill.inCluster ? [rolePolicy, ...inCluster] : [rolePolicy] },
      ).id;
    };
    this.templateIds = {
      sfuNodes: templateId("sfu-nodes"),
      turnNodes: templateId("turn-nodes"),
      livekitPods: templateId("livekit-pods"),
    };
    this.registerOutputs({ templateIds: this.templateIds, roleArn: this.roleArn, stopAlarmArn: this.stopAlarmArn });
  }

  /** The stop condition: the signalling failure alarm on the region's ALB (./stop-alarm.ts). */
  private stopAlarm(name: string, args: ChaosArgs, tags: Record<string, string>): aws.cloudwatch.MetricAlarm {
    // The load balancer controller creates the ALB: the alarm finds it by the name inside its hostname.
    const alb = aws.lb.getLoadBalancerOutput(
      { name: pulumi.output(args.signallingLoadBalancerHostname).apply(albNameFromHostname) },
      { parent: this },
    );
    const percent = args.stopFailedJoinPercent ?? DEFAULT_STOP_FAILED_JOIN_PERCENT;
    return new aws.cloudwatch.MetricAlarm(
      `${name}-signalling-failures`,
      { ...signallingFailureAlarm(alb.arnSuffix, percent), tags },
      { parent: this },
    );
  }

  /** FIS's IAM role, scoped to the SFU nodes' tags. */
  private fisRole(name: string, args: ChaosArgs, tags: Record<string, string>) {
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
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
              logging: args.logRetentionDays !== undefined,
            }),
          ),
        ),
      },
      { parent: this },
    );
    return { role, rolePolicy };
  }

  /**
   * FIS inside the cluster (aws:eks:pod-delete): the role as a Kubernetes user, its helper pod's service
   * account, and a namespaced Role for both. No cluster-wide access. What the pod drill waits for.
   */
  private fisInCluster(name: string, args: ChaosArgs, role: aws.iam.Role, tags: Record<string, string>) {
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
        rules: FIS_POD_ACTION_RULES,
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
    return [accessEntry, serviceAccount, binding];
  }

  /** Experiment logs in CloudWatch Logs, when a retention is given. */
  private experimentLogs(
    name: string,
    args: ChaosArgs,
    tags: Record<string, string>,
  ): aws.types.input.fis.ExperimentTemplateLogConfiguration | undefined {
    if (args.logRetentionDays === undefined) return undefined;
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-experiments`,
      {
        retentionInDays: args.logRetentionDays,
        tags,
      },
      { parent: this },
    );
    // FIS wants the log group ARN with its `:*` suffix; the provider's arn has none.
    return {
      logSchemaVersion: 2,
      cloudwatchLogsConfiguration: { logGroupArn: pulumi.interpolate`${logGroup.arn}:*` },
    };
  }
}
