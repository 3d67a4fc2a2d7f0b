import * as fs from "fs";
import * as path from "path";
import { cloudWatchRunbookAnchor, memberClusterIds, redisAlarmSpecs } from "../../../components/redis/alarms";
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
    const slug = (heading: string) =>
      heading
        .trim()
        .toLowerCase()
        .replace(/[^\w\- ]/g, "")
        .replace(/ /g, "-");
    const text = fs.readFileSync(path.join(__dirname, "..", "..", "..", "docs", "runbooks.md"), "utf8");
    const sections = [...text.matchAll(/^#{1,6} (CloudWatch alarm: .+)$/gm)].map((m) => slug(m[1]));
    const kinds = [...new Set(specs.map((s) => s.kind))];
    expect(kinds.map(cloudWatchRunbookAnchor).filter((a) => !sections.includes(a))).toEqual([]);
    expect(sections.filter((s) => !kinds.map(cloudWatchRunbookAnchor).includes(s))).toEqual([]);
    for (const s of specs) expect(s.description).toContain(`docs/runbooks.md#${cloudWatchRunbookAnchor(s.kind)}`);
  });
});
