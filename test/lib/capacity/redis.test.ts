import {
  CACHE_NODE_TYPES,
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
});
