import {
  CACHE_NODE_TYPES,
  RedisLoad,
  REDIS_TARGET_UTILISATION,
  redisLoad,
  redisUtilisation,
  sizeRedis,
} from "../../../lib/capacity/redis";
import { InputError } from "../../../lib/errors";

const region = { participants: 25_000, rooms: 3_450, sfuNodes: 98, egressPods: 167 };

describe("the Redis that livekit-server and egress share", () => {
  it("counts two PUBLISHes per relayed message (the message and psrpc's ack), node stats and join waves", () => {
    const load = redisLoad([region], 0.5);
    expect(load.byCause.signalling).toBe(25_000 * 0.5 * 2);
    // Every node's keepalive and HSET every 2 s.
    expect(load.byCause.nodeStats).toBe(98);
    // Every participant joining within 5 minutes, 24 commands a session.
    expect(load.byCause.joins).toBe((25_000 / 300) * 24);
    expect(load.commandsPerSecond).toBeCloseTo(12_500 * 2 + 98 + 2_000, 6);
    expect(load.connections).toBe((98 + 167) * 81);
  });

  it("adds a hub's members to its own load: every region's signalling crosses the one primary", () => {
    const alone = redisLoad([region]);
    const hub = redisLoad([region, { ...region, participants: 10_000, rooms: 1_000 }]);
    expect(hub.byCause.signalling).toBeCloseTo(alone.byCause.signalling * 1.4, 6);
    // HVALS nodes reads every region's nodes for every new room.
    expect(hub.bytesOutPerSecond).toBeGreaterThan(alone.bytesOutPerSecond * 1.4);
  });

  it("chooses the smallest r7g whose engine, network baseline and memory stay at or below 60%", () => {
    const sized = sizeRedis(redisLoad([region]));
    expect(sized.nodeType).toBe("cache.r7g.large");
    expect(sized.binding).toBe("engine");
    expect(sized.utilisation.engine).toBeLessThanOrEqual(REDIS_TARGET_UTILISATION);
    // Twice the participants no longer fit on a large: its engine also runs TLS (no offload).
    const doubled = sizeRedis(redisLoad([region, region]));
    expect(doubled.nodeType).toBe("cache.r7g.xlarge");
    expect(redisUtilisation(CACHE_NODE_TYPES["cache.r7g.large"], doubled.load).engine).toBeGreaterThan(0.6);
  });

  it("refuses a load no node type carries, under redis.nodeType", () => {
    const huge = redisLoad([{ ...region, participants: 1_000_000 }]);
    expect(() => sizeRedis(huge)).toThrow(InputError);
    expect(() => sizeRedis(huge)).toThrow(/^redis\.nodeType: no node type carries/);
  });

  it("lists node types smallest first, with AWS's baseline bandwidth", () => {
    const types = Object.entries(CACHE_NODE_TYPES);
    expect(types[0]).toEqual([
      "cache.r7g.large",
      expect.objectContaining({ vcpu: 2, baselineGbps: 0.937, tlsOffload: false }),
    ]);
    for (let i = 1; i < types.length; i++) expect(types[i][1].vcpu).toBeGreaterThan(types[i - 1][1].vcpu);
  });

  it("sums every region's records, connections and the HVALS reads new rooms make", () => {
    const other = { participants: 10_000, rooms: 1_000, sfuNodes: 40, egressPods: 10 };
    const load = redisLoad([region, other], 0.5);
    // 2 KiB per participant and 1 KiB per room.
    expect(load.memoryBytes).toBe(35_000 * 2048 + 4_450 * 1024);
    // 700 bytes out per relayed message, plus every new room (all of them within the 5-minute wave) reading the
    // 600-byte record of each of the 138 nodes.
    expect(load.bytesOutPerSecond).toBeCloseTo(35_000 * 0.5 * 700 + (4_450 / 300) * 138 * 600, 6);
    // go-redis's pool of 10 per GOMAXPROCS (8) plus its pub/sub connection, per livekit-server and egress process.
    expect(load.connections).toBe((98 + 167 + 40 + 10) * 81);
    expect(load.byCause.nodeStats).toBe(138);
  });

  const loadOf = (used: { engine: number; network: number; memory: number }): RedisLoad => {
    const large = CACHE_NODE_TYPES["cache.r7g.large"];
    return {
      commandsPerSecond: used.engine * large.engineCommandsPerSecond,
      bytesOutPerSecond: (used.network * large.baselineGbps * 1e9) / 8,
      memoryBytes: used.memory * large.memoryGiB * 1024 ** 3,
      connections: 0,
      byCause: { signalling: 0, nodeStats: 0, joins: 0 },
    };
  };

  it("names the resource that chose the type: the engine, the network baseline or memory, the engine, then the network, on a tie", () => {
    expect(sizeRedis(loadOf({ engine: 0.5, network: 0.1, memory: 0.1 })).binding).toBe("engine");
    expect(sizeRedis(loadOf({ engine: 0.1, network: 0.5, memory: 0.1 })).binding).toBe("network");
    expect(sizeRedis(loadOf({ engine: 0.1, network: 0.1, memory: 0.5 })).binding).toBe("memory");
    expect(sizeRedis(loadOf({ engine: 0, network: 0, memory: 0 })).binding).toBe("engine");
    expect(sizeRedis(loadOf({ engine: 0.25, network: 0.5, memory: 0.5 })).binding).toBe("network");
  });

  it("takes a type used exactly at the target, and the next one just above it, on any of the three resources", () => {
    expect(sizeRedis(loadOf({ engine: 0.6, network: 0, memory: 0 })).nodeType).toBe("cache.r7g.large");
    expect(sizeRedis(loadOf({ engine: 0.61, network: 0, memory: 0 })).nodeType).toBe("cache.r7g.xlarge");
    expect(sizeRedis(loadOf({ engine: 0, network: 0.61, memory: 0 })).nodeType).toBe("cache.r7g.xlarge");
    expect(sizeRedis(loadOf({ engine: 0, network: 0, memory: 0.61 })).nodeType).toBe("cache.r7g.xlarge");
    const sized = sizeRedis(loadOf({ engine: 0.2, network: 0.3, memory: 0.4 }), 0.3);
    expect(sized.nodeType).toBe("cache.r7g.xlarge");
    expect(sized.utilisation.memory).toBeCloseTo((0.4 * 13.07) / 26.32, 9);
    expect(sized.utilisation.network).toBeCloseTo((0.3 * 0.937) / 1.876, 9);
  });

  it("says in the refusal how many commands, at what target, and what the largest type is planned for", () => {
    const huge = redisLoad([{ ...region, participants: 1_000_000 }]);
    expect(() => sizeRedis(huge)).toThrow(
      `redis.nodeType: no node type carries ${Math.round(huge.commandsPerSecond)} commands/s at 60% (the largest, cache.r7g.8xlarge, is planned for 400000): split the regions into smaller hubs or run them regional, got "cache.r7g.8xlarge"`,
    );
  });

  it("plans each type's engine from where TLS runs: 50,000 commands/s on the engine thread, twice that offloaded, scaled with the I/O threads up to 400,000", () => {
    for (const [name, type] of Object.entries(CACHE_NODE_TYPES)) {
      const planned = type.tlsOffload ? Math.min(400_000, (100_000 * type.vcpu) / 4) : 50_000;
      expect([name, type.engineCommandsPerSecond]).toEqual([name, planned]);
    }
    // AWS "Supported node types": r7g.large has no TLS offloading, r7g.xlarge and up have it.
    expect(Object.values(CACHE_NODE_TYPES).map((t) => t.tlsOffload)).toEqual([false, true, true, true, true]);
  });
});
