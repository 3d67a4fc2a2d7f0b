/**
 * The cost model: what a region sized by `planCapacity` costs per month, line by line, from the pinned
 * prices (prices.ts). Pure functions, no Pulumi, no network.
 *
 * How a month is built from the peak:
 *   - The usage profile describes a week: on weekdays, how many hours run at peak and what share of the peak
 *     the other hours carry; a weekend day carries `weekendShare` of a weekday's load, hour by hour. Traffic
 *     and per-connection charges scale with load, so they are billed for the month's peak-equivalent hours,
 *     `days x (peakHours + (24 - peakHours) x offPeakShare) x (5 + 2 x weekendShare) / 7`.
 *   - SFU nodes run the larger of the node floor (the HPA's minimum) and the load's nodes, at peak as at a
 *     lower load (rooms stay where they started, so nodes drain slowly: a floor, not a forecast).
 *     Egress nodes carry that load's busy pods plus the autoscaler's idle pool, which it keeps at any load.
 *   - Always-on pieces (system nodes, EKS, NAT gateways, load balancers, Redis, volumes, public addresses of
 *     the gateways and load balancers) run every hour of the month, weekends included.
 * Every assumption the prices do not carry is a named constant below, with its basis.
 */
import { archOf, familyOf } from "../instance-types";
import { PINNED_PRICES, PriceTable, priceOf, regionPrices, RegionPrices } from "./prices";
import { RoomMix } from "./room-mix";
import { EGRESS_IDLE_SHARE, PEER_CONNECTIONS_PER_PARTICIPANT } from "./rules";
import { ManagedCost, managedCosts, ManagedPrices, PINNED_MANAGED_PRICES } from "./managed";
import { roomTraffic } from "./traffic";
import { CapacityPlan } from "./types";

/** How the region's load moves through a day, a week and a month. */
export interface UsageProfile {
  /** Hours a weekday at peak load. */
  peakHoursPerDay: number;
  /** Load in a weekday's other hours, as a share of the peak. */
  offPeakShare: number;
  /**
   * A weekend day's load as a share of a weekday's, hour by hour: 1 runs every day as a weekday, 0 leaves only
   * the always-on lines and the node floors at weekends.
   */
  weekendShare: number;
  /** Days in the month (30.42 = 730 hours, AWS's month): the always-on lines run every hour of them. */
  daysPerMonth: number;
  /** Times the average recording is downloaded in full to the internet from S3 (0.5: half of them once). */
  recordingDownloads: number;
}

/**
 * Every day a weekday, each recording downloaded once: the profile the shipped figures have always used, an
 * upper bound until the region's own metrics say otherwise (docs/sizing-and-cost.md, "The usage profile").
 */
export const DEFAULT_USAGE: UsageProfile = {
  peakHoursPerDay: 8,
  offPeakShare: 0.3,
  weekendShare: 1,
  daysPerMonth: 30.42,
  recordingDownloads: 1,
};
/** Weekend days in a week of seven. */
export const WEEKEND_DAYS_PER_WEEK = 2;

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
  /** Availability zones: the ALB and the TURN NLB hold a public IPv4 address in each. */
  availabilityZones: number;
  /** NAT gateways: one per AZ by default, each with its Elastic IP. */
  natGateways: number;
  systemNodes: { instanceType: string; count: number };
  redis: { nodeType: string; nodeCount: number };
  /** Days S3 keeps a recording. */
  recordingRetentionDays: number;
  /** Prometheus volume, GiB. */
  prometheusVolumeGiB: number;
  /** Days CloudWatch Logs keeps the VPC flow log (`auditLogs.flowLogRetentionDays`). */
  flowLogRetentionDays: number;
}

/**
 * The system node group's defaults (`cluster.systemNodes`): the stack schema's, the cost's (at its min) and
 * `npm run capacity`'s vCPU quota check (at its max).
 */
export const SYSTEM_NODE_GROUP = { instanceType: "m6i.xlarge", min: 3, max: 6 } as const;

/** A region's fixed pieces when its stack file leaves them out: the stack schema's defaults (stacks/config/region/). */
export const DEFAULT_PLATFORM: PlatformShape = {
  availabilityZones: 3,
  /** `network.natGateways: perAz`, one per zone. */
  natGateways: 3,
  systemNodes: { instanceType: SYSTEM_NODE_GROUP.instanceType, count: SYSTEM_NODE_GROUP.min },
  redis: { nodeType: "cache.r7g.large", nodeCount: 2 },
  recordingRetentionDays: 30,
  prometheusVolumeGiB: 100,
  flowLogRetentionDays: 90,
};

export interface CostInput {
  /** AWS region whose prices apply, e.g. ap-south-1. */
  awsRegion: string;
  usage?: Partial<UsageProfile>;
  purchase?: Partial<PurchaseOptions>;
  platform?: Partial<PlatformShape>;
  /**
   * A second, negotiated price for internet transfer, USD per GiB flat (AWS private pricing, or another host's
   * bandwidth): the estimate gives the month under it beside the list price. The list figures stay the bill.
   */
  negotiatedDataTransferOutPerGiB?: number;
  /** Price table; default the pinned one. */
  prices?: PriceTable;
  /** The managed services' prices the same usage is compared with; default the pinned ones. */
  managedPrices?: ManagedPrices;
}

// ---------------------------------------------------------------------------------------------
// Assumptions (not prices)
// ---------------------------------------------------------------------------------------------

/**
 * GB as AWS bills data: 2^30 bytes, a GiB (AWS's price lists say GB). The model's data quantities are GiB; a
 * service that meters decimal GB (10^9 bytes, LiveKit Cloud) is converted where it is priced.
 */
export const BYTES_PER_GB = 2 ** 30;
/** Load balancers with a public address in every availability zone: the signalling ALB and the TURN NLB. */
export const PUBLIC_LOAD_BALANCERS = 2;
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
/**
 * The VPC flow log (components/audit-logs) writes one record per flow, a 5-tuple on one network interface, each
 * aggregation interval; on Nitro instances, every type the model prices, that interval is one minute whatever
 * the flow log asks (Amazon VPC User Guide, "Flow log records", "Aggregation interval"). A flow both ways is two
 * 5-tuples, so two records on each interface it crosses.
 */
export const FLOW_LOG_RECORDS_PER_FLOW_HOUR = 60;
/**
 * Bytes CloudWatch Logs ingests per flow log record: the default format's 14 fields run about 100 to 115
 * characters in AWS's examples, with this VPC's addresses and counters (estimate).
 */
export const FLOW_LOG_RECORD_BYTES = 130;
/**
 * Records a minute per participant per PeerConnection (PEER_CONNECTIONS_PER_PARTICIPANT), direct: its UDP flow both
 * ways on its SFU node's interface.
 */
export const FLOW_LOG_RECORDS_PER_MEDIA_FLOW = 2;
/** What a TURN-relayed PeerConnection adds: both ways on the NLB's interface and on Coturn's toward client and SFU. */
export const FLOW_LOG_RECORDS_PER_RELAYED_FLOW = 6;
/** Records a minute per participant for its signalling WebSocket: client to ALB, ALB to the SFU node (both ends). */
export const FLOW_LOG_RECORDS_PER_SIGNALLING_CONNECTION = 6;
/** Records a minute per recorder PeerConnection: both ways on the recorder node's and the SFU node's interfaces. */
export const FLOW_LOG_RECORDS_PER_RECORDER_FLOW = 4;
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
  | "interAz"
  | "publicIpv4";

export const COST_GROUPS: readonly CostGroup[] = [
  "dataTransferOut",
  "sfuNodes",
  "egressNodes",
  "systemNodes",
  "eksControlPlane",
  "natGateways",
  "publicIpv4",
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
  /** What the traffic lines are built from, GiB a month. */
  traffic: {
    internetOutGB: number;
    recordingInGB: number;
    recordingStoredGB: number;
    recordingDownloadGB: number;
    turnGB: number;
  };
  /**
   * Everything sent to the internet (SFU media and recording downloads), the line most of the bill rides on:
   * GiB a month, at the price table's tiers, and at the negotiated flat price when one is given.
   */
  dataTransferOut: {
    gib: number;
    usd: number;
    usdPerGiB: number;
    /** Share of the month's total. */
    share: number;
    negotiated?: { usdPerGiB: number; usd: number; monthlyUsd: number };
  };
  /**
   * Participant-minutes a month: the participants the nodes carry at peak (whole rooms included) over the
   * peak-equivalent hours, the same usage the managed services are priced for.
   */
  participantMinutes: number;
  /**
   * What recording adds to the month: egress nodes with their addresses and volumes, S3, the recorders' hop
   * and the downloads. The managed prices compared below are for the calls alone.
   */
  recordingUsd: number;
  /**
   * USD per participant-minute, all lines and without recording (to compare with `managed`), at list prices
   * and under the negotiated transfer price when one is given. Null without participant-minutes.
   */
  perParticipantMinute: {
    usd: number | null;
    withoutRecordingUsd: number | null;
    negotiated?: { usd: number | null; withoutRecordingUsd: number | null };
  };
  /** The same calls on managed services, from lib/prices/managed-alternatives.json (lib/capacity/managed.ts). */
  managed: ManagedCost[];
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
  // The share the plan was sized with: the relay traffic on the nodes and on the bill is one figure.
  const turnShare = plan.turn.relayShare;
  const p: RegionPrices = regionPrices(input.prices ?? PINNED_PRICES, input.awsRegion);
  const ec2 = (type: string, key: string) => priceOf(p.ec2PerHour, type, key, input.awsRegion);

  const hours = 24 * usage.daysPerMonth;
  const days = daysOfMonth(usage);
  const offHoursPerDay = 24 - usage.peakHoursPerDay;
  // Peak-equivalent hours: each day's load at peak and off-peak, weekend days at their share.
  const E = days.reduce(
    (sum, d) => sum + d.days * d.load * (usage.peakHoursPerDay + offHoursPerDay * usage.offPeakShare),
    0,
  );
  /** Node-hours of a pool whose node count follows the load (`nodesAt(share of peak)`) through the month. */
  const nodeHours = (nodesAt: (share: number) => number) =>
    days.reduce(
      (sum, d) =>
        sum +
        d.days * (nodesAt(d.load) * usage.peakHoursPerDay + nodesAt(d.load * usage.offPeakShare) * offHoursPerDay),
      0,
    );
  const lines: CostLine[] = [];
  const add = (group: CostGroup, item: string, quantity: number, unit: string, unitUsd: number, usd?: number) =>
    lines.push({ group, item, quantity, unit, unitUsd, monthlyUsd: cents(usd ?? quantity * unitUsd) });
  const committed = (onDemand: number) => onDemand * (1 - purchase.savingsPlanDiscount);
  const perGB = (usd: number, gb: number) => (gb > 0 ? usd / gb : 0);

  // SFU nodes: on-demand (with any savings plan), never Spot; the load's nodes, never below the floor, at peak too:
  // a small region's peak can need fewer nodes than the floor (MIN_HA_NODES), which runs all the same.
  const sfu = plan.sfu;
  const sfuNodeHours = nodeHours((share) => Math.max(sfu.minNodes, ceilPos(sfu.peakNodes * share)));
  add(
    "sfuNodes",
    `${plan.node.type} node-hours`,
    sfuNodeHours,
    "node-hour",
    committed(ec2(plan.node.type, "nodeType")),
  );

  // Egress nodes: the load's busy pods plus the idle pool the autoscaler keeps whatever the load (its floor is
  // the pool, and it aims at busy + max(pool, 10% of all pods): components/egress/scaling.ts).
  const eg = plan.egress;
  const egressPodsAt = (share: number) => {
    const busy = ceilPos(eg.pods * share);
    return busy + Math.max(eg.idlePods, ceilPos((busy * EGRESS_IDLE_SHARE) / (1 - EGRESS_IDLE_SHARE)));
  };
  const egNodeHours = nodeHours((share) => (share >= 1 ? eg.peakNodes : ceilPos(egressPodsAt(share) / eg.podsPerNode)));
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
    "GiB",
    p.natGatewayPerGB.usd,
  );

  // Public IPv4: every SFU node (public class) and egress node (outbound class) for as long as it runs, each NAT
  // gateway's Elastic IP, and the ALB's and NLB's address in each zone, every hour. (An ALB may add addresses in
  // a zone as it scales: at least this. Load-test nodes have public IPs too, only while a test runs.)
  const alwaysOnAddresses = platform.natGateways + PUBLIC_LOAD_BALANCERS * platform.availabilityZones;
  add(
    "publicIpv4",
    `address-hours (SFU and egress nodes; ${platform.natGateways} NAT gateways; ALB and NLB in ${platform.availabilityZones} zones)`,
    sfuNodeHours + egNodeHours + alwaysOnAddresses * hours,
    "address-hour",
    p.publicIpv4PerHour.usd,
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

  const egressVolumeGBMonths = (egNodeHours * KARPENTER_NODE_VOLUME_GIB) / hours;
  const volumeGBMonths =
    ((sfuNodeHours + sys.count * hours) * MANAGED_NODE_VOLUME_GIB) / hours +
    egressVolumeGBMonths +
    platform.prometheusVolumeGiB +
    OTHER_VOLUMES_GIB;
  add("ebs", "gp3 GiB-months (node roots, Prometheus, Grafana)", volumeGBMonths, "GiB-month", p.ebsGp3PerGBMonth.usd);

  // Recordings in S3: the composite's output bitrate for as long as rooms are recorded, kept for the retention.
  const recordingOutMbps = plan.kinds.reduce((s, k) => {
    const kind = plan.mix.kinds.find((m) => m.name === k.name)!;
    return s + (k.recordings * (kind.videoLayersKbps.length > 0 ? RECORDING_VIDEO_KBPS : RECORDING_AUDIO_KBPS)) / 1000;
  }, 0);
  const recordedGB = gbFromMbps(recordingOutMbps, E);
  const storedGB = recordedGB * Math.min(1, platform.recordingRetentionDays / usage.daysPerMonth);
  add("s3Recordings", "S3 Standard GiB-months (at the retention)", storedGB, "GiB-month", p.s3StandardPerGBMonth.usd);
  add(
    "s3Recordings",
    "S3 PUT requests (multipart parts)",
    (recordedGB * 1024) / S3_PART_MIB / 1000,
    "1000 requests",
    p.s3PutPer1000.usd,
  );

  const logGB = CONTROL_PLANE_LOG_GB_PER_DAY * usage.daysPerMonth;
  add("cloudwatchLogs", "control-plane logs ingested", logGB, "GiB", p.cloudwatchLogsIngestPerGB.usd);
  add("cloudwatchLogs", "control-plane logs stored", logGB, "GiB-month", p.cloudwatchLogsStoragePerGBMonth.usd);

  // The VPC flow log: the flows of the media, signalling and recording follow the load (the cluster's own flows,
  // DNS, scrapes, Redis, are a few per node and left out). Stored uncompressed for its retention (an upper bound:
  // CloudWatch bills stored logs compressed).
  const recorders = plan.kinds.reduce((n, k) => n + k.recordings, 0);
  const flowRecordsPerMinute =
    plan.load.participants *
      (PEER_CONNECTIONS_PER_PARTICIPANT *
        (FLOW_LOG_RECORDS_PER_MEDIA_FLOW + turnShare * FLOW_LOG_RECORDS_PER_RELAYED_FLOW) +
        FLOW_LOG_RECORDS_PER_SIGNALLING_CONNECTION) +
    recorders * PEER_CONNECTIONS_PER_PARTICIPANT * FLOW_LOG_RECORDS_PER_RECORDER_FLOW;
  const flowLogGB = (flowRecordsPerMinute * FLOW_LOG_RECORDS_PER_FLOW_HOUR * E * FLOW_LOG_RECORD_BYTES) / BYTES_PER_GB;
  const flowLogIngestUsd = tieredTransferUsd(flowLogGB, p.cloudwatchVendedLogsIngestTiers);
  add(
    "cloudwatchLogs",
    "VPC flow log ingested (vended logs, volume tiers)",
    flowLogGB,
    "GiB",
    perGB(flowLogIngestUsd, flowLogGB),
    flowLogIngestUsd,
  );
  add(
    "cloudwatchLogs",
    `VPC flow log stored (${platform.flowLogRetentionDays} days)`,
    flowLogGB * (platform.flowLogRetentionDays / usage.daysPerMonth),
    "GiB-month",
    p.cloudwatchLogsStoragePerGBMonth.usd,
  );

  // Internet: what the SFU sends to participants (TURN-relayed media leaves once too, through the NLB), and the
  // recordings people download from S3. AWS counts a region's transfer out from EC2 and S3 together for its
  // volume tiers, so the downloads are priced at the tiers the media has not used up.
  const internetOutGB = gbFromMbps(plan.load.egressMbps, E);
  const downloadGB = recordedGB * usage.recordingDownloads;
  const mediaUsd = tieredTransferUsd(internetOutGB, p.dataTransferOutTiers);
  const downloadUsd = tieredTransferUsd(internetOutGB + downloadGB, p.dataTransferOutTiers) - mediaUsd;
  add(
    "dataTransferOut",
    "SFU media to the internet (volume tiers)",
    internetOutGB,
    "GiB",
    perGB(mediaUsd, internetOutGB),
    mediaUsd,
  );
  add(
    "dataTransferOut",
    `recording downloads from S3 (${usage.recordingDownloads} per recording)`,
    downloadGB,
    "GiB",
    perGB(downloadUsd, downloadGB),
    downloadUsd,
  );

  // In-region hops the design causes, billed on both sides: recorder <- SFU through public IPs, and TURN's
  // relay hop from Coturn to the room's SFU node through its public IP.
  const each = p.intraRegionPerGBEachDirection.usd;
  add("interAz", "recording media via public IPs (both sides)", recordingInGB, "GiB", 2 * each);
  add("interAz", "TURN relay hop via public IPs (both sides)", turnGB, "GiB", 2 * each);

  const byGroup = Object.fromEntries(COST_GROUPS.map((g) => [g, 0])) as Record<CostGroup, number>;
  for (const l of lines) byGroup[l.group] = cents(byGroup[l.group] + l.monthlyUsd);
  const monthlyUsd = cents(lines.reduce((s, l) => s + l.monthlyUsd, 0));

  const recordingUsd = cents(
    byGroup.egressNodes +
      byGroup.s3Recordings +
      lines.find((l) => l.item.startsWith("recording media"))!.monthlyUsd +
      lines.find((l) => l.item.startsWith("recording downloads"))!.monthlyUsd +
      egNodeHours * p.publicIpv4PerHour.usd +
      egressVolumeGBMonths * p.ebsGp3PerGBMonth.usd,
  );
  const participantMinutes = plan.load.participants * E * 60;
  const perMinute = (usd: number) => (participantMinutes > 0 ? usd / participantMinutes : null);
  const outGiB = internetOutGB + downloadGB;
  const negotiatedRate = input.negotiatedDataTransferOutPerGiB;
  const negotiated =
    negotiatedRate === undefined
      ? undefined
      : (() => {
          const usd = cents(outGiB * negotiatedRate);
          return { usdPerGiB: negotiatedRate, usd, monthlyUsd: cents(monthlyUsd - byGroup.dataTransferOut + usd) };
        })();

  const used = [
    p.ec2PerHour[plan.node.type],
    p.ec2PerHour[eg.nodeType],
    p.ec2PerHour[sys.instanceType],
    p.elasticachePerHour[redis.nodeType],
    p.eksClusterPerHour,
    p.natGatewayPerHour,
    p.natGatewayPerGB,
    p.publicIpv4PerHour,
    p.albPerHour,
    p.albPerLcuHour,
    p.nlbPerHour,
    p.nlbPerNlcuHour,
    p.ebsGp3PerGBMonth,
    p.s3StandardPerGBMonth,
    p.s3PutPer1000,
    p.cloudwatchLogsIngestPerGB,
    p.cloudwatchLogsStoragePerGBMonth,
    ...p.cloudwatchVendedLogsIngestTiers,
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
    if (archOf(t) === "arm64")
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
    traffic: { internetOutGB, recordingInGB, recordingStoredGB: storedGB, recordingDownloadGB: downloadGB, turnGB },
    lines,
    byGroup,
    monthlyUsd,
    dataTransferOut: {
      gib: outGiB,
      usd: byGroup.dataTransferOut,
      usdPerGiB: perGB(byGroup.dataTransferOut, outGiB),
      share: byGroup.dataTransferOut / (monthlyUsd || 1),
      ...(negotiated ? { negotiated } : {}),
    },
    participantMinutes,
    recordingUsd,
    perParticipantMinute: {
      usd: perMinute(monthlyUsd),
      withoutRecordingUsd: perMinute(monthlyUsd - recordingUsd),
      ...(negotiated
        ? {
            negotiated: {
              usd: perMinute(negotiated.monthlyUsd),
              withoutRecordingUsd: perMinute(negotiated.monthlyUsd - recordingUsd),
            },
          }
        : {}),
    },
    managed: managedCosts(plan, E, input.managedPrices ?? PINNED_MANAGED_PRICES),
    estimate: used.some((f) => f?.estimate === true),
    notes,
  };
}

/**
 * The month's days by load: weekdays at the profile's, weekend days at `weekendShare` of it (one kind of day
 * when they are the same).
 */
function daysOfMonth(usage: UsageProfile): { days: number; load: number }[] {
  if (usage.weekendShare === 1) return [{ days: usage.daysPerMonth, load: 1 }];
  const weekend = (usage.daysPerMonth * WEEKEND_DAYS_PER_WEEK) / 7;
  return [
    { days: usage.daysPerMonth - weekend, load: 1 },
    { days: weekend, load: usage.weekendShare },
  ];
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
