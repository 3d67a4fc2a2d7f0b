/**
 * The cost model: what a region sized by `planCapacity` costs per month, line by line, from the pinned
 * prices (prices.ts). Pure functions, no Pulumi, no network.
 *
 * How a month is built from the peak:
 *   - The usage profile says how many hours a day run at peak and what share of the peak the other hours
 *     carry. Traffic and per-connection charges scale with load, so they are billed for
 *     `days x (peakHours + (24 - peakHours) x offPeakShare)` peak-equivalent hours.
 *   - SFU nodes run the peak count during peak hours and, off-peak, the larger of the node group's minimum
 *     and the off-peak load's nodes (rooms stay where they started, so nodes drain slowly: a floor, not
 *     a forecast). Egress nodes the same, with at least one node while anything is recorded.
 *   - Always-on pieces (system nodes, EKS, NAT gateways, load balancers, Redis, volumes) run every hour.
 * Every assumption the prices do not carry is a named constant below, with its basis.
 */
import { familyOf, INSTANCE_TYPES } from "../instance-types";
import { PINNED_PRICES, PriceTable, priceOf, regionPrices, RegionPrices } from "./prices";
import { RoomMix } from "./room-mix";
import { DEFAULT_TURN_RELAY_SHARE, PEER_CONNECTIONS_PER_PARTICIPANT } from "./rules";
import { roomTraffic } from "./traffic";
import { CapacityPlan } from "./types";

/** How the region's load moves through a day and a month. */
export interface UsageProfile {
  /** Hours a day at peak load. */
  peakHoursPerDay: number;
  /** Load in the other hours, as a share of the peak. */
  offPeakShare: number;
  /** Days a month (30.42 = 730 hours, AWS's month). */
  daysPerMonth: number;
}

export const DEFAULT_USAGE: UsageProfile = { peakHoursPerDay: 8, offPeakShare: 0.3, daysPerMonth: 30.42 };

/** How the EC2 capacity is bought. */
export interface PurchaseOptions {
  /** Savings-plan (or reserved) discount on on-demand EC2, a fraction such as 0.3. */
  savingsPlanDiscount: number;
  /**
   * Share of egress node-hours bought as Spot. Only egress may: SFU nodes hold WebRTC sessions for hours
   * and never run on Spot, system nodes are an on-demand managed group. The egress NodePool is on-demand
   * today (a Spot interruption ends a recording), so a share above 0 prices a what-if.
   */
  egressSpotShare: number;
}

export const DEFAULT_PURCHASE: PurchaseOptions = { savingsPlanDiscount: 0, egressSpotShare: 0 };

/** The region's fixed pieces, from its stack config (defaults: the shipped stacks). */
export interface PlatformShape {
  /** NAT gateways: one per AZ by default. */
  natGateways: number;
  systemNodes: { instanceType: string; count: number };
  redis: { nodeType: string; nodeCount: number };
  /** Days S3 keeps a recording. */
  recordingRetentionDays: number;
  /** Prometheus volume, GiB. */
  prometheusVolumeGiB: number;
}

export const DEFAULT_PLATFORM: PlatformShape = {
  natGateways: 3,
  systemNodes: { instanceType: "m6i.xlarge", count: 3 },
  redis: { nodeType: "cache.r7g.large", nodeCount: 2 },
  recordingRetentionDays: 30,
  prometheusVolumeGiB: 100,
};

export interface CostInput {
  /** AWS region whose prices apply, e.g. ap-south-1. */
  awsRegion: string;
  usage?: Partial<UsageProfile>;
  purchase?: Partial<PurchaseOptions>;
  platform?: Partial<PlatformShape>;
  /**
   * Share of participants relayed by TURN, for a what-if only: by default the share the plan was sized with
   * (`plan.turn.relayShare`), so the relay traffic on the nodes and on the bill is one figure.
   */
  turnShare?: number;
  /** Price table; default the pinned one. */
  prices?: PriceTable;
}

// ---------------------------------------------------------------------------------------------
// Assumptions (not prices)
// ---------------------------------------------------------------------------------------------

/** GB as AWS bills data: 2^30 bytes. */
export const BYTES_PER_GB = 2 ** 30;
/** The relay share of a plan sized with the model's default, DEFAULT_TURN_RELAY_SHARE itself (`npm run capacity` shows it). */
export const DEFAULT_TURN_SHARE = DEFAULT_TURN_RELAY_SHARE;
/** Root volume of a managed node group node (pulumi-eks default), GiB of gp3. */
export const MANAGED_NODE_VOLUME_GIB = 20;
/** Root volume of a Karpenter node (`blockDeviceMappings` in components/karpenter/node-pools.ts), GiB. */
export const KARPENTER_NODE_VOLUME_GIB = 40;
/** Volumes besides Prometheus: Alertmanager and Grafana (estimate), GiB. */
export const OTHER_VOLUMES_GIB = 20;
/** Room composite output: egress's default H264_720P_30 preset, 3,000 kbps video + 128 kbps audio. */
export const RECORDING_VIDEO_KBPS = 3128;
/** Audio-only room composite output: egress's default 128 kbps audio. */
export const RECORDING_AUDIO_KBPS = 128;
/** S3 multipart part size egress uploads with (estimate: the AWS SDK uploader's 5 MiB default). */
export const S3_PART_MIB = 5;
/** EKS control-plane logs (five types, audit dominating), GB a day per cluster (estimate). */
export const CONTROL_PLANE_LOG_GB_PER_DAY = 1;
/** Everything else through the NAT gateways: image pulls, AWS APIs, webhooks (estimate), GB a month. */
export const NAT_BASELINE_GB_PER_MONTH = 100;
/** ALB LCU: 3,000 active connections (one signalling WebSocket per participant binds first). */
export const ALB_ACTIVE_CONNECTIONS_PER_LCU = 3000;
/** NLB NLCU for UDP: 50,000 active flows, or 1 GB processed an hour. */
export const NLB_UDP_FLOWS_PER_NLCU = 50_000;
export const NLB_GB_PER_NLCU_HOUR = 1;

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

export type CostGroup =
  | "sfuNodes"
  | "egressNodes"
  | "systemNodes"
  | "eksControlPlane"
  | "natGateways"
  | "loadBalancers"
  | "elasticache"
  | "ebs"
  | "s3Recordings"
  | "cloudwatchLogs"
  | "dataTransferOut"
  | "interAz";

export const COST_GROUPS: readonly CostGroup[] = [
  "dataTransferOut",
  "sfuNodes",
  "egressNodes",
  "systemNodes",
  "eksControlPlane",
  "natGateways",
  "loadBalancers",
  "elasticache",
  "ebs",
  "s3Recordings",
  "cloudwatchLogs",
  "interAz",
];

export interface CostLine {
  group: CostGroup;
  item: string;
  quantity: number;
  unit: string;
  /** USD per unit (a blend for tiered or mixed purchase lines). */
  unitUsd: number;
  /** Rounded to the cent. */
  monthlyUsd: number;
}

export interface CostEstimate {
  awsRegion: string;
  currency: "USD";
  usage: UsageProfile;
  purchase: PurchaseOptions;
  /** Peak-equivalent hours a month that traffic is billed for. */
  peakEquivalentHours: number;
  /** Hours in the month. */
  hours: number;
  /** What the traffic lines are built from, per month. */
  traffic: { internetOutGB: number; recordingInGB: number; recordingStoredGB: number; turnGB: number };
  lines: CostLine[];
  /** Sum of the lines of each group. */
  byGroup: Record<CostGroup, number>;
  /** Sum of the lines, USD a month. */
  monthlyUsd: number;
  /** True while any price used is an estimate. */
  estimate: boolean;
  notes: string[];
}

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

const cents = (x: number) => Math.round(x * 100) / 100;
const ceilPos = (x: number) => Math.max(0, Math.ceil(x - 1e-9));

/** GB a month from a steady Mbps over some hours. */
export function gbFromMbps(mbps: number, hours: number): number {
  return (mbps * 1e6 * 3600 * hours) / 8 / BYTES_PER_GB;
}

/** The price of a month's data transfer out over AWS's volume tiers. */
export function tieredTransferUsd(gb: number, tiers: { upToGB: number | null; usd: number }[]): number {
  let left = gb;
  let floor = 0;
  let usd = 0;
  for (const tier of tiers) {
    const size = tier.upToGB === null ? Infinity : tier.upToGB - floor;
    const take = Math.min(left, size);
    usd += take * tier.usd;
    left -= take;
    floor = tier.upToGB ?? floor;
    if (left <= 0) break;
  }
  return usd;
}

/** Mbps one room composite recorder receives: what one subscriber of the room receives. */
export function recorderIngestMbps(kind: RoomMix["kinds"][number]): number {
  return roomTraffic({ ...kind, subscribers: 1, publishersSubscribe: false }).egressMbps;
}

/**
 * The month's cost of one region sized by `planCapacity`, from settings parsed with `costFields`
 * (lib/capacity/input.ts). Throws `InputError` for a region or type the price table lacks.
 */
export function estimateCost(plan: CapacityPlan, input: CostInput): CostEstimate {
  const usage = { ...DEFAULT_USAGE, ...input.usage };
  const purchase = { ...DEFAULT_PURCHASE, ...input.purchase };
  const platform = { ...DEFAULT_PLATFORM, ...input.platform };
  const turnShare = input.turnShare ?? plan.turn.relayShare;
  const p: RegionPrices = regionPrices(input.prices ?? PINNED_PRICES, input.awsRegion);
  const ec2 = (type: string, key: string) => priceOf(p.ec2PerHour, type, key, input.awsRegion);

  const hours = 24 * usage.daysPerMonth;
  const peakHours = usage.peakHoursPerDay * usage.daysPerMonth;
  const offHours = hours - peakHours;
  const E = peakHours + offHours * usage.offPeakShare;
  const lines: CostLine[] = [];
  const add = (group: CostGroup, item: string, quantity: number, unit: string, unitUsd: number, usd?: number) =>
    lines.push({ group, item, quantity, unit, unitUsd, monthlyUsd: cents(usd ?? quantity * unitUsd) });
  const committed = (onDemand: number) => onDemand * (1 - purchase.savingsPlanDiscount);

  // SFU nodes: on-demand (with any savings plan), never Spot.
  const sfu = plan.sfu;
  const sfuOffNodes = Math.max(sfu.minNodes, ceilPos(sfu.peakNodes * usage.offPeakShare));
  const sfuNodeHours = sfu.peakNodes * peakHours + sfuOffNodes * offHours;
  add(
    "sfuNodes",
    `${plan.node.type} node-hours`,
    sfuNodeHours,
    "node-hour",
    committed(ec2(plan.node.type, "nodeType")),
  );

  // Egress nodes.
  const eg = plan.egress;
  const egOffPods = eg.pods > 0 ? Math.max(1, ceilPos(eg.pods * usage.offPeakShare)) : 0;
  const egOffNodes = ceilPos(egOffPods / eg.podsPerNode);
  const egNodeHours = eg.peakNodes * peakHours + egOffNodes * offHours;
  const egOnDemand = ec2(eg.nodeType, "egressNodeType");
  const egUnit =
    purchase.egressSpotShare * egOnDemand * p.spotShareOfOnDemand.usd +
    (1 - purchase.egressSpotShare) * committed(egOnDemand);
  add("egressNodes", `${eg.nodeType} node-hours`, egNodeHours, "node-hour", egUnit);

  // System nodes, always on.
  const sys = platform.systemNodes;
  add(
    "systemNodes",
    `${sys.instanceType} node-hours`,
    sys.count * hours,
    "node-hour",
    committed(ec2(sys.instanceType, "systemNodes.instanceType")),
  );

  add("eksControlPlane", "cluster-hours", hours, "hour", p.eksClusterPerHour.usd);

  // Recording media: LiveKit offers only its public IPs, and recorders run on the `outbound` node class (public
  // subnets, public IPs), so the bytes cross public IPs within the region but no NAT gateway.
  const recordingInMbps = plan.kinds.reduce((s, k) => {
    const kind = plan.mix.kinds.find((m) => m.name === k.name)!;
    return s + k.recordings * recorderIngestMbps(kind);
  }, 0);
  const recordingInGB = gbFromMbps(recordingInMbps, E);
  add("natGateways", "NAT gateway-hours", platform.natGateways * hours, "hour", p.natGatewayPerHour.usd);
  add(
    "natGateways",
    "NAT data processed (private nodes: image pulls, AWS APIs)",
    NAT_BASELINE_GB_PER_MONTH,
    "GB",
    p.natGatewayPerGB.usd,
  );

  // Load balancers: an ALB for signalling (one WebSocket per participant), an NLB for TURN. The relay share's
  // media crosses the NLB; every participant holds a TURN/UDP flow per PeerConnection through it, relayed or not.
  const turnMbps = turnShare * (plan.load.egressMbps + plan.load.ingressMbps);
  const turnGB = gbFromMbps(turnMbps, E);
  const albLcuHours = (plan.targetParticipants / ALB_ACTIVE_CONNECTIONS_PER_LCU) * E;
  const nlcuPeak = Math.max(
    (plan.targetParticipants * PEER_CONNECTIONS_PER_PARTICIPANT) / NLB_UDP_FLOWS_PER_NLCU,
    gbFromMbps(turnMbps, 1) / NLB_GB_PER_NLCU_HOUR,
  );
  add("loadBalancers", "ALB hours", hours, "hour", p.albPerHour.usd);
  add("loadBalancers", "ALB LCU-hours (active WebSockets)", albLcuHours, "LCU-hour", p.albPerLcuHour.usd);
  add("loadBalancers", "NLB hours", hours, "hour", p.nlbPerHour.usd);
  add("loadBalancers", "NLB NLCU-hours (TURN bytes)", nlcuPeak * E, "NLCU-hour", p.nlbPerNlcuHour.usd);

  const redis = platform.redis;
  add(
    "elasticache",
    `${redis.nodeType} node-hours`,
    redis.nodeCount * hours,
    "node-hour",
    priceOf(p.elasticachePerHour, redis.nodeType, "redis.nodeType", input.awsRegion),
  );

  const volumeGBMonths =
    ((sfuNodeHours + sys.count * hours) * MANAGED_NODE_VOLUME_GIB + egNodeHours * KARPENTER_NODE_VOLUME_GIB) / hours +
    platform.prometheusVolumeGiB +
    OTHER_VOLUMES_GIB;
  add("ebs", "gp3 GB-months (node roots, Prometheus, Grafana)", volumeGBMonths, "GB-month", p.ebsGp3PerGBMonth.usd);

  // Recordings in S3: the composite's output bitrate for as long as rooms are recorded, kept for the retention.
  const recordingOutMbps = plan.kinds.reduce((s, k) => {
    const kind = plan.mix.kinds.find((m) => m.name === k.name)!;
    return s + (k.recordings * (kind.videoLayersKbps.length > 0 ? RECORDING_VIDEO_KBPS : RECORDING_AUDIO_KBPS)) / 1000;
  }, 0);
  const recordedGB = gbFromMbps(recordingOutMbps, E);
  const storedGB = recordedGB * Math.min(1, platform.recordingRetentionDays / usage.daysPerMonth);
  add("s3Recordings", "S3 Standard GB-months (at the retention)", storedGB, "GB-month", p.s3StandardPerGBMonth.usd);
  add(
    "s3Recordings",
    "S3 PUT requests (multipart parts)",
    (recordedGB * 1024) / S3_PART_MIB / 1000,
    "1000 requests",
    p.s3PutPer1000.usd,
  );

  const logGB = CONTROL_PLANE_LOG_GB_PER_DAY * usage.daysPerMonth;
  add("cloudwatchLogs", "control-plane logs ingested", logGB, "GB", p.cloudwatchLogsIngestPerGB.usd);
  add("cloudwatchLogs", "control-plane logs stored", logGB, "GB-month", p.cloudwatchLogsStoragePerGBMonth.usd);

  // Internet: what the SFU sends to participants (TURN-relayed media leaves once too, through the NLB).
  const internetOutGB = gbFromMbps(plan.load.egressMbps, E);
  const dtoUsd = tieredTransferUsd(internetOutGB, p.dataTransferOutTiers);
  add(
    "dataTransferOut",
    "to the internet (volume tiers)",
    internetOutGB,
    "GB",
    internetOutGB > 0 ? dtoUsd / internetOutGB : 0,
    dtoUsd,
  );

  // In-region hops the design causes, billed on both sides: recorder <- SFU through public IPs, and TURN's
  // relay hop from Coturn to the room's SFU node through its public IP.
  const each = p.intraRegionPerGBEachDirection.usd;
  add("interAz", "recording media via public IPs (both sides)", recordingInGB, "GB", 2 * each);
  add("interAz", "TURN relay hop via public IPs (both sides)", turnGB, "GB", 2 * each);

  const byGroup = Object.fromEntries(COST_GROUPS.map((g) => [g, 0])) as Record<CostGroup, number>;
  for (const l of lines) byGroup[l.group] = cents(byGroup[l.group] + l.monthlyUsd);
  const monthlyUsd = cents(lines.reduce((s, l) => s + l.monthlyUsd, 0));

  const used = [
    p.ec2PerHour[plan.node.type],
    p.ec2PerHour[eg.nodeType],
    p.ec2PerHour[sys.instanceType],
    p.elasticachePerHour[redis.nodeType],
    p.eksClusterPerHour,
    p.natGatewayPerHour,
    p.natGatewayPerGB,
    p.albPerHour,
    p.albPerLcuHour,
    p.nlbPerHour,
    p.nlbPerNlcuHour,
    p.ebsGp3PerGBMonth,
    p.s3StandardPerGBMonth,
    p.s3PutPer1000,
    p.cloudwatchLogsIngestPerGB,
    p.cloudwatchLogsStoragePerGBMonth,
    p.intraRegionPerGBEachDirection,
    ...p.dataTransferOutTiers,
    ...(purchase.egressSpotShare > 0 ? [p.spotShareOfOnDemand] : []),
  ];
  const notes: string[] = [];
  if (purchase.egressSpotShare > 0)
    notes.push(
      "egress Spot share prices a what-if: the egress NodePool is on-demand, and an interruption ends a recording",
    );
  for (const t of [plan.node.type, eg.nodeType]) {
    if (INSTANCE_TYPES[t]?.arch === "arm64")
      notes.push(
        `${t} is arm64 (Graviton, ${familyOf(t)}): the images have arm64 builds, the stacks build x86_64 nodes only`,
      );
  }
  return {
    awsRegion: input.awsRegion,
    currency: "USD",
    usage,
    purchase,
    peakEquivalentHours: E,
    hours,
    traffic: { internetOutGB, recordingInGB, recordingStoredGB: storedGB, turnGB },
    lines,
    byGroup,
    monthlyUsd,
    estimate: used.some((f) => f?.estimate === true),
    notes,
  };
}

/** The largest groups of an estimate, with their share of the total, largest first. */
export function costDrivers(estimate: CostEstimate, top = 3): { group: CostGroup; usd: number; share: number }[] {
  return COST_GROUPS.map((g) => ({
    group: g,
    usd: estimate.byGroup[g],
    share: estimate.byGroup[g] / (estimate.monthlyUsd || 1),
  }))
    .sort((a, b) => b.usd - a.usd)
    .slice(0, top);
}
