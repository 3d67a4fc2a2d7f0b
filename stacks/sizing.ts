/**
 * From a region's stated demand to its sizes. The stack file says how many participants the region
 * carries at peak and what rooms they are in; the capacity model (lib/capacity/index.ts) turns that into the
 * SFU node group's bounds, the Karpenter limits and the autoscalers' bounds. A size set by hand in the
 * stack file wins, and is reported, so a reviewer sees where the stack departs from the model. What the
 * model refuses is an InputError under the config key the stack file sets it with.
 *
 * Sizing is the step after reading the settings (stacks/config/): `sizedRegion` gives a region's settings with
 * the sizes they ask for, and the region stack builds what both say.
 */
import * as fs from "fs";
import * as path from "path";
import {
  CapacityPlan,
  checkSanityBounds,
  costDrivers,
  CostEstimate,
  estimateCost,
  GLOBAL_ROOMS_RAMP_SHARE,
  PINNED_PRICES,
  ROOM_FIT_CEILING,
  planCapacity,
  TURN_ALLOCATION_MARGIN,
  TURN_ALLOCATIONS_PER_PARTICIPANT,
  withPriceOverride,
} from "../lib/capacity";
import {
  CACHE_NODE_TYPES,
  RedisDemand,
  redisLoad,
  RedisSizing,
  REDIS_TARGET_UTILISATION,
  redisUtilisation,
  sizeRedis,
} from "../lib/capacity/redis";
import { InputError } from "../lib/errors";
import type { RoomMix } from "../lib/capacity/room-mix";
import { archOf, INSTANCE_TYPES, NODE_DAEMONSET_MEMORY_MIB, workloadMemoryMiB } from "../lib/instance-types";
import { COTURN_RESOURCES } from "../components/coturn/defaults";
import { coturnPodMemoryRequestMiB } from "../components/coturn/pod";
import { LIVEKIT_MEMORY } from "../components/livekit/defaults";
import { liveKitPodMemoryRequestMiB } from "../components/livekit/pod";
import type { RegionSettings } from "./config";
import { configKey } from "./config-key";

/** What the sizing reads from a region's (already validated) config. */
export interface SizingSettings {
  capacity: {
    targetParticipants: number;
    mix: RoomMix;
    targetUtilisation: number;
    recordingShare: number;
    egressNodeType: string;
    cpuEfficiency?: number;
    maxSfuNodes?: number;
    vcpuQuota?: number;
    turnRelayShare?: number;
  };
  /** Coturn's relay ports and, when set by hand, its allocation quota (otherwise the model's). */
  turn: { relayPortRange: { start: number; end: number }; totalQuota?: number };
  sfuNodes: { instanceType: string; min?: number; max?: number };
  karpenter: { sfuCpuLimit?: number; egressCpuLimit?: number };
  /** The Redis: a node type set by hand (else the model's), the replication group's nodes. */
  redis?: { nodeType?: string; nodeCount: number };
  /**
   * Global rooms mode: `member` uses the hub's Redis and runs none; `hub` carries its members' load too (their
   * demands listed here).
   */
  rooms?: { role: "member" } | { role: "hub"; members: RedisDemand[] };
  /** What the cost estimate needs beyond the plan; no estimate without it. */
  cost?: CostSettings;
}

export interface CostSettings {
  awsRegion: string;
  peakHoursPerDay: number;
  offPeakShare: number;
  weekendShare: number;
  daysPerMonth: number;
  recordingDownloads: number;
  savingsPlanDiscount: number;
  egressSpotShare: number;
  negotiatedDataTransferOutPerGiB?: number;
  /** JSON laid over the pinned prices, relative to the working directory (the project). */
  priceFile?: string;
  availabilityZones: number;
  natGateways: number;
  systemNodes: { instanceType: string; min: number; max: number };
  recordingRetentionDays: number;
  prometheusVolumeGiB: number;
  flowLogRetentionDays: number;
}

/** The monthly estimate in the region's `sizing` output, or why there is none (a price the table lacks). */
export type RegionCost =
  | (Pick<
      CostEstimate,
      | "awsRegion"
      | "currency"
      | "monthlyUsd"
      | "byGroup"
      | "estimate"
      | "usage"
      | "purchase"
      | "lines"
      | "notes"
      | "dataTransferOut"
      | "participantMinutes"
      | "recordingUsd"
      | "perParticipantMinute"
      | "managed"
    > & {
      drivers: ReturnType<typeof costDrivers>;
    })
  | { unavailable: string };

export interface RegionSizing {
  /** The model's whole answer, for the plan output. */
  plan: CapacityPlan;
  /** The `sfu` managed node group (desired = min). */
  sfuNodes: { min: number; max: number };
  /** LiveKit's HPA: one pod per SFU node. */
  sfuAutoscaling: { minReplicas: number; maxReplicas: number; targetCpuUtilizationPercent: number };
  /** LiveKit's CPU request: the node's CPU left after DaemonSets, Coturn and headroom (the HPA target is relative to it). */
  sfuPodCpuMillis: number;
  /**
   * livekit-server's placement, limits and room cap, and Coturn's limits, from the model: `turn.totalQuota` is
   * the one Coturn enforces (`turn.totalQuota` from the stack file when set).
   */
  media: { livekit: CapacityPlan["livekitServer"]; turn: CapacityPlan["turn"] };
  /** The egress pool's autoscaler: floor, ceiling and the idle pods it keeps. */
  egressAutoscaling: { minReplicas: number; maxReplicas: number; idlePods: number };
  /** Karpenter NodePool CPU limits (vCPU). */
  karpenterCpuLimits: { sfu: number; egress: number };
  /** What the region is planned for: the capacity alerts fire at 80% of these. */
  planned: { rooms: number; participants: number };
  /**
   * The Redis this region runs (none for a global-rooms member): the model's node type for the load of the
   * regions it carries, or the stack file's, and what that load is.
   */
  redis: (RedisSizing & { nodeCount: number; demand: RedisDemand }) | { nodeCount: 0; demand: RedisDemand };
  /** One line per size set by hand in the stack file rather than by the model. */
  overrides: string[];
  /** Monthly cost estimate (when cost settings were given). */
  cost?: RegionCost;
}

/** The stack config key of a capacity model input (`nodeType` is the SFU nodes' instance type). */
function configKeyOf(modelKey: string): string {
  return configKey(modelKey === "nodeType" ? ["cluster", "sfuNodes", "instanceType"] : ["capacity", modelKey]);
}

/** The stacks build x86_64 nodes (managed node groups' AMI, the NodePools' arch requirement). */
function requireAmd64(path: string[], type: string) {
  if (archOf(type) === "arm64")
    throw new InputError(
      configKey(path),
      "is an arm64 (Graviton) type: the images have arm64 builds, but the stacks build x86_64 nodes only (compare it with npm run capacity)",
      type,
    );
}

/**
 * Why an SFU node of `type` cannot hold its pods, or undefined when it can. It holds one LiveKit pod and one Coturn
 * pod beside the DaemonSets; the scheduler places a pod only where its memory request fits the node's allocatable
 * memory (kube-scheduler's NodeResourcesFit), so a type too small for both leaves every SFU pod Pending.
 */
export function sfuPodsFitProblem(type: string): string | undefined {
  const node = INSTANCE_TYPES[type];
  if (node === undefined) return undefined; // the capacity model refuses a type it has no facts for
  const livekit = liveKitPodMemoryRequestMiB({ memoryRequestMiB: LIVEKIT_MEMORY.requestMiB });
  const coturn = coturnPodMemoryRequestMiB(COTURN_RESOURCES);
  const left = workloadMemoryMiB(node);
  if (left >= livekit + coturn) return undefined;
  return `leaves ${left} MiB of memory for pods after the DaemonSets, less than the ${livekit + coturn} MiB the LiveKit pod (${livekit}) and the Coturn pod (${coturn}) request: the SFU pods would never be scheduled; choose a type with at least ${livekit + coturn + NODE_DAEMONSET_MEMORY_MIB} MiB allocatable`;
}

function requireSfuPodsFit(type: string) {
  const problem = sfuPodsFitProblem(type);
  if (problem !== undefined) throw new InputError(configKey(["cluster", "sfuNodes", "instanceType"]), problem, type);
}

function readPriceFile(file: string) {
  const key = configKey(["cost", "priceFile"]);
  const full = path.resolve(file);
  if (!fs.existsSync(full)) throw new InputError(key, "no such file", file);
  let override: unknown;
  try {
    override = JSON.parse(fs.readFileSync(full, "utf8"));
  } catch (e) {
    throw new InputError(key, `not valid JSON (${(e as Error).message})`, file);
  }
  try {
    return withPriceOverride(PINNED_PRICES, override, "price file");
  } catch (e) {
    // The value at fault is the file; what in it is wrong is the problem.
    if (e instanceof InputError) throw new InputError(key, `${e.key}: ${e.problem}`, file);
    throw e;
  }
}

/** The estimate; a price the table lacks leaves it unavailable (with the reason) rather than stopping the stack. */
function regionCost(plan: CapacityPlan, c: CostSettings, redis: { nodeType: string; nodeCount: number }): RegionCost {
  const prices = c.priceFile === undefined ? PINNED_PRICES : readPriceFile(c.priceFile);
  try {
    const e = estimateCost(plan, {
      awsRegion: c.awsRegion,
      prices,
      usage: {
        peakHoursPerDay: c.peakHoursPerDay,
        offPeakShare: c.offPeakShare,
        weekendShare: c.weekendShare,
        daysPerMonth: c.daysPerMonth,
        recordingDownloads: c.recordingDownloads,
      },
      purchase: { savingsPlanDiscount: c.savingsPlanDiscount, egressSpotShare: c.egressSpotShare },
      negotiatedDataTransferOutPerGiB: c.negotiatedDataTransferOutPerGiB,
      platform: {
        availabilityZones: c.availabilityZones,
        natGateways: c.natGateways,
        systemNodes: { instanceType: c.systemNodes.instanceType, count: c.systemNodes.min },
        redis,
        recordingRetentionDays: c.recordingRetentionDays,
        prometheusVolumeGiB: c.prometheusVolumeGiB,
        flowLogRetentionDays: c.flowLogRetentionDays,
      },
    });
    const { awsRegion, currency, monthlyUsd, byGroup, estimate, usage, purchase, lines, notes } = e;
    const { dataTransferOut, participantMinutes, recordingUsd, perParticipantMinute, managed } = e;
    return {
      awsRegion,
      currency,
      monthlyUsd,
      byGroup,
      estimate,
      usage,
      purchase,
      lines,
      notes,
      dataTransferOut,
      participantMinutes,
      recordingUsd,
      perParticipantMinute,
      managed,
      drivers: costDrivers(e),
    };
  } catch (e) {
    if (e instanceof InputError) return { unavailable: e.message };
    throw e;
  }
}

/**
 * The SFU floor in global rooms mode: enough nodes that GLOBAL_ROOMS_RAMP_SHARE of the peak fits below the
 * selector's load limit before new nodes arrive, so a ramp's rooms stay in their region. Peak nodes are sized
 * to run at the target utilisation; a node takes rooms up to ROOM_FIT_CEILING of its CPU (the rendered
 * `sysload_limit`), so each floor node holds ceiling / target of a peak node's load.
 */
export function globalRoomsFloor(plan: CapacityPlan): number {
  const rampNodes = Math.ceil(
    (plan.sfu.peakNodes * GLOBAL_ROOMS_RAMP_SHARE * plan.targetUtilisation) / ROOM_FIT_CEILING - 1e-9,
  );
  return Math.min(plan.managedNodeGroup.maxSize, Math.max(plan.managedNodeGroup.minSize, rampNodes));
}

/**
 * A size set by hand must not contradict what it overrides: it may move a bound, never below what the region
 * must run. Karpenter launches every SFU and egress node, and a NodePool launches no node past its `limits.cpu`
 * (karpenter-provider-aws v1.14.1 website/content/en/docs/concepts/nodepools.md:416-418, spec.limits): a limit below the autoscalers'
 * floors leaves floor pods Pending. An SFU ceiling below the peak the model plans cannot carry
 * capacity.targetParticipants, and a Coturn quota below the peak's allocations refuses relays at peak.
 */
function checkOverridesAgainstModel(settings: SizingSettings, plan: CapacityPlan, sfuFloor: number): void {
  const { sfuCpuLimit, egressCpuLimit } = settings.karpenter;
  const sfuFloorCpu = sfuFloor * plan.node.vcpu;
  if (sfuCpuLimit !== undefined && sfuCpuLimit < sfuFloorCpu) {
    throw new InputError(
      configKey(["karpenter", "sfuCpuLimit"]),
      `must be at least ${sfuFloorCpu} vCPU, the SFU floor (${sfuFloor} nodes of ${plan.node.vcpu} vCPU, ${plan.node.type}) that LiveKit's autoscaler keeps running; Karpenter launches every SFU node and no more than the limit`,
      sfuCpuLimit,
    );
  }
  const egressVcpu = INSTANCE_TYPES[plan.egress.nodeType].vcpu;
  const egressFloorNodes = Math.ceil(plan.egress.hpa.minReplicas / plan.egress.podsPerNode);
  const egressFloorCpu = egressFloorNodes * egressVcpu;
  if (egressCpuLimit !== undefined && egressCpuLimit < egressFloorCpu) {
    throw new InputError(
      configKey(["karpenter", "egressCpuLimit"]),
      `must be at least ${egressFloorCpu} vCPU, the recorder floor (${plan.egress.hpa.minReplicas} idle egress pods, ${plan.egress.podsPerNode} per ${plan.egress.nodeType} of ${egressVcpu} vCPU: ${egressFloorNodes} nodes)`,
      egressCpuLimit,
    );
  }
  const sfuMax = settings.sfuNodes.max;
  if (sfuMax !== undefined && sfuMax < plan.sfu.peakNodes) {
    throw new InputError(
      configKey(["cluster", "sfuNodes", "max"]),
      `must be at least the ${plan.sfu.peakNodes} SFU nodes the capacity model plans at peak for capacity.targetParticipants ${plan.targetParticipants} (lower targetParticipants to plan a smaller region)`,
      sfuMax,
    );
  }
  const quota = settings.turn.totalQuota;
  const peakAllocations = plan.turn.participantsPerNode * TURN_ALLOCATIONS_PER_PARTICIPANT;
  if (quota !== undefined && quota < peakAllocations) {
    throw new InputError(
      configKey(["turn", "totalQuota"]),
      `must be at least ${peakAllocations}, the allocations of a Coturn node's participants at peak (${plan.turn.participantsPerNode} x ${TURN_ALLOCATIONS_PER_PARTICIPANT}); below it Coturn refuses relays at peak`,
      quota,
    );
  }
}

export function sizeRegion(settings: SizingSettings): RegionSizing {
  requireAmd64(["cluster", "sfuNodes", "instanceType"], settings.sfuNodes.instanceType);
  requireAmd64(["capacity", "egressNodeType"], settings.capacity.egressNodeType);
  requireSfuPodsFit(settings.sfuNodes.instanceType);
  let plan: CapacityPlan;
  try {
    plan = planCapacity({
      targetParticipants: settings.capacity.targetParticipants,
      mix: settings.capacity.mix,
      nodeType: settings.sfuNodes.instanceType,
      targetUtilisation: settings.capacity.targetUtilisation,
      recordingShare: settings.capacity.recordingShare,
      egressNodeType: settings.capacity.egressNodeType,
      cpuEfficiency: settings.capacity.cpuEfficiency,
      turnRelayShare: settings.capacity.turnRelayShare,
    });
    const system = settings.cost?.systemNodes;
    checkSanityBounds(plan, {
      maxSfuNodes: settings.capacity.maxSfuNodes,
      vcpuQuota: settings.capacity.vcpuQuota,
      systemNodes: system && { count: system.max, vcpu: INSTANCE_TYPES[system.instanceType]?.vcpu ?? 0 },
    });
  } catch (e) {
    if (e instanceof InputError) throw e.rekey(configKeyOf);
    throw e;
  }

  const overrides: string[] = [];
  const pick = (key: string, given: number | undefined, modelled: number): number => {
    if (given === undefined || given === modelled) return modelled;
    overrides.push(`${key} = ${given} (the capacity model says ${modelled})`);
    return given;
  };
  const sfuMin = pick(
    "cluster.sfuNodes.min",
    settings.sfuNodes.min,
    settings.rooms === undefined ? plan.managedNodeGroup.minSize : globalRoomsFloor(plan),
  );
  const sfuMax = pick("cluster.sfuNodes.max", settings.sfuNodes.max, plan.managedNodeGroup.maxSize);
  if (sfuMin > sfuMax) {
    const key = configKey(["cluster", "sfuNodes", settings.sfuNodes.min !== undefined ? "min" : "max"]);
    throw new InputError(
      key,
      `must leave min (${sfuMin}) at or below max (${sfuMax})`,
      settings.sfuNodes.min ?? settings.sfuNodes.max,
    );
  }
  checkOverridesAgainstModel(settings, plan, sfuMin);
  const totalQuota = pick("turn.totalQuota", settings.turn.totalQuota, plan.turn.totalQuota);
  const relay = settings.turn.relayPortRange;
  const relayPorts = relay.end - relay.start + 1;
  if (settings.turn.totalQuota === undefined && totalQuota > relayPorts) {
    // Each allocation takes one relay port; past the range coturn answers 508 instead of relaying.
    throw new InputError(
      configKey(["turn", "relayPortRange"]),
      `holds ${relayPorts} relay ports, fewer than the ${totalQuota} allocations the capacity model plans per Coturn node (${plan.turn.participantsPerNode} participants at peak x ${TURN_ALLOCATIONS_PER_PARTICIPANT} allocations x ${TURN_ALLOCATION_MARGIN}): widen it, or set turn.totalQuota to at most ${relayPorts}`,
      relay,
    );
  }
  const nodeVcpu = plan.node.vcpu;
  const planned = {
    rooms: plan.kinds.reduce((sum, kind) => sum + kind.rooms, 0),
    participants: plan.targetParticipants,
  };
  // What this region puts on the Redis it uses (its own, or the hub's).
  const demand: RedisDemand = {
    participants: planned.participants,
    rooms: planned.rooms,
    sfuNodes: sfuMax,
    egressPods: plan.egress.hpa.maxReplicas,
  };
  const redisSettings = settings.redis ?? { nodeCount: 2 };
  if (redisSettings.nodeType !== undefined && CACHE_NODE_TYPES[redisSettings.nodeType] === undefined) {
    // Its network baseline sets an alarm's threshold: only a type the model describes.
    throw new InputError(
      configKey(["redis", "nodeType"]),
      `is not a node type the capacity model describes (${Object.keys(CACHE_NODE_TYPES).join(", ")})`,
      redisSettings.nodeType,
    );
  }
  let redis: RegionSizing["redis"] = { nodeCount: 0, demand };
  if (settings.rooms?.role !== "member") {
    const load = redisLoad([demand, ...(settings.rooms?.role === "hub" ? settings.rooms.members : [])]);
    // The model's type; none when no type carries the load at the target, which only a type set by hand may run.
    let modelled: RedisSizing | undefined;
    try {
      modelled = sizeRedis(load);
    } catch (e) {
      if (!(e instanceof InputError) || redisSettings.nodeType === undefined) {
        throw e instanceof InputError ? e.rekey(() => configKey(["redis", "nodeType"])) : e;
      }
    }
    const nodeType = redisSettings.nodeType ?? modelled!.nodeType;
    // The utilisation of the type the region runs, which is the stack file's when it sets one.
    const utilisation = redisUtilisation(CACHE_NODE_TYPES[nodeType], load);
    const resources = Object.keys(utilisation) as (keyof typeof utilisation)[];
    if (nodeType !== modelled?.nodeType) {
      const model = modelled
        ? `the capacity model chooses ${modelled.nodeType}`
        : `no node type carries it at ${REDIS_TARGET_UTILISATION * 100}%`;
      const full = resources.find((r) => utilisation[r] > 1);
      if (full !== undefined) {
        // Past its engine, baseline network or memory the node refuses or sheds the load: not a choice to make.
        throw new InputError(
          configKey(["redis", "nodeType"]),
          `is too small for the region's Redis load: its ${full} would run at ${Math.round(utilisation[full] * 100)}% at peak (${model}); remove the override or choose a larger type`,
          nodeType,
        );
      }
      overrides.push(
        `redis.nodeType = ${nodeType} (${modelled ? `the capacity model says ${modelled.nodeType}` : `no node type carries the load at ${REDIS_TARGET_UTILISATION * 100}%`})`,
      );
    }
    // No model: the resource the type set by hand uses most.
    const binding = modelled?.binding ?? resources.reduce((a, b) => (utilisation[b] > utilisation[a] ? b : a));
    redis = { nodeType, load, utilisation, binding, nodeCount: redisSettings.nodeCount, demand };
  }
  return {
    plan,
    sfuNodes: { min: sfuMin, max: sfuMax },
    // One LiveKit pod per node: the autoscaler's bounds are the node group's.
    sfuAutoscaling: {
      minReplicas: sfuMin,
      maxReplicas: sfuMax,
      targetCpuUtilizationPercent: plan.hpa.targetCpuUtilizationPercent,
    },
    sfuPodCpuMillis: plan.sfuPod.cpuRequestMillicores,
    media: { livekit: plan.livekitServer, turn: { ...plan.turn, totalQuota } },
    egressAutoscaling: { ...plan.egress.hpa, idlePods: plan.egress.idlePods },
    karpenterCpuLimits: {
      // Max nodes plus the peak's (never more than max), which a rollout at peak leaves draining for up to 5 h.
      sfu: pick(
        "karpenter.sfuCpuLimit",
        settings.karpenter.sfuCpuLimit,
        (sfuMax + Math.min(plan.sfu.peakNodes, sfuMax)) * nodeVcpu,
      ),
      egress: pick("karpenter.egressCpuLimit", settings.karpenter.egressCpuLimit, plan.karpenter.egressCpuLimit),
    },
    planned,
    redis,
    overrides,
    ...(settings.cost
      ? {
          cost: regionCost(plan, settings.cost, {
            nodeType: "nodeType" in redis ? redis.nodeType : (redisSettings.nodeType ?? "cache.r7g.large"),
            nodeCount: redis.nodeCount,
          }),
        }
      : {}),
  };
}

/** A region's settings and the sizes they ask for: what the region stack builds. */
export interface SizedRegion {
  settings: RegionSettings;
  sizing: RegionSizing;
}

/**
 * Sizes a region from its settings; a demand the model cannot place (a room larger than a node) is an InputError.
 * A global-rooms member runs no Redis of its own (it shares the hub's): none in its cost either. The hub's Redis
 * is sized for its members too once the region stack has read their files (stacks/rooms.ts hubSizing).
 */
export function sizedRegion(settings: RegionSettings): SizedRegion {
  const member = settings.rooms.mode === "global" && settings.rooms.hub !== settings.stackName;
  return { settings, sizing: regionSizing(settings, member ? { role: "member" } : undefined) };
}

/** The region's sizes, in global rooms mode for its part there (`rooms`). */
export function regionSizing(settings: RegionSettings, rooms?: SizingSettings["rooms"]): RegionSizing {
  return sizeRegion({
    capacity: settings.capacity,
    turn: settings.turn,
    sfuNodes: settings.cluster.sfuNodes,
    karpenter: settings.karpenter,
    redis: settings.redis,
    rooms,
    cost: {
      ...settings.cost,
      awsRegion: settings.awsRegion,
      availabilityZones: settings.network.availabilityZones,
      natGateways: settings.network.natGateways === "single" ? 1 : settings.network.availabilityZones,
      systemNodes: settings.cluster.systemNodes,
      recordingRetentionDays: settings.egress.recordingRetentionDays,
      prometheusVolumeGiB: Number.parseInt(settings.monitoring.volumeSize, 10),
      flowLogRetentionDays: settings.auditLogs.flowLogRetentionDays,
    },
  });
}
