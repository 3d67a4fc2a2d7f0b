/**
 * From a region's stated demand to its sizes (stacks/sizing.ts `sizeRegion`): the model's sizes, sizes set by
 * hand and the line each one reports, the hand-set sizes that contradict what the region must run, the Redis it
 * runs (own, a hub's or none), global rooms' SFU floor, and a region stack's settings sized.
 */
import { GLOBAL_ROOMS_RAMP_SHARE, parseRoomMix, ROOM_FIT_CEILING } from "../../lib/capacity";
import { CACHE_NODE_TYPES, redisLoad, redisUtilisation, sizeRedis } from "../../lib/capacity/redis";
import { InputError } from "../../lib/errors";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseStackConfig, RegionSettings } from "../../stacks/config";
import { globalRoomsFloor, RegionSizing, sizedRegion, sizeRegion, SizingSettings } from "../../stacks/sizing";
import { stackConfig } from "../support/stack-config";

/** A region of 25,000 participants in the mixed preset on c6i.2xlarge, nothing set by hand. */
const base = (): SizingSettings => ({
  capacity: {
    targetParticipants: 25_000,
    mix: parseRoomMix("mixed"),
    targetUtilisation: 0.6,
    recordingShare: 0.05,
    egressNodeType: "c6i.4xlarge",
  },
  turn: { relayPortRange: { start: 40000, end: 49999 } },
  sfuNodes: { instanceType: "c6i.2xlarge" },
  karpenter: {},
});

/** `base()` with some parts replaced. */
const sized = (change: (s: SizingSettings) => void = () => {}): RegionSizing => {
  const settings = base();
  change(settings);
  return sizeRegion(settings);
};

/** The one line a region's settings stop with. */
const lineOf = (change: (s: SizingSettings) => void): string => {
  try {
    sized(change);
    return "ok";
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
};

const model = sized();
const { plan } = model;

describe("the model's sizes", () => {
  it("are the node group's, the autoscalers' and the LiveKit pod's, with nothing reported as set by hand", () => {
    expect(model.sfuNodes).toEqual({ min: plan.managedNodeGroup.minSize, max: plan.managedNodeGroup.maxSize });
    expect(model.sfuAutoscaling).toEqual({
      minReplicas: plan.managedNodeGroup.minSize,
      maxReplicas: plan.managedNodeGroup.maxSize,
      targetCpuUtilizationPercent: plan.hpa.targetCpuUtilizationPercent,
    });
    expect(model.sfuPodCpuMillis).toBe(plan.sfuPod.cpuRequestMillicores);
    expect(model.media).toEqual({ livekit: plan.livekitServer, turn: plan.turn });
    expect(model.egressAutoscaling).toEqual({ ...plan.egress.hpa, idlePods: plan.egress.idlePods });
    expect(model.overrides).toEqual([]);
    expect(model.cost).toBeUndefined();
  });

  it("limit Karpenter to max SFU nodes plus the peak's draining ones, and egress to the model's", () => {
    expect(model.karpenterCpuLimits).toEqual({
      sfu: (plan.managedNodeGroup.maxSize + plan.sfu.peakNodes) * 8,
      egress: plan.karpenter.egressCpuLimit,
    });
    // A max below the peak (the model's peak is 5 here) drains no more nodes than max.
    const few = sized((s) => {
      s.capacity.targetParticipants = 1_000;
      s.sfuNodes.max = few_max;
    });
    expect(few.karpenterCpuLimits.sfu).toBe((few_max + few_max) * 8);
  });

  it("plan for every room of every kind and the target's participants: what the capacity alerts compare with", () => {
    expect(model.planned).toEqual({
      rooms: plan.kinds.reduce((sum, k) => sum + k.rooms, 0),
      participants: 25_000,
    });
    expect(model.planned.rooms).toBeGreaterThan(plan.kinds.length);
  });

  it("name the config key of a model input the model refuses", () => {
    expect(lineOf((s) => (s.sfuNodes.instanceType = "c6i.large"))).toMatch(
      /^livekit-platform:cluster\.sfuNodes\.instanceType: /,
    );
    expect(
      lineOf(
        (s) => (s.capacity.mix = parseRoomMix({ kinds: [{ kind: "livestream", share: 1, subscribers: 20_000 }] })),
      ),
    ).toMatch(/^livekit-platform:capacity\.mix: room kind "livestream" .* is too large for one node/);
    expect(lineOf((s) => (s.capacity.maxSfuNodes = 10))).toMatch(/^livekit-platform:capacity\.maxSfuNodes: /);
  });

  it("count the system nodes at their max against the vCPU quota", () => {
    const quota = plan.managedNodeGroup.maxSize * 8 + plan.karpenter.egressCpuLimit;
    const withSystem = (max: number) => (s: SizingSettings) => {
      s.capacity.vcpuQuota = quota + 4 * 3;
      s.cost = { ...costSettings, systemNodes: { instanceType: "m6i.xlarge", min: 1, max } };
    };
    expect(lineOf(withSystem(3))).toBe("ok");
    expect(lineOf(withSystem(4))).toMatch(/^livekit-platform:capacity\.vcpuQuota: /);
  });

  it("are x86_64 only: an arm64 SFU or egress node type stops under its own key", () => {
    expect(lineOf((s) => (s.sfuNodes.instanceType = "c7g.2xlarge"))).toBe(
      'livekit-platform:cluster.sfuNodes.instanceType: is an arm64 (Graviton) type: the images have arm64 builds, but the stacks build x86_64 nodes only (compare it with npm run capacity), got "c7g.2xlarge"',
    );
    expect(lineOf((s) => (s.capacity.egressNodeType = "c7g.4xlarge"))).toMatch(
      /^livekit-platform:capacity\.egressNodeType: is an arm64 \(Graviton\) type/,
    );
  });
});

const few_max = 3;
const costSettings: NonNullable<SizingSettings["cost"]> = {
  awsRegion: "ap-south-1",
  peakHoursPerDay: 8,
  offPeakShare: 0.3,
  weekendShare: 1,
  daysPerMonth: 30.42,
  recordingDownloads: 1,
  savingsPlanDiscount: 0,
  egressSpotShare: 0,
  availabilityZones: 2,
  natGateways: 2,
  systemNodes: { instanceType: "m6i.xlarge", min: 2, max: 3 },
  recordingRetentionDays: 30,
  prometheusVolumeGiB: 50,
  flowLogRetentionDays: 90,
};

describe("sizes set by hand", () => {
  it("win, each reported in one line beside the model's size; one equal to the model's is no override", () => {
    const peak = plan.sfu.peakNodes;
    const hand = sized((s) => {
      s.sfuNodes.min = 3;
      s.sfuNodes.max = peak + 10;
      s.karpenter.sfuCpuLimit = 4000;
      s.karpenter.egressCpuLimit = 2000;
      s.turn.totalQuota = 9000;
    });
    expect(hand.sfuNodes).toEqual({ min: 3, max: peak + 10 });
    expect(hand.sfuAutoscaling).toMatchObject({ minReplicas: 3, maxReplicas: peak + 10 });
    expect(hand.karpenterCpuLimits).toEqual({ sfu: 4000, egress: 2000 });
    expect(hand.media.turn.totalQuota).toBe(9000);
    expect(hand.overrides).toEqual([
      `cluster.sfuNodes.min = 3 (the capacity model says ${plan.managedNodeGroup.minSize})`,
      `cluster.sfuNodes.max = ${peak + 10} (the capacity model says ${plan.managedNodeGroup.maxSize})`,
      `turn.totalQuota = 9000 (the capacity model says ${plan.turn.totalQuota})`,
      `karpenter.sfuCpuLimit = 4000 (the capacity model says ${(peak + 10 + peak) * 8})`,
      `karpenter.egressCpuLimit = 2000 (the capacity model says ${model.karpenterCpuLimits.egress})`,
    ]);
    const same = sized((s) => {
      s.sfuNodes.min = plan.managedNodeGroup.minSize;
      s.karpenter.sfuCpuLimit = model.karpenterCpuLimits.sfu;
    });
    expect(same.overrides).toEqual([]);
  });

  it("keep min at or below max, naming the one set by hand", () => {
    const { minSize, maxSize } = plan.managedNodeGroup;
    expect(lineOf((s) => (s.sfuNodes.min = maxSize + 1))).toBe(
      `livekit-platform:cluster.sfuNodes.min: must leave min (${maxSize + 1}) at or below max (${maxSize}), got ${maxSize + 1}`,
    );
    expect(lineOf((s) => (s.sfuNodes.min = maxSize))).toBe("ok");
    // A max below the model's min, at the peak: the max is the one set by hand.
    const small = (s: SizingSettings) => {
      s.capacity.targetParticipants = 100;
      s.sfuNodes.max = 1;
    };
    expect(lineOf(small)).toBe("livekit-platform:cluster.sfuNodes.max: must leave min (2) at or below max (1), got 1");
    expect(minSize).toBeLessThan(maxSize);
  });

  it("keep the SFU NodePool's CPU limit at or above the floor LiveKit's autoscaler keeps", () => {
    const floorCpu = plan.managedNodeGroup.minSize * 8;
    expect(lineOf((s) => (s.karpenter.sfuCpuLimit = floorCpu - 1))).toBe(
      `livekit-platform:karpenter.sfuCpuLimit: must be at least ${floorCpu} vCPU, the SFU floor (${plan.managedNodeGroup.minSize} nodes of 8 vCPU, c6i.2xlarge) that LiveKit's autoscaler keeps running; Karpenter launches every SFU node and no more than the limit, got ${floorCpu - 1}`,
    );
    expect(lineOf((s) => (s.karpenter.sfuCpuLimit = floorCpu))).toBe("ok");
  });

  it("keep the egress NodePool's CPU limit at or above the nodes its idle pods need", () => {
    const { minReplicas } = plan.egress.hpa;
    const nodes = Math.ceil(minReplicas / plan.egress.podsPerNode);
    const floorCpu = nodes * 16;
    expect(lineOf((s) => (s.karpenter.egressCpuLimit = floorCpu - 1))).toBe(
      `livekit-platform:karpenter.egressCpuLimit: must be at least ${floorCpu} vCPU, the recorder floor (${minReplicas} idle egress pods, ${plan.egress.podsPerNode} per c6i.4xlarge of 16 vCPU: ${nodes} nodes), got ${floorCpu - 1}`,
    );
    expect(lineOf((s) => (s.karpenter.egressCpuLimit = floorCpu))).toBe("ok");
  });

  it("keep max SFU nodes at or above the peak the model plans", () => {
    const peak = plan.sfu.peakNodes;
    expect(lineOf((s) => (s.sfuNodes.max = peak - 1))).toBe(
      `livekit-platform:cluster.sfuNodes.max: must be at least the ${peak} SFU nodes the capacity model plans at peak for capacity.targetParticipants 25000 (lower targetParticipants to plan a smaller region), got ${peak - 1}`,
    );
    expect(lineOf((s) => (s.sfuNodes.max = peak))).toBe("ok");
  });

  it("keep Coturn's quota at or above the allocations of a node's participants at peak", () => {
    const allocations = plan.turn.participantsPerNode * 4;
    expect(lineOf((s) => (s.turn.totalQuota = allocations - 1))).toBe(
      `livekit-platform:turn.totalQuota: must be at least ${allocations}, the allocations of a Coturn node's participants at peak (${plan.turn.participantsPerNode} x 4); below it Coturn refuses relays at peak, got ${allocations - 1}`,
    );
    expect(lineOf((s) => (s.turn.totalQuota = allocations))).toBe("ok");
  });

  it("leave a quota set by hand above the relay range to the operator", () => {
    const hand = sized((s) => {
      s.turn.relayPortRange = { start: 40000, end: 40999 };
      s.turn.totalQuota = 5000;
    });
    expect(hand.media.turn.totalQuota).toBe(5000);
  });

  it("need a relay port per allocation of the model's quota, one port more or less deciding", () => {
    const quota = plan.turn.totalQuota;
    expect(lineOf((s) => (s.turn.relayPortRange = { start: 40000, end: 40000 + quota - 1 }))).toBe("ok");
    expect(lineOf((s) => (s.turn.relayPortRange = { start: 40000, end: 40000 + quota - 2 }))).toMatch(
      new RegExp(`^livekit-platform:turn\\.relayPortRange: holds ${quota - 1} relay ports, fewer than the ${quota} `),
    );
  });
});

describe("the Redis a region runs", () => {
  const demand = {
    participants: 25_000,
    rooms: model.planned.rooms,
    sfuNodes: plan.managedNodeGroup.maxSize,
    egressPods: plan.egress.hpa.maxReplicas,
  };

  it("is its own by default: two nodes of the model's type for the region's demand at its ceilings", () => {
    expect(model.redis).toEqual({ ...sizeRedis(redisLoad([demand])), nodeCount: 2, demand });
  });

  it("counts the SFU nodes a max set by hand allows", () => {
    const hand = sized((s) => (s.sfuNodes.max = plan.managedNodeGroup.maxSize + 7));
    expect(hand.redis.demand.sfuNodes).toBe(plan.managedNodeGroup.maxSize + 7);
  });

  it("is none for a global rooms member, which uses its hub's, and carries the members' load on a hub", () => {
    const member = sized((s) => (s.rooms = { role: "member" }));
    expect(member.redis).toEqual({ nodeCount: 0, demand });
    const members = [{ participants: 30_000, rooms: 4_000, sfuNodes: 200, egressPods: 100 }];
    const hub = sized((s) => (s.rooms = { role: "hub", members }));
    expect("load" in hub.redis && hub.redis.load).toEqual(redisLoad([demand, ...members]));
  });

  it("takes a larger type set by hand, reported, with that type's utilisation", () => {
    const hand = sized((s) => (s.redis = { nodeType: "cache.r7g.2xlarge", nodeCount: 3 }));
    expect(hand.redis).toMatchObject({ nodeType: "cache.r7g.2xlarge", nodeCount: 3 });
    expect("utilisation" in hand.redis && hand.redis.utilisation).toEqual(
      redisUtilisation(CACHE_NODE_TYPES["cache.r7g.2xlarge"], redisLoad([demand])),
    );
    expect(hand.overrides).toEqual([
      `redis.nodeType = cache.r7g.2xlarge (the capacity model says ${sizeRedis(redisLoad([demand])).nodeType})`,
    ]);
    expect(
      sized((s) => (s.redis = { nodeType: sizeRedis(redisLoad([demand])).nodeType, nodeCount: 2 })).overrides,
    ).toEqual([]);
  });

  it("refuses a type set by hand that the load would run past 100%, and a type the model does not describe", () => {
    const members = [{ participants: 40_000, rooms: 5_000, sfuNodes: 100, egressPods: 100 }];
    const load = redisLoad([demand, ...members]);
    const engine = Math.round(redisUtilisation(CACHE_NODE_TYPES["cache.r7g.large"], load).engine * 100);
    expect(engine).toBeGreaterThan(100);
    expect(
      lineOf((s) => {
        s.rooms = { role: "hub", members };
        s.redis = { nodeType: "cache.r7g.large", nodeCount: 2 };
      }),
    ).toBe(
      `livekit-platform:redis.nodeType: is too small for the region's Redis load: its engine would run at ${engine}% at peak (the capacity model chooses ${sizeRedis(load).nodeType}); remove the override or choose a larger type, got "cache.r7g.large"`,
    );
    expect(lineOf((s) => (s.redis = { nodeType: "cache.m7g.large", nodeCount: 2 }))).toBe(
      `livekit-platform:redis.nodeType: is not a node type the capacity model describes (${Object.keys(CACHE_NODE_TYPES).join(", ")}), got "cache.m7g.large"`,
    );
  });

  it("refuses a type set by hand past 100% even where no type carries the load at the target", () => {
    // 300,000 participants: above 60% of the largest type's engine, and six times what a large's carries.
    const members = [{ participants: 275_000, rooms: 30_000, sfuNodes: 1000, egressPods: 300 }];
    const hub = (nodeType: string) => (s: SizingSettings) => {
      s.rooms = { role: "hub", members };
      s.redis = { nodeType, nodeCount: 2 };
    };
    expect(lineOf(hub("cache.r7g.large"))).toMatch(
      /^livekit-platform:redis\.nodeType: is too small for the region's Redis load: its engine would run at \d{3}% at peak \(no node type carries it at 60%\); remove the override or choose a larger type, got "cache\.r7g\.large"$/,
    );
    // The largest type runs it below 100%: the operator's call, reported as set by hand.
    const largest = sized(hub("cache.r7g.8xlarge"));
    // Its binding is the resource it uses most: the engine, as for every type here.
    expect(largest.redis).toMatchObject({ nodeType: "cache.r7g.8xlarge", nodeCount: 2, binding: "engine" });
    expect(largest.overrides).toEqual(["redis.nodeType = cache.r7g.8xlarge (no node type carries the load at 60%)"]);
  });

  it("stops a load no type carries under redis.nodeType", () => {
    const members = [{ participants: 2_000_000, rooms: 200_000, sfuNodes: 8000, egressPods: 300 }];
    expect(lineOf((s) => (s.rooms = { role: "hub", members }))).toMatch(
      /^livekit-platform:redis\.nodeType: no node type carries \d+ commands\/s at 60%/,
    );
  });

  it("bills the model's type, and no Redis node-hours for a member, which runs none", () => {
    const members = [{ participants: 40_000, rooms: 5_000, sfuNodes: 100, egressPods: 100 }];
    const redisLine = (r: RegionSizing) => {
      if (r.cost === undefined || "unavailable" in r.cost) throw new Error("no estimate");
      return r.cost.lines.find((l) => l.group === "elasticache")!;
    };
    const hub = sized((s) => {
      s.rooms = { role: "hub", members };
      s.cost = costSettings;
    });
    expect(hub.redis).toMatchObject({ nodeType: "cache.r7g.2xlarge" });
    expect(redisLine(hub).item).toBe("cache.r7g.2xlarge node-hours");
    const member = sized((s) => {
      s.rooms = { role: "member" };
      s.cost = costSettings;
    });
    expect(redisLine(member).quantity).toBe(0);
  });

  it("bills the type the region runs, and the hub's type for a member", () => {
    const hand = sized((s) => {
      s.redis = { nodeType: "cache.r7g.2xlarge", nodeCount: 3 };
      s.cost = costSettings;
    });
    const line = (r: RegionSizing) => {
      if (r.cost === undefined || "unavailable" in r.cost) throw new Error("no estimate");
      return r.cost.lines.find((l) => l.item.includes("cache.r7g"));
    };
    expect(line(hand)?.item).toContain("cache.r7g.2xlarge");
    expect(line(hand)?.quantity).toBeGreaterThan(0);
  });
});

describe("the SFU floor in global rooms mode", () => {
  it("holds the ramp's share of the peak below the load limit, within the node group's bounds", () => {
    const ramp = Math.ceil((plan.sfu.peakNodes * GLOBAL_ROOMS_RAMP_SHARE * 0.6) / ROOM_FIT_CEILING - 1e-9);
    expect(globalRoomsFloor(plan)).toBe(
      Math.min(plan.managedNodeGroup.maxSize, Math.max(plan.managedNodeGroup.minSize, ramp)),
    );
    // 65 peak nodes: a ramp of half the peak at 60% needs 22 nodes at the 90% ceiling, above the 30% base share's 20.
    expect([plan.sfu.peakNodes, plan.managedNodeGroup.minSize, globalRoomsFloor(plan)]).toEqual([65, 20, 22]);
    const member = sized((s) => (s.rooms = { role: "member" }));
    expect(member.sfuNodes.min).toBe(globalRoomsFloor(plan));
  });

  it("is an exact count when the ramp fills whole nodes, and never above max nor below min", () => {
    const at = (peakNodes: number, minSize: number, maxSize: number) =>
      globalRoomsFloor({
        ...plan,
        targetUtilisation: 0.6,
        sfu: { ...plan.sfu, peakNodes },
        managedNodeGroup: { minSize, desiredSize: minSize, maxSize },
      });
    // 30 x 0.5 x 0.6 / 0.9 = 10 exactly: no eleventh node for float noise.
    expect(at(30, 2, 100)).toBe(10);
    expect(at(31, 2, 100)).toBe(11);
    expect(at(30, 12, 100)).toBe(12);
    expect(at(30, 2, 8)).toBe(8);
  });
});

describe("a region stack's settings, sized", () => {
  const mumbai = parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionSettings;
  const estimate = (r: RegionSizing) => {
    if (r.cost === undefined || "unavailable" in r.cost) throw new Error("no estimate");
    return r.cost;
  };
  const quantity = (r: RegionSizing, item: string) => estimate(r).lines.find((l) => l.item.startsWith(item))!.quantity;

  it("bill the stack's Prometheus volume, recording retention and system nodes at their min", () => {
    const region = sizedRegion(mumbai).sizing;
    const bigger = sizedRegion({ ...mumbai, monitoring: { ...mumbai.monitoring, volumeSize: "300Gi" } }).sizing;
    expect(quantity(bigger, "gp3") - quantity(region, "gp3")).toBeCloseTo(200, 6);
    const system = mumbai.cluster.systemNodes;
    expect(quantity(region, `${system.instanceType} node-hours`)).toBeCloseTo(system.min * 24 * 30.42, 6);
    const kept = (days: number) =>
      quantity(
        sizedRegion({ ...mumbai, egress: { ...mumbai.egress, recordingRetentionDays: days } }).sizing,
        "S3 Standard",
      );
    expect(kept(15)).toBeCloseTo(kept(30) / 2, 6);
  });

  it("run no Redis in a global rooms member, and the hub's own in the hub", () => {
    const global = (hub: string) => ({ ...mumbai, rooms: { ...mumbai.rooms, mode: "global" as const, hub } });
    expect(sizedRegion(global("singapore")).sizing.redis.nodeCount).toBe(0);
    expect(sizedRegion(global("mumbai")).sizing.redis.nodeCount).toBe(mumbai.redis.nodeCount);
    expect(sizedRegion(mumbai).sizing.redis.nodeCount).toBe(mumbai.redis.nodeCount);
    // A member's floor holds the ramp of global rooms; a regional stack's is the model's.
    const plan = sizedRegion(mumbai).sizing.plan;
    expect(sizedRegion(global("singapore")).sizing.sfuNodes.min).toBe(globalRoomsFloor(plan));
    expect(sizedRegion(mumbai).sizing.sfuNodes.min).toBe(plan.managedNodeGroup.minSize);
  });

  it("stop on a price file that is missing or no JSON, naming the file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lk-sizing-"));
    const missing = path.join(dir, "none.json");
    const withFile = (priceFile: string) => ({ ...mumbai, cost: { ...mumbai.cost, priceFile } });
    expect(() => sizedRegion(withFile(missing))).toThrow(
      `livekit-platform:cost.priceFile: no such file, got ${JSON.stringify(missing)}`,
    );
    const broken = path.join(dir, "broken.json");
    fs.writeFileSync(broken, "{ nope");
    expect(() => sizedRegion(withFile(broken))).toThrow(
      /^livekit-platform:cost\.priceFile: not valid JSON \(.+\), got ".*broken\.json"$/,
    );
  });
});
