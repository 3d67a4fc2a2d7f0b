/**
 * CloudWatch alarms on the Redis replication group's nodes, sent to the stack's alert topic. Prometheus cannot
 * see ElastiCache; before these, a saturated Redis showed up only as every SFU pod going unready
 * (`LiveKitRedisUnreachable`). Pure: the RedisAlarms component (./index.ts) creates one MetricAlarm per spec.
 *
 * Each alarm names one node: ElastiCache publishes its Valkey metrics per node with the dimension
 * `CacheClusterId`, and a replication group without cluster mode names its member clusters `<group id>-001`,
 * `-002`, ... in creation order (AWS ElastiCache, "Monitoring use with CloudWatch metrics": metrics are
 * published per cache node; CreateReplicationGroup, "NumCacheClusters": member clusters
 * `<ReplicationGroupId>-00N`). After a failover the primary is another member, so every member has every alarm.
 * docs/runbooks.md has a section `CloudWatch alarm: <name>` per alarm.
 */
import type { CacheNodeType } from "../../lib/capacity/redis";

/** The section of docs/runbooks.md for a CloudWatch alarm, by its name. */
export const cloudWatchRunbookAnchor = (alarm: string) => `cloudwatch-alarm-${alarm.toLowerCase()}`;

/** ElastiCache's `maxclients`, fixed at 65,000 per node (ElastiCache "Valkey and Redis OSS parameters"). */
export const ELASTICACHE_MAX_CLIENTS = 65_000;

export interface RedisAlarmsInput {
  replicationGroupId: string;
  nodeCount: number;
  /** The node type's facts: its network baseline sets the NetworkBytesOut threshold. */
  node: CacheNodeType;
  /** Connections the region's (and a hub's members') livekit-server and egress processes may hold. */
  plannedConnections: number;
  /** Where the runbook links point (the monitoring setting `runbookUrl`, or the repository path). */
  runbookBase: string;
}

export interface RedisAlarmSpec {
  /** The alarm's name in CloudWatch, unique per account and region. */
  alarmName: string;
  /** The alarm kind, the runbook section's name. */
  kind: string;
  /** The member cluster it watches. */
  cacheClusterId: string;
  metricName: string;
  statistic: "Average" | "Maximum" | "Sum";
  periodSeconds: number;
  evaluationPeriods: number;
  threshold: number;
  comparisonOperator: "GreaterThanThreshold";
  treatMissingData: "missing" | "notBreaching" | "breaching";
  description: string;
}

/** `<group id>-001`, `-002`, ...: the member clusters of a replication group without cluster mode. */
export function memberClusterIds(replicationGroupId: string, nodeCount: number): string[] {
  return Array.from({ length: nodeCount }, (_, i) => `${replicationGroupId}-${String(i + 1).padStart(3, "0")}`);
}

/** The share of a node's baseline network bandwidth above which NetworkBytesOut alarms. */
export const NETWORK_BASELINE_ALARM_SHARE = 0.8;

export function redisAlarmSpecs(input: RedisAlarmsInput): RedisAlarmSpec[] {
  const runbook = (kind: string) => `${input.runbookBase}#${cloudWatchRunbookAnchor(kind)}`;
  // Bytes a node may send in one minute at the alarm's share of its baseline.
  const networkBytesPerMinute = Math.floor(((input.node.baselineGbps * 1e9) / 8) * 60 * NETWORK_BASELINE_ALARM_SHARE);
  // Twice what the processes may open (a rollout runs old and new pods side by side), never past 80% of maxclients.
  const connections = Math.min(2 * input.plannedConnections, Math.floor(ELASTICACHE_MAX_CLIENTS * 0.8));
  const kinds: Omit<RedisAlarmSpec, "alarmName" | "cacheClusterId" | "description">[] = [
    {
      // The engine thread runs every command; the model sizes the node for 60% at peak.
      kind: "LiveKitRedisEngineCpuHigh",
      metricName: "EngineCPUUtilization",
      statistic: "Average",
      periodSeconds: 60,
      evaluationPeriods: 5,
      threshold: 80,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "missing",
    },
    {
      // LiveKit's state is small; memory filling means leaked keys or a runaway client buffer, and at maxmemory
      // writes of room and node records fail.
      kind: "LiveKitRedisMemoryHigh",
      metricName: "DatabaseMemoryUsagePercentage",
      statistic: "Maximum",
      periodSeconds: 60,
      evaluationPeriods: 5,
      threshold: 80,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "missing",
    },
    {
      // Above the baseline the node spends network I/O credits, then its traffic is shaped: signalling stalls.
      kind: "LiveKitRedisNetworkAboveBaseline",
      metricName: "NetworkBytesOut",
      statistic: "Sum",
      periodSeconds: 60,
      evaluationPeriods: 10,
      threshold: networkBytesPerMinute,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "missing",
    },
    {
      // More connections than every planned process may hold: a leak or a reconnect storm.
      kind: "LiveKitRedisConnectionsHigh",
      metricName: "CurrConnections",
      statistic: "Maximum",
      periodSeconds: 60,
      evaluationPeriods: 5,
      threshold: connections,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "missing",
    },
    {
      // A replica this far behind loses that much room and node state if it is promoted; node records older than
      // 5 s already count as unavailable (livekit v1.13.5 pkg/routing/selector/utils.go IsAvailable).
      kind: "LiveKitRedisReplicationLagging",
      metricName: "ReplicationLag",
      statistic: "Maximum",
      periodSeconds: 60,
      evaluationPeriods: 3,
      threshold: 2,
      comparisonOperator: "GreaterThanThreshold",
      // Only replicas report it: the primary has no data points.
      treatMissingData: "notBreaching",
    },
  ];
  return memberClusterIds(input.replicationGroupId, input.nodeCount).flatMap((cacheClusterId) =>
    kinds.map((k) => ({
      ...k,
      alarmName: `${cacheClusterId}-${k.kind}`,
      cacheClusterId,
      description: `${k.metricName} of ${cacheClusterId} (${input.replicationGroupId}) above ${k.threshold} for ${k.evaluationPeriods} minutes. Runbook: ${runbook(k.kind)}`,
    })),
  );
}
