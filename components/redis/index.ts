import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { versions } from "../../lib/versions";
import { RedisAlarmsInput, redisAlarmSpecs } from "./alarms";

export const REDIS_PORT = 6379;
/** Key of the password in the Kubernetes Secret the workloads read. */
export const REDIS_PASSWORD_KEY = "password";

export interface RedisArgs {
  /** Replication group id: lowercase letters, digits and hyphens, at most 40. */
  replicationGroupId: string;
  vpcId: pulumi.Input<string>;
  /** Private subnets in several availability zones: replicas go to different zones. */
  subnetIds: pulumi.Input<string[]>;
  /** The nodes' security group: the only source admitted on the Redis port. */
  clientSecurityGroupId: pulumi.Input<string>;
  /** ElastiCache node type, e.g. cache.r7g.large. */
  nodeType: string;
  /** Primary plus replicas, at least 2 so the group can fail over to another zone. */
  nodeCount: number;
  /** Daily snapshots kept, in days. */
  snapshotRetentionDays: number;
  /** Namespace of the workloads; its owner creates it (pass its `metadata.name`, so the Secret waits for it). */
  namespace: pulumi.Input<string>;
  /** `protect` the replication group: `pulumi destroy` and replacements stop at it. */
  protect?: boolean;
  /**
   * The AUTH token, a secret: the region's Credentials make it (`redisAuthToken`). ElastiCache takes 16-128
   * printable characters without @, " or /.
   */
  authToken: pulumi.Input<string>;
}

/**
 * The region's Redis (ElastiCache, Valkey engine): Multi-AZ with automatic failover, TLS in transit, an
 * AUTH token, encryption at rest, private subnets, reachable only from the cluster's nodes. The token, made by
 * the region's Credentials, goes to a Kubernetes Secret for LiveKit and Egress, and stays secret end to end.
 */
export class Redis extends pulumi.ComponentResource {
  /** Primary endpoint host; clients connect with TLS. */
  readonly address: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** Holds the AUTH token under `password` (REDIS_PASSWORD_KEY). */
  readonly passwordSecret: k8s.core.v1.Secret;
  /** The AUTH token itself, secret: for clients that take it only in a config file (Egress). */
  readonly authToken: pulumi.Output<string>;
  /** The replication group's security group: a Redis hub's members add their node ranges to it. */
  readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:redis:Redis", name, {}, opts);

    const authToken = pulumi.secret(args.authToken);
    this.authToken = authToken;

    const subnets = new aws.elasticache.SubnetGroup(
      `${name}`,
      {
        name: args.replicationGroupId,
        description: "LiveKit Redis: private subnets",
        subnetIds: args.subnetIds,
      },
      { parent: this },
    );

    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}`,
      {
        vpcId: args.vpcId,
        description: "LiveKit Redis: Redis port from the cluster's nodes only",
        tags: { Name: `${args.replicationGroupId}-redis` },
      },
      { parent: this },
    );
    this.securityGroupId = securityGroup.id;
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-from-nodes`,
      {
        securityGroupId: securityGroup.id,
        referencedSecurityGroupId: args.clientSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: REDIS_PORT,
        toPort: REDIS_PORT,
        description: "Redis from the cluster's nodes",
      },
      { parent: this },
    );

    const group = new aws.elasticache.ReplicationGroup(
      `${name}`,
      {
        replicationGroupId: args.replicationGroupId,
        description: "LiveKit room and node state",
        engine: versions.redis.engine,
        engineVersion: versions.redis.engineVersion,
        nodeType: args.nodeType,
        numCacheClusters: args.nodeCount,
        port: REDIS_PORT,
        multiAzEnabled: true,
        automaticFailoverEnabled: true,
        subnetGroupName: subnets.name,
        securityGroupIds: [securityGroup.id],
        transitEncryptionEnabled: true,
        authToken,
        atRestEncryptionEnabled: true,
        snapshotRetentionLimit: args.snapshotRetentionDays,
        // UTC, quiet hours for both regions (India and Singapore); the two windows must not overlap.
        snapshotWindow: "20:00-21:00",
        maintenanceWindow: "sun:21:30-sun:22:30",
        autoMinorVersionUpgrade: true,
      },
      { parent: this, protect: args.protect },
    );

    this.address = group.primaryEndpointAddress;
    this.port = group.port.apply((port) => port ?? REDIS_PORT);

    this.passwordSecret = new k8s.core.v1.Secret(
      `${name}-auth`,
      {
        metadata: { name: "redis-auth", namespace: args.namespace },
        type: "Opaque",
        stringData: { [REDIS_PASSWORD_KEY]: authToken },
      },
      { parent: this },
    );

    this.registerOutputs({ address: this.address, port: this.port });
  }
}

export interface RedisAlarmsArgs extends RedisAlarmsInput {
  /** The stack's alert topic (Monitoring's): every alarm and its recovery is published there. */
  alertTopicArn: pulumi.Input<string>;
}

/**
 * CloudWatch alarms on every node of the region's Redis (./alarms.ts), through the stack's alert topic. A
 * component of its own: the topic belongs to Monitoring, which is created after Redis.
 */
export class RedisAlarms extends pulumi.ComponentResource {
  constructor(name: string, args: RedisAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:redis:RedisAlarms", name, {}, opts);
    for (const spec of redisAlarmSpecs(args)) {
      new aws.cloudwatch.MetricAlarm(
        `${name}-${spec.alarmName}`,
        {
          name: spec.alarmName,
          alarmDescription: spec.description,
          namespace: "AWS/ElastiCache",
          metricName: spec.metricName,
          dimensions: { CacheClusterId: spec.cacheClusterId },
          statistic: spec.statistic,
          period: spec.periodSeconds,
          evaluationPeriods: spec.evaluationPeriods,
          threshold: spec.threshold,
          comparisonOperator: spec.comparisonOperator,
          treatMissingData: spec.treatMissingData,
          alarmActions: [args.alertTopicArn],
          okActions: [args.alertTopicArn],
        },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}
