import { alarmState, AlarmStateValue } from "../../support/cloudwatch-alarm";
import { headingsOf } from "../../support/markdown";
import * as path from "path";
import {
  cloudWatchRunbookAnchor,
  memberClusterIds,
  RedisAlarmSpec,
  redisAlarmSpecs,
} from "../../../components/redis/alarms";
import { CACHE_NODE_TYPES } from "../../../lib/capacity/redis";

const input = {
  replicationGroupId: "livekit-mumbai",
  nodeCount: 2,
  node: CACHE_NODE_TYPES["cache.r7g.large"],
  plannedConnections: 20_000,
  runbookBase: "docs/runbooks.md",
};

describe("CloudWatch alarms on the Redis nodes", () => {
  const specs = redisAlarmSpecs(input);
  const of = (cluster: string, kind: string) => specs.find((s) => s.cacheClusterId === cluster && s.kind === kind)!;

  it("watches every member cluster, named <group>-001, -002 as ElastiCache names them", () => {
    expect(memberClusterIds("livekit-mumbai", 3)).toEqual([
      "livekit-mumbai-001",
      "livekit-mumbai-002",
      "livekit-mumbai-003",
    ]);
    expect(new Set(specs.map((s) => s.cacheClusterId))).toEqual(new Set(["livekit-mumbai-001", "livekit-mumbai-002"]));
    expect(specs).toHaveLength(2 * 5);
  });

  it("alarms on the engine, memory, network against the baseline, connections and replication lag", () => {
    expect(of("livekit-mumbai-001", "LiveKitRedisEngineCpuHigh")).toMatchObject({
      metricName: "EngineCPUUtilization",
      threshold: 80,
    });
    expect(of("livekit-mumbai-001", "LiveKitRedisMemoryHigh")).toMatchObject({
      metricName: "DatabaseMemoryUsagePercentage",
      threshold: 80,
    });
    // 80% of 0.937 Gbps for a minute, in bytes.
    expect(of("livekit-mumbai-001", "LiveKitRedisNetworkAboveBaseline")).toMatchObject({
      metricName: "NetworkBytesOut",
      statistic: "Sum",
      periodSeconds: 60,
      threshold: Math.floor((0.937e9 / 8) * 60 * 0.8),
    });
    expect(of("livekit-mumbai-002", "LiveKitRedisConnectionsHigh")).toMatchObject({
      metricName: "CurrConnections",
      threshold: 40_000,
    });
    // Never past 80% of ElastiCache's 65,000 clients.
    const many = redisAlarmSpecs({ ...input, plannedConnections: 60_000 }).find(
      (s) => s.kind === "LiveKitRedisConnectionsHigh",
    )!;
    expect(many.threshold).toBe(52_000);
    expect(of("livekit-mumbai-002", "LiveKitRedisReplicationLagging")).toMatchObject({
      metricName: "ReplicationLag",
      threshold: 2,
      treatMissingData: "notBreaching",
    });
  });

  it("links every alarm to its section of docs/runbooks.md, and every such section to an alarm", () => {
    const sections = headingsOf(path.join(__dirname, "..", "..", "..", "docs", "runbooks.md"))
      .filter((h) => h.text.startsWith("CloudWatch alarm: "))
      .map((h) => h.anchor);
    const kinds = [...new Set(specs.map((s) => s.kind))];
    expect(kinds.map(cloudWatchRunbookAnchor).filter((a) => !sections.includes(a))).toEqual([]);
    expect(sections.filter((s) => !kinds.map(cloudWatchRunbookAnchor).includes(s))).toEqual([]);
    for (const s of specs) expect(s.description).toContain(`docs/runbooks.md#${cloudWatchRunbookAnchor(s.kind)}`);
  });
});

/** The alarm's state as CloudWatch evaluates it (test/support/cloudwatch-alarm.ts), from the spec's own shape. */
const stateOf = (spec: RedisAlarmSpec, periods: number[][], previous: AlarmStateValue) =>
  alarmState({ ...spec, period: spec.periodSeconds }, periods, previous);

describe("the alarms as CloudWatch evaluates them", () => {
  const specs = redisAlarmSpecs(input);
  const of = (kind: string) => specs.find((s) => s.cacheClusterId === "livekit-mumbai-001" && s.kind === kind)!;
  const minutes = (n: number, samples: number[]) => Array.from({ length: n }, () => samples);

  it("are alarms PutMetricAlarm takes, each with a name of its own in the account and region", () => {
    for (const spec of specs) expect(() => stateOf(spec, [], "OK")).not.toThrow();
    expect(new Set(specs.map((s) => s.alarmName)).size).toBe(specs.length);
    expect(of("LiveKitRedisEngineCpuHigh").alarmName).toBe("livekit-mumbai-001-LiveKitRedisEngineCpuHigh");
  });

  it("fire only above the threshold, for the whole window", () => {
    const cpu = of("LiveKitRedisEngineCpuHigh");
    expect(stateOf(cpu, minutes(5, [80]), "OK")).toBe("OK");
    expect(stateOf(cpu, minutes(5, [81]), "OK")).toBe("ALARM");
    expect(stateOf(cpu, [...minutes(4, [90]), [70]], "OK")).toBe("OK");
  });

  it("read the engine's CPU as the minute's average, memory and connections as its peak", () => {
    // A one-sample spike in a busy minute is not a saturated engine thread...
    expect(stateOf(of("LiveKitRedisEngineCpuHigh"), minutes(5, [95, 60, 60, 60]), "OK")).toBe("OK");
    // ...but a peak of memory or connections is where writes fail or maxclients refuses.
    expect(stateOf(of("LiveKitRedisMemoryHigh"), minutes(5, [50, 85, 50]), "OK")).toBe("ALARM");
    expect(stateOf(of("LiveKitRedisConnectionsHigh"), minutes(5, [100, 40_001, 100]), "OK")).toBe("ALARM");
    expect(stateOf(of("LiveKitRedisReplicationLagging"), minutes(3, [0, 3, 0]), "OK")).toBe("ALARM");
  });

  it("send no OK while a node sends no datapoints (INSUFFICIENT_DATA has no action), except replication lag, which the primary never sends", () => {
    for (const kind of [
      "LiveKitRedisEngineCpuHigh",
      "LiveKitRedisMemoryHigh",
      "LiveKitRedisNetworkAboveBaseline",
      "LiveKitRedisConnectionsHigh",
    ]) {
      // A node that stopped reporting mid-incident is not cleared by its silence: no OK action fires.
      expect(stateOf(of(kind), minutes(10, []), "ALARM")).toBe("INSUFFICIENT_DATA");
    }
    // After a failover the old replica is the primary: its lag alarm clears instead of hanging on.
    expect(stateOf(of("LiveKitRedisReplicationLagging"), minutes(3, []), "ALARM")).toBe("OK");
  });
});
