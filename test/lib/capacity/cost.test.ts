/**
 * The cost model against hand computations from the pinned prices, the price table's provenance, and the
 * sanity bounds. The scenarios are capacity plans written out here (node counts, loads, recordings), so
 * the arithmetic below is the whole story of each line and does not move when the capacity model does.
 */
import {
  CapacityPlan,
  checkSanityBounds,
  costDrivers,
  costFields,
  CostEstimate,
  DEFAULT_TURN_RELAY_SHARE,
  estimateCost,
  ManagedPrices,
  MIN_HA_NODES,
  PINNED_MANAGED_PRICES,
  PINNED_PRICES,
  parseRoomMix,
  planCapacity,
  priceFigures,
  PriceTable,
  priceTableSchema,
  tieredTransferUsd,
  withPriceOverride,
} from "../../../lib/capacity";
import { RoomMixEntry } from "../../../lib/capacity/room-mix";
import { InputError, keyPath, parseInput } from "../../../lib/errors";
import { CPU_FACTOR_BY_FAMILY, familyOf, INSTANCE_TYPES } from "../../../lib/instance-types";
import { sizeRegion } from "../../../stacks/sizing";
import { awsRegionOf, main } from "../../../tools/commands/capacity";

const cents = (x: number) => Math.round(x * 100) / 100;
/** GB (2^30 bytes) a steady Mbps moves in some hours. */
const GB = (mbps: number, hours: number) => (mbps * 1e6 * 3600 * hours) / 8 / 2 ** 30;

interface Scenario {
  participants: number;
  nodeType: string;
  peakNodes: number;
  minNodes: number;
  egressMbps: number;
  ingressMbps: number;
  kind: RoomMixEntry;
  recordings: number;
  egressPods: number;
  egressIdlePods: number;
  egressPodsPerNode: number;
  egressPeakNodes: number;
}

/** A capacity plan with just what the cost model reads. */
function planOf(s: Scenario): CapacityPlan {
  const roomSize = s.kind.publishers + s.kind.subscribers;
  return {
    targetParticipants: s.participants,
    node: { type: s.nodeType, vcpu: INSTANCE_TYPES[s.nodeType].vcpu },
    mix: { name: "scenario", kinds: [s.kind] },
    kinds: [
      {
        name: s.kind.name,
        recordings: s.recordings,
        roomSize,
        loadRooms: s.participants / roomSize,
        perRoom: { egressMbps: (s.egressMbps * roomSize) / s.participants },
      },
    ],
    load: { cpu: 0, egressMbps: s.egressMbps, ingressMbps: s.ingressMbps, participants: s.participants },
    sfu: { peakNodes: s.peakNodes, minNodes: s.minNodes, maxNodes: Math.ceil(s.peakNodes * 1.5) },
    egress: {
      nodeType: "c6i.4xlarge",
      pods: s.egressPods,
      idlePods: s.egressIdlePods,
      podsPerNode: s.egressPodsPerNode,
      peakNodes: s.egressPeakNodes,
      maxNodes: s.egressPeakNodes * 2,
    },
    karpenter: { sfuCpuLimit: 0, egressCpuLimit: s.egressPeakNodes * 2 * 16 },
    // The model's default relay share, which the cost estimate takes from the plan.
    turn: { relayShare: 0.1 },
  } as unknown as CapacityPlan;
}

const line = (c: CostEstimate, prefix: string) => {
  const found = c.lines.filter((l) => `${l.group}: ${l.item}`.startsWith(prefix));
  if (found.length !== 1) throw new Error(`${found.length} lines match "${prefix}"`);
  return found[0].monthlyUsd;
};

/**
 * GiB of VPC flow log a month: records a minute at peak, each flow reported every minute (Nitro), 130 bytes a
 * record, over the month's peak-equivalent hours.
 */
const flowLogGB = (recordsPerMinute: number, peakEquivalentHours: number) =>
  (recordsPerMinute * 60 * peakEquivalentHours * 130) / 2 ** 30;

/** Checks every line against the hand computation, and the total against their sum, to the cent. */
function expectLines(c: CostEstimate, expected: Record<string, number>) {
  for (const [prefix, usd] of Object.entries(expected)) expect([prefix, line(c, prefix)]).toEqual([prefix, cents(usd)]);
  expect(c.lines).toHaveLength(Object.keys(expected).length);
  const sum = Object.values(expected).reduce((s, v) => s + cents(v), 0);
  expect(c.monthlyUsd).toBeCloseTo(sum, 2);
}

/** A 1:1 audio call: two publishers at 50 kbps, no video. */
const AUDIO_CALL: RoomMixEntry = {
  name: "audio",
  share: 1,
  publishers: 2,
  subscribers: 0,
  audioKbps: 50,
  videoLayersKbps: [],
  videoReceive: [],
};

/** Video meetings of six publishers: three simulcast layers sent, six 500 kbps tracks received. */
const MEETING: RoomMixEntry = {
  name: "meeting",
  share: 1,
  publishers: 6,
  subscribers: 0,
  audioKbps: 32,
  videoLayersKbps: [150, 500, 1700],
  videoReceive: [{ tracks: 6, kbps: 500 }],
};

describe("the pinned price table", () => {
  it("gives every figure a source, the date it was read, and a basis for each estimate", () => {
    const figures = priceFigures(PINNED_PRICES);
    expect(figures.length).toBeGreaterThan(150);
    for (const [path, f] of figures) {
      expect([path, typeof f.source === "string" && /^https?:\/\/\S+$/.test(f.source as string)]).toEqual([path, true]);
      expect([path, f.read]).toEqual([path, expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/)]);
      if (f.estimate)
        expect([path, typeof f.basis === "string" && (f.basis as string).length > 20]).toEqual([path, true]);
    }
    expect(() => parseInput(priceTableSchema, PINNED_PRICES, { keyOf: (p) => keyPath(p, "prices") })).not.toThrow();
  });

  it("fails a figure without a source or a date", () => {
    const noSource = { regions: { "us-east-1": { eksClusterPerHour: { usd: 0.1, read: "2026-11-30" } } } };
    const noDate = { regions: { "us-east-1": { eksClusterPerHour: { usd: 0.1, source: "contract 42" } } } };
    expect(() => withPriceOverride(PINNED_PRICES, noSource)).toThrow(InputError);
    expect(() => withPriceOverride(PINNED_PRICES, noSource)).toThrow(
      /^price file\.regions\.us-east-1\.eksClusterPerHour\.source: every price needs its source \(a URL or reference\), got nothing$/,
    );
    expect(() => withPriceOverride(PINNED_PRICES, noDate, "--prices ours.json")).toThrow(
      /^--prices ours\.json\.regions\.us-east-1\.eksClusterPerHour\.read: every price needs the date it was read/,
    );
  });

  it.each([
    ["no object", 5, 'price file: must be an object like { "regions": { "<aws region>": { ... } } }, got 5'],
    [
      "a negative price",
      { regions: { "us-east-1": { natGatewayPerGB: { usd: -1, source: "s", read: "2026-01-01" } } } },
      "price file.regions.us-east-1.natGatewayPerGB.usd: must be a price in USD of at least 0, got -1",
    ],
    [
      "a blank source",
      { regions: { "us-east-1": { natGatewayPerGB: { usd: 1, source: " ", read: "2026-01-01" } } } },
      'price file.regions.us-east-1.natGatewayPerGB.source: every price needs its source (a URL or reference), got " "',
    ],
    [
      "an estimate without its basis",
      { regions: { "us-east-1": { natGatewayPerGB: { usd: 1, source: "s", read: "2026-01-01", estimate: true } } } },
      "price file.regions.us-east-1.natGatewayPerGB.basis: an estimate must say what it is based on, got nothing",
    ],
    [
      "a misspelt price, which would otherwise never apply",
      { regions: { "us-east-1": { natGatewayPerGb: { usd: 1, source: "s", read: "2026-01-01" } } } },
      /^price file\.regions\.us-east-1\.natGatewayPerGb: unknown field \(expected ec2PerHour, .*\), got \{/,
    ],
    [
      "a tier without its upper bound",
      { regions: { "us-east-1": { dataTransferOutTiers: [{ usd: 0.05, source: "s", read: "2026-01-01" }] } } },
      "price file.regions.us-east-1.dataTransferOutTiers[0].upToGB: must be the tier's upper bound in GB, or null for none, got nothing",
    ],
  ])("refuses a price file with %s, in one line", (_what, override, line) => {
    expect(() => withPriceOverride(PINNED_PRICES, override)).toThrow(line);
  });

  it.each(["ap-south-1", "ap-southeast-1", "us-east-1", "eu-central-1"])(
    "prices %s: every catalogue type, the Redis node and the transfer tiers",
    (region) => {
      const p = PINNED_PRICES.regions[region];
      for (const type of Object.keys(INSTANCE_TYPES))
        expect([type, p.ec2PerHour[type]?.usd]).toEqual([type, expect.any(Number)]);
      expect(p.elasticachePerHour["cache.r7g.large"].usd).toBeGreaterThan(0);
      expect(p.publicIpv4PerHour.usd).toBe(0.005);
      const tiers = p.dataTransferOutTiers;
      expect(tiers.map((t) => t.upToGB)).toEqual([10240, 51200, 153600, null]);
      expect(tiers.map((t) => t.usd)).toEqual([...tiers.map((t) => t.usd)].sort((a, b) => b - a));
    },
  );

  it("takes an override file: a negotiated transfer price replaces the tiers, the rest stays pinned", () => {
    const table = withPriceOverride(PINNED_PRICES, {
      regions: {
        "ap-south-1": {
          dataTransferOutTiers: [
            { upToGB: null, usd: 0.02, source: "private pricing addendum 2026-07", read: "2026-07-01" },
          ],
        },
      },
    });
    expect(table.regions["ap-south-1"].dataTransferOutTiers).toHaveLength(1);
    expect(table.regions["ap-south-1"].ec2PerHour["c6i.2xlarge"].usd).toBe(0.34);
    expect(PINNED_PRICES.regions["ap-south-1"].dataTransferOutTiers).toHaveLength(4);
  });

  it("prices data transfer out by volume tier", () => {
    const tiers = PINNED_PRICES.regions["us-east-1"].dataTransferOutTiers;
    expect(tieredTransferUsd(0, tiers)).toBe(0);
    expect(tieredTransferUsd(1000, tiers)).toBeCloseTo(90, 9);
    expect(tieredTransferUsd(200_000, tiers)).toBeCloseTo(
      10240 * 0.09 + 40960 * 0.085 + 102400 * 0.07 + 46400 * 0.05,
      9,
    );
  });
});

describe("monthly cost, computed by hand from the pinned prices", () => {
  it("audio-heavy: 20,000 in audio rooms, 10 SFU nodes, Mumbai, 30 days, 8 h/day at peak", () => {
    // Prices (ap-south-1): c6i.2xlarge 0.34, c6i.4xlarge 0.68, m6i.xlarge 0.202, EKS 0.10, NAT 0.056/h and /GB,
    // ALB and NLB 0.0239/h, LCU 0.008, NLCU 0.006, cache.r7g.large 0.18544, gp3 0.0912, S3 0.025 + PUT 0.005,
    // logs 0.50 + 0.03, transfer 0.1093 / 0.085 / 0.082 / 0.08, in-region 0.01 each way.
    const p = PINNED_PRICES.regions["ap-south-1"];
    expect([
      p.ec2PerHour["c6i.2xlarge"].usd,
      p.ec2PerHour["m6i.xlarge"].usd,
      p.elasticachePerHour["cache.r7g.large"].usd,
    ]).toEqual([0.34, 0.202, 0.18544]);
    const plan = planOf({
      participants: 20_000,
      nodeType: "c6i.2xlarge",
      peakNodes: 10,
      minNodes: 3,
      egressMbps: 1000,
      ingressMbps: 100,
      kind: AUDIO_CALL,
      recordings: 10,
      egressPods: 4,
      egressIdlePods: 2,
      egressPodsPerNode: 3,
      egressPeakNodes: 2,
    });
    const c = estimateCost(plan, { awsRegion: "ap-south-1", usage: { daysPerMonth: 30 } });
    // 720 h: 240 at peak, 480 at 30% of peak = 384 peak-equivalent hours.
    expect(c.hours).toBe(720);
    expect(c.peakEquivalentHours).toBeCloseTo(384, 9);
    const E = 384;
    const recorderGB = GB(10 * 0.1, E); // a recorder receives both publishers' 50 kbps
    const turnMbps = 0.1 * (1000 + 100);
    const internetGB = GB(1000, E);
    const sfuNodeHours = 10 * 240 + Math.max(3, Math.ceil(10 * 0.3)) * 480;
    // Off-peak: 2 busy pods (30% of 4) and the idle pool of 2 the autoscaler keeps = 4 pods on 2 nodes.
    const offPeakEgressPods = Math.ceil(4 * 0.3) + Math.max(2, Math.ceil(Math.ceil(4 * 0.3) / 9));
    expect(offPeakEgressPods).toBe(4);
    const egressNodeHours = 2 * 240 + Math.ceil(offPeakEgressPods / 3) * 480;
    const recordedGB = GB(10 * 0.128, E);
    expectLines(c, {
      sfuNodes: sfuNodeHours * 0.34,
      egressNodes: egressNodeHours * 0.68,
      systemNodes: 3 * 720 * 0.202,
      eksControlPlane: 720 * 0.1,
      "natGateways: NAT gateway-hours": 3 * 720 * 0.056,
      "natGateways: NAT data processed": 100 * 0.056,
      // Every SFU and egress node while it runs, 3 NAT gateways' EIPs, the ALB and the NLB in each of 3 zones.
      publicIpv4: (sfuNodeHours + egressNodeHours + (3 + 2 * 3) * 720) * 0.005,
      "loadBalancers: ALB hours": 720 * 0.0239,
      "loadBalancers: ALB LCU": (20_000 / 3000) * E * 0.008,
      "loadBalancers: NLB hours": 720 * 0.0239,
      "loadBalancers: NLB NLCU": Math.max((20_000 * 2) / 50_000, GB(turnMbps, 1)) * E * 0.006,
      elasticache: 2 * 720 * 0.18544,
      ebs: (((sfuNodeHours + 3 * 720) * 20 + egressNodeHours * 40) / 720 + 100 + 20) * 0.0912,
      "s3Recordings: S3 Standard": recordedGB * (30 / 30) * 0.025,
      "s3Recordings: S3 PUT": ((recordedGB * 1024) / 5 / 1000) * 0.005,
      "cloudwatchLogs: control-plane logs ingested": 30 * 0.5,
      "cloudwatchLogs: control-plane logs stored": 30 * 0.03,
      // 20,000 x (2 PeerConnections x (2 + 10% relayed x 6) + 6 for the WebSocket) + 10 recorders x 2 x 4 a minute.
      "cloudwatchLogs: VPC flow log ingested": flowLogGB(20_000 * 11.2 + 80, E) * 0.5,
      "cloudwatchLogs: VPC flow log stored": flowLogGB(20_000 * 11.2 + 80, E) * (90 / 30) * 0.03,
      "dataTransferOut: SFU media": 10240 * 0.1093 + 40960 * 0.085 + 102400 * 0.082 + (internetGB - 153600) * 0.08,
      // Each recording downloaded once, at the tier the media has reached.
      "dataTransferOut: recording downloads": recordedGB * 0.08,
      "interAz: recording media": recorderGB * 0.02,
      "interAz: TURN relay": GB(turnMbps, E) * 0.02,
    });
    expect(c.monthlyUsd).toBe(17788.12);
    expect(c.estimate).toBe(true);
  });

  it("video meeting: 25,000 in 6-person meetings, 90 SFU nodes, us-east-1, 10 h/day at peak, savings plan and egress Spot", () => {
    const meeting = MEETING;
    const plan = planOf({
      participants: 25_000,
      nodeType: "c6i.2xlarge",
      peakNodes: 90,
      minNodes: 27,
      egressMbps: 60_000,
      ingressMbps: 16_000,
      kind: meeting,
      recordings: 200,
      egressPods: 200,
      egressIdlePods: 25,
      egressPodsPerNode: 3,
      egressPeakNodes: 67,
    });
    const c = estimateCost(plan, {
      awsRegion: "us-east-1",
      usage: { peakHoursPerDay: 10, offPeakShare: 0.2, daysPerMonth: 30 },
      purchase: { savingsPlanDiscount: 0.3, egressSpotShare: 0.5 },
    });
    // 720 h: 300 at peak, 420 at 20% = 384 peak-equivalent hours.
    const E = 300 + 420 * 0.2;
    const recorderGB = GB((200 * (6 * 32 + 6 * 500)) / 1000, E);
    const turnMbps = 0.1 * 76_000;
    const internetGB = GB(60_000, E);
    const recordedGB = GB(200 * 3.128, E);
    const egressUnit = 0.5 * 0.68 * 0.4 + 0.5 * 0.68 * 0.7;
    const sfuNodeHours = 90 * 300 + Math.max(27, 18) * 420;
    // Off-peak: 40 busy pods (20% of 200) and the idle pool of 25 (above 10% of all pods) = 65 pods on 22 nodes.
    const egressNodeHours = 67 * 300 + Math.ceil((40 + 25) / 3) * 420;
    expectLines(c, {
      sfuNodes: sfuNodeHours * 0.34 * 0.7,
      egressNodes: egressNodeHours * egressUnit,
      systemNodes: 3 * 720 * 0.192 * 0.7,
      eksControlPlane: 72,
      "natGateways: NAT gateway-hours": 3 * 720 * 0.045,
      "natGateways: NAT data processed": 100 * 0.045,
      publicIpv4: (sfuNodeHours + egressNodeHours + 9 * 720) * 0.005,
      "loadBalancers: ALB hours": 720 * 0.0225,
      "loadBalancers: ALB LCU": (25_000 / 3000) * E * 0.008,
      "loadBalancers: NLB hours": 720 * 0.0225,
      "loadBalancers: NLB NLCU": GB(turnMbps, 1) * E * 0.006,
      elasticache: 2 * 720 * 0.1752,
      ebs: (((sfuNodeHours + 3 * 720) * 20 + egressNodeHours * 40) / 720 + 120) * 0.08,
      "s3Recordings: S3 Standard": recordedGB * 0.023,
      "s3Recordings: S3 PUT": ((recordedGB * 1024) / 5 / 1000) * 0.005,
      "cloudwatchLogs: control-plane logs ingested": 15,
      "cloudwatchLogs: control-plane logs stored": 0.9,
      "cloudwatchLogs: VPC flow log ingested": flowLogGB(25_000 * 11.2 + 200 * 8, E) * 0.5,
      "cloudwatchLogs: VPC flow log stored": flowLogGB(25_000 * 11.2 + 200 * 8, E) * (90 / 30) * 0.03,
      "dataTransferOut: SFU media": 10240 * 0.09 + 40960 * 0.085 + 102400 * 0.07 + (internetGB - 153600) * 0.05,
      "dataTransferOut: recording downloads": recordedGB * 0.05,
      "interAz: recording media": recorderGB * 0.02,
      "interAz: TURN relay": GB(turnMbps, E) * 0.02,
    });
    expect(c.monthlyUsd).toBe(549949.11);
    expect(c.notes).toEqual([expect.stringMatching(/what-if/)]);
  });

  it("livestream: 25,000 watching 1-to-300 streams on c7i.4xlarge, Frankfurt, the default month, one NAT gateway, 7-day retention", () => {
    const stream: RoomMixEntry = {
      name: "stream",
      share: 1,
      publishers: 1,
      subscribers: 300,
      audioKbps: 48,
      videoLayersKbps: [150, 500, 1700],
      videoReceive: [{ tracks: 1, kbps: 1700 }],
    };
    const plan = planOf({
      participants: 25_000,
      nodeType: "c7i.4xlarge",
      peakNodes: 20,
      minNodes: 6,
      egressMbps: 40_000,
      ingressMbps: 150,
      kind: stream,
      recordings: 5,
      egressPods: 5,
      egressIdlePods: 2,
      egressPodsPerNode: 3,
      egressPeakNodes: 2,
    });
    const c = estimateCost(plan, {
      awsRegion: "eu-central-1",
      platform: { natGateways: 1, recordingRetentionDays: 7 },
    });
    const p = PINNED_PRICES.regions["eu-central-1"];
    const c7i = p.ec2PerHour["c7i.4xlarge"].usd; // 0.714 x 0.097 / 0.085 (an estimate from the c6i ratio)
    expect(c7i).toBe(0.8148);
    // Default month: 30.42 days = 730.08 h; 8 h/day at peak = 243.36 h, the rest at 30%.
    const H = 24 * 30.42;
    const P = 8 * 30.42;
    const E = P + (H - P) * 0.3;
    const recorderGB = GB(5 * 1.748, E);
    const turnMbps = 0.1 * 40_150;
    const internetGB = GB(40_000, E);
    const recordedGB = GB(5 * 3.128, E);
    const sfuNodeHours = 20 * P + 6 * (H - P);
    // Off-peak: 2 busy pods and the idle pool of 2 = 4 pods on 2 nodes.
    const egressNodeHours = 2 * P + Math.ceil((2 + 2) / 3) * (H - P);
    expectLines(c, {
      sfuNodes: sfuNodeHours * c7i,
      egressNodes: egressNodeHours * 0.776,
      systemNodes: 3 * H * 0.23,
      eksControlPlane: H * 0.1,
      "natGateways: NAT gateway-hours": 1 * H * 0.052,
      "natGateways: NAT data processed": 100 * 0.052,
      // One NAT gateway's EIP; the ALB and NLB in the default 3 zones.
      publicIpv4: (sfuNodeHours + egressNodeHours + (1 + 2 * 3) * H) * 0.005,
      "loadBalancers: ALB hours": H * 0.027,
      "loadBalancers: ALB LCU": (25_000 / 3000) * E * 0.0088,
      "loadBalancers: NLB hours": H * 0.027,
      "loadBalancers: NLB NLCU": GB(turnMbps, 1) * E * 0.0066,
      elasticache: 2 * H * 0.20992,
      ebs: (((sfuNodeHours + 3 * H) * 20 + egressNodeHours * 40) / H + 120) * 0.0952,
      "s3Recordings: S3 Standard": recordedGB * (7 / 30.42) * 0.0245,
      "s3Recordings: S3 PUT": ((recordedGB * 1024) / 5 / 1000) * 0.0054,
      "cloudwatchLogs: control-plane logs ingested": 30.42 * 0.63,
      "cloudwatchLogs: control-plane logs stored": 30.42 * 0.0324,
      "cloudwatchLogs: VPC flow log ingested": flowLogGB(25_000 * 11.2 + 5 * 8, E) * 0.63,
      "cloudwatchLogs: VPC flow log stored": flowLogGB(25_000 * 11.2 + 5 * 8, E) * (90 / 30.42) * 0.0324,
      "dataTransferOut: SFU media": 10240 * 0.09 + 40960 * 0.085 + 102400 * 0.07 + (internetGB - 153600) * 0.05,
      "dataTransferOut: recording downloads": recordedGB * 0.05,
      "interAz: recording media": recorderGB * 0.02,
      "interAz: TURN relay": GB(turnMbps, E) * 0.02,
    });
    expect(c.monthlyUsd).toBe(357048.52);
  });
});

/** 20,000 in 1:1 audio calls on 10 SFU nodes (3 at the floor), 4 busy recorder pods with an idle pool of 2. */
/** The same plan sized with no participant relayed by TURN. */
const unrelayed = (plan: CapacityPlan): CapacityPlan => ({ ...plan, turn: { ...plan.turn, relayShare: 0 } });

const audioCalls = (overrides: Partial<Scenario> = {}) =>
  planOf({
    participants: 20_000,
    nodeType: "c6i.2xlarge",
    peakNodes: 10,
    minNodes: 3,
    egressMbps: 1000,
    ingressMbps: 100,
    kind: AUDIO_CALL,
    recordings: 10,
    egressPods: 4,
    egressIdlePods: 2,
    egressPodsPerNode: 3,
    egressPeakNodes: 2,
    ...overrides,
  });

const quantity = (c: CostEstimate, prefix: string) =>
  c.lines.find((l) => `${l.group}: ${l.item}`.startsWith(prefix))!.quantity;

describe("the VPC flow log in CloudWatch Logs", () => {
  const H = 24 * 30.42;
  const E = 8 * 30.42 + (H - 8 * 30.42) * 0.3;
  const flowLog = (c: CostEstimate) => ({
    gib: quantity(c, "cloudwatchLogs: VPC flow log ingested"),
    ingestUsd: line(c, "cloudwatchLogs: VPC flow log ingested"),
    storedGiBMonths: quantity(c, "cloudwatchLogs: VPC flow log stored"),
  });

  it("counts a record a minute per flow direction and interface: media, TURN relay, signalling and recorders", () => {
    const relayed = flowLog(estimateCost(audioCalls(), { awsRegion: "ap-south-1" }));
    expect(relayed.gib).toBeCloseTo(flowLogGB(20_000 * (2 * (2 + 0.1 * 6) + 6) + 10 * 2 * 4, E), 6);
    // Without TURN relaying, each PeerConnection is its two records on the SFU node alone.
    const direct = flowLog(estimateCost(unrelayed(audioCalls()), { awsRegion: "ap-south-1" }));
    expect(direct.gib).toBeCloseTo(flowLogGB(20_000 * (2 * 2 + 6) + 10 * 2 * 4, E), 6);
    // Stored for the flow log's retention, 90 days by default: three months of it at any time.
    expect(relayed.storedGiBMonths).toBeCloseTo(relayed.gib * (90 / 30.42), 6);
    const kept30 = estimateCost(audioCalls(), { awsRegion: "ap-south-1", platform: { flowLogRetentionDays: 30 } });
    expect(flowLog(kept30).storedGiBMonths).toBeCloseTo(relayed.gib * (30 / 30.42), 6);
  });

  it("prices ingestion at the region's vended-logs tiers: past 10 TB a month, the next tier's price", () => {
    const large = flowLog(estimateCost(audioCalls({ participants: 400_000 }), { awsRegion: "ap-south-1" }));
    const gib = flowLogGB(400_000 * 11.2 + 80, E);
    expect(gib).toBeGreaterThan(10240);
    expect(large.gib).toBeCloseTo(gib, 6);
    expect(large.ingestUsd).toBe(cents(10240 * 0.5 + (gib - 10240) * 0.25));
    const singapore = flowLog(estimateCost(audioCalls(), { awsRegion: "ap-southeast-1" }));
    expect(singapore.ingestUsd).toBe(cents(singapore.gib * 0.7));
  });
});

describe("the usage profile over a week", () => {
  // 28 days: 20 weekdays and 8 weekend days; 8 h at peak, 16 h at 30% of it.
  const week = (weekendShare: number) =>
    estimateCost(audioCalls(), { awsRegion: "ap-south-1", usage: { daysPerMonth: 28, weekendShare } });

  it("bills traffic for weekdays and for weekend days at their share of a weekday's load", () => {
    const c = week(0.5);
    // 20 x (8 + 16 x 0.3) + 8 x 0.5 x (8 + 16 x 0.3) = 256 + 51.2
    expect(c.peakEquivalentHours).toBeCloseTo(307.2, 9);
    expect(c.traffic.internetOutGB).toBeCloseTo(GB(1000, 307.2), 6);
    // SFU: weekdays 10 nodes at peak, the floor of 3 off-peak; weekends 5 at their peak (50%), the floor after (15%).
    expect(quantity(c, "sfuNodes")).toBeCloseTo(20 * (10 * 8 + 3 * 16) + 8 * (5 * 8 + 3 * 16), 9);
    // Egress: 2 nodes whenever 2 busy pods and the pool of 2 run; 1 node for weekend nights (1 busy + 2 idle).
    expect(quantity(c, "egressNodes")).toBeCloseTo(20 * (2 * 8 + 2 * 16) + 8 * (2 * 8 + 1 * 16), 9);
  });

  it("keeps the always-on lines at every hour of the month, weekends included", () => {
    for (const c of [week(1), week(0.5), week(0)]) {
      expect(c.hours).toBe(672);
      expect(quantity(c, "eksControlPlane")).toBe(672);
      expect(quantity(c, "systemNodes")).toBe(3 * 672);
      expect(quantity(c, "natGateways: NAT gateway-hours")).toBe(3 * 672);
      expect(quantity(c, "elasticache")).toBe(2 * 672);
      expect(quantity(c, "loadBalancers: ALB hours")).toBe(672);
      expect(quantity(c, "loadBalancers: NLB hours")).toBe(672);
    }
  });

  it("runs every day as a weekday at a weekend share of 1 (the default), and only the floors at 0", () => {
    expect(week(1).peakEquivalentHours).toBeCloseTo(28 * 12.8, 9);
    expect(quantity(week(1), "sfuNodes")).toBeCloseTo(28 * (10 * 8 + 3 * 16), 9);
    const idle = week(0);
    expect(idle.peakEquivalentHours).toBeCloseTo(20 * 12.8, 9);
    // Weekends: the SFU floor of 3 and the recorders' idle pool of 2 (one node), all day.
    expect(quantity(idle, "sfuNodes")).toBeCloseTo(20 * 128 + 8 * 3 * 24, 9);
    expect(quantity(idle, "egressNodes")).toBeCloseTo(20 * 48 + 8 * 1 * 24, 9);
  });

  it("refuses a month of working days: the days are the month's, weekends are weekendShare", () => {
    expect(() => parseInput(costFields.daysPerMonth, 22, { keyOf: () => "daysPerMonth" })).toThrow(
      "daysPerMonth: must be the days in a month, from 28 to 31 (weekends are weekendShare), got 22",
    );
    const days = (value: number) => parseInput(costFields.daysPerMonth, value, { keyOf: () => "daysPerMonth" });
    for (const ok of [28, 30.42, 31]) expect(days(ok)).toBe(ok);
    expect(() => days(27.9)).toThrow(InputError);
    expect(() => days(31.1)).toThrow(InputError);
  });
});

describe("public IPv4 addresses", () => {
  it("counts every SFU and egress node-hour, each NAT gateway's EIP and the ALB's and NLB's address in each zone", () => {
    const c = estimateCost(audioCalls(), {
      awsRegion: "ap-south-1",
      usage: { daysPerMonth: 30 },
      platform: { natGateways: 1, availabilityZones: 2 },
    });
    const nodeHours = quantity(c, "sfuNodes") + quantity(c, "egressNodes");
    expect(nodeHours).toBe(10 * 240 + 3 * 480 + 2 * 240 + 2 * 480);
    expect(quantity(c, "publicIpv4")).toBe(nodeHours + (1 + 2 * 2) * 720);
    expect(c.byGroup.publicIpv4).toBe(cents((nodeHours + 5 * 720) * 0.005));
    expect(PINNED_PRICES.regions["ap-south-1"].publicIpv4PerHour.usd).toBe(0.005);
    // A third zone adds the ALB's and the NLB's address there: two more addresses every hour.
    const threeZones = estimateCost(audioCalls(), {
      awsRegion: "ap-south-1",
      usage: { daysPerMonth: 30 },
      platform: { natGateways: 1, availabilityZones: 3 },
    });
    expect(quantity(threeZones, "publicIpv4") - quantity(c, "publicIpv4")).toBe(2 * 720);
  });
});

describe("the recorders' idle pool", () => {
  const egressHours = (pods: number, idlePods: number, peakNodes: number, offPeakShare: number) =>
    quantity(
      estimateCost(audioCalls({ egressPods: pods, egressIdlePods: idlePods, egressPeakNodes: peakNodes }), {
        awsRegion: "ap-south-1",
        usage: { daysPerMonth: 30, offPeakShare },
      }),
      "egressNodes",
    );

  it("is kept off-peak: busy pods of the load plus the pool, or 10% of all pods when that is more", () => {
    // 300 busy at peak (112 nodes). At 30%: 90 busy + the pool of 20 = 110 pods, 37 nodes.
    expect(egressHours(300, 20, 112, 0.3)).toBe(112 * 240 + 37 * 480);
    // At 70%: 210 busy; 10% of all pods is 24 (210 x 0.1 / 0.9 rounded up), above the pool: 234 pods, 78 nodes.
    expect(egressHours(300, 20, 112, 0.7)).toBe(112 * 240 + 78 * 480);
  });

  it("runs no egress node when nothing is recorded", () => {
    expect(egressHours(0, 0, 0, 0.3)).toBe(0);
  });
});

describe("recording downloads and the internet transfer line", () => {
  const plan = audioCalls();
  const base = estimateCost(plan, { awsRegion: "ap-south-1", usage: { daysPerMonth: 30 } });
  const mediaGB = base.traffic.internetOutGB;
  const recordedGB = GB(10 * 0.128, 384);
  // Two tiers: 10 GiB past the media at 0.10, the rest at 0.05.
  const tiers = withPriceOverride(PINNED_PRICES, {
    regions: {
      "ap-south-1": {
        dataTransferOutTiers: [
          { upToGB: mediaGB + 10, usd: 0.1, source: "a test", read: "2026-12-07" },
          { upToGB: null, usd: 0.05, source: "a test", read: "2026-12-07" },
        ],
      },
    },
  });
  const withDownloads = (recordingDownloads: number, negotiatedDataTransferOutPerGiB?: number) =>
    estimateCost(plan, {
      awsRegion: "ap-south-1",
      prices: tiers,
      usage: { daysPerMonth: 30, recordingDownloads },
      negotiatedDataTransferOutPerGiB,
    });

  it("prices downloads from S3 at the volume tiers the media has not used up", () => {
    expect(recordedGB).toBeGreaterThan(10);
    const c = withDownloads(1);
    expect(c.traffic.recordingDownloadGB).toBeCloseTo(recordedGB, 9);
    expect(line(c, "dataTransferOut: SFU media")).toBe(cents(mediaGB * 0.1));
    expect(line(c, "dataTransferOut: recording downloads")).toBe(cents(10 * 0.1 + (recordedGB - 10) * 0.05));
    expect(line(withDownloads(2), "dataTransferOut: recording downloads")).toBe(
      cents(10 * 0.1 + (2 * recordedGB - 10) * 0.05),
    );
    expect(line(withDownloads(0), "dataTransferOut: recording downloads")).toBe(0);
  });

  it("states GiB a month, the list price per GiB, its share, and the month under a negotiated price", () => {
    const c = withDownloads(1, 0.03);
    const t = c.dataTransferOut;
    expect(t.gib).toBeCloseTo(mediaGB + recordedGB, 9);
    expect(t.usd).toBe(c.byGroup.dataTransferOut);
    expect(t.usdPerGiB).toBeCloseTo(c.byGroup.dataTransferOut / (mediaGB + recordedGB), 12);
    expect(t.share).toBeCloseTo(c.byGroup.dataTransferOut / c.monthlyUsd, 12);
    expect(t.negotiated).toEqual({
      usdPerGiB: 0.03,
      usd: cents((mediaGB + recordedGB) * 0.03),
      monthlyUsd: cents(c.monthlyUsd - c.byGroup.dataTransferOut + cents((mediaGB + recordedGB) * 0.03)),
    });
    // The list figures stay the bill.
    expect(c.monthlyUsd).toBe(withDownloads(1).monthlyUsd);
    expect(withDownloads(1).dataTransferOut.negotiated).toBeUndefined();
    expect(withDownloads(1, 0).dataTransferOut.negotiated!.monthlyUsd).toBe(
      cents(c.monthlyUsd - c.byGroup.dataTransferOut),
    );
  });
});

describe("cost per participant-minute", () => {
  it("divides the month by the participants the nodes carry over the peak-equivalent hours", () => {
    const c = estimateCost(audioCalls(), {
      awsRegion: "ap-south-1",
      usage: { daysPerMonth: 30 },
      negotiatedDataTransferOutPerGiB: 0.03,
    });
    const minutes = 20_000 * 384 * 60;
    expect(c.participantMinutes).toBeCloseTo(minutes, 3);
    // Recording: the egress nodes with their addresses and root volumes, S3, the recorders' hop, the downloads.
    const egressNodeHours = quantity(c, "egressNodes");
    expect(c.recordingUsd).toBe(
      cents(
        c.byGroup.egressNodes +
          c.byGroup.s3Recordings +
          line(c, "interAz: recording media") +
          line(c, "dataTransferOut: recording downloads") +
          egressNodeHours * 0.005 +
          ((egressNodeHours * 40) / 720) * 0.0912,
      ),
    );
    expect(c.perParticipantMinute.usd).toBeCloseTo(c.monthlyUsd / minutes, 15);
    expect(c.perParticipantMinute.withoutRecordingUsd).toBeCloseTo((c.monthlyUsd - c.recordingUsd) / minutes, 15);
    expect(c.perParticipantMinute.negotiated!.withoutRecordingUsd).toBeCloseTo(
      (c.dataTransferOut.negotiated!.monthlyUsd - c.recordingUsd) / minutes,
      15,
    );
  });

  it.each([
    [100, 102],
    [500, 506],
    [25_000, 25_351],
  ])("at %i participants in mixed, counts the %i the nodes carry, not a full room of every kind", (target, carried) => {
    const plan = planCapacity({
      targetParticipants: target,
      mix: parseRoomMix("mixed"),
      nodeType: "c6i.2xlarge",
      targetUtilisation: 0.6,
      recordingShare: 0.05,
    });
    const c = estimateCost(plan, { awsRegion: "ap-south-1" });
    const E = 8 * 30.42 + 16 * 30.42 * 0.3;
    expect(plan.load.participants).toBeCloseTo(carried, 9);
    expect(c.participantMinutes).toBeCloseTo(carried * E * 60, 3);
    expect(c.traffic.internetOutGB).toBeCloseTo(GB(plan.load.egressMbps, E), 6);
  });
});

describe("the cost of the shipped stacks' demand", () => {
  const mumbai = (mix: string) =>
    estimateCost(
      planCapacity({
        targetParticipants: 25_000,
        mix: parseRoomMix(mix),
        nodeType: "c6i.2xlarge",
        targetUtilisation: 0.6,
        recordingShare: 0.05,
      }),
      { awsRegion: "ap-south-1" },
    );

  it("is dominated by data transfer out for every mix with video", () => {
    for (const mix of ["mixed", "meetings", "webinar", "livestream"]) {
      const c = mumbai(mix);
      expect([mix, c.byGroup.dataTransferOut / c.monthlyUsd > 0.8]).toEqual([mix, true]);
    }
  });

  it("bills the relay share the plan was sized with: one constant for the nodes' relay traffic and the bill", () => {
    const relayed = (turnRelayShare?: number) => {
      const plan = planCapacity({
        targetParticipants: 25_000,
        mix: parseRoomMix("mixed"),
        nodeType: "c6i.2xlarge",
        targetUtilisation: 0.6,
        recordingShare: 0.05,
        turnRelayShare,
      });
      const c = estimateCost(plan, { awsRegion: "ap-south-1" });
      return { plan, gb: c.traffic.turnGB, hop: line(c, "interAz: TURN relay") };
    };
    const shipped = relayed();
    expect(shipped.plan.turn.relayShare).toBe(DEFAULT_TURN_RELAY_SHARE);
    // The bill's relayed bytes are the plan's relay traffic (per direction), for the month's peak-equivalent hours.
    const E = 8 * 30.42 + 16 * 30.42 * 0.3;
    expect(shipped.gb).toBeCloseTo(GB(shipped.plan.load.relayMbps, E), 6);
    const doubled = relayed(2 * DEFAULT_TURN_RELAY_SHARE);
    expect(doubled.gb).toBeCloseTo(2 * shipped.gb, 6);
    expect(doubled.hop).toBeCloseTo(2 * shipped.hop, 1);
  });

  it("refuses a region without prices, naming the priced ones", () => {
    const plan = planCapacity({
      targetParticipants: 1000,
      mix: parseRoomMix("audio"),
      nodeType: "c6i.2xlarge",
      targetUtilisation: 0.6,
      recordingShare: 0,
    });
    expect(() => estimateCost(plan, { awsRegion: "sa-east-1" })).toThrow(
      /^awsRegion: no prices for this region \(priced: us-east-1, ap-south-1, ap-southeast-1, eu-central-1; add it with a price file\), got "sa-east-1"$/,
    );
  });
});

describe("the instance catalogue", () => {
  it("has the compute, network-optimised, general and Graviton families, xlarge to 8xlarge", () => {
    const families = [...new Set(Object.keys(INSTANCE_TYPES).map(familyOf))];
    expect(families.sort()).toEqual(["c6i", "c6in", "c7a", "c7g", "c7gn", "c7i", "c8g", "m6i", "m7i"]);
    for (const f of families) expect(CPU_FACTOR_BY_FAMILY[f].basis).toBeTruthy();
    expect(INSTANCE_TYPES["c7gn.2xlarge"]).toMatchObject({ arch: "arm64", vcpu: 8, baselineBandwidthMbps: 25000 });
  });

  it("names the known types in one line for an unknown one", () => {
    const err = () =>
      planCapacity({
        targetParticipants: 100,
        mix: parseRoomMix("audio"),
        nodeType: "c5.2xlarge",
        targetUtilisation: 0.6,
        recordingShare: 0,
      });
    expect(err).toThrow(/^nodeType: unknown node type \(known: c6i\.xlarge, .*c8g\.8xlarge\), got "c5\.2xlarge"$/);
  });

  it("uses the family's CPU factor unless capacity.cpuEfficiency is given", () => {
    const p = (nodeType: string, cpuEfficiency?: number) =>
      planCapacity({
        targetParticipants: 25_000,
        mix: parseRoomMix("meetings"),
        nodeType,
        targetUtilisation: 0.6,
        recordingShare: 0,
        cpuEfficiency,
      });
    expect(p("c7a.2xlarge").sfu.cpuNodes).toBeCloseTo(p("c7a.2xlarge", 1).sfu.cpuNodes / 1.25, 9);
    expect(p("c6i.2xlarge").sfu.peakNodes).toBe(p("c6i.2xlarge", 1).sfu.peakNodes);
  });
});

describe("sanity bounds", () => {
  const plan = planCapacity({
    targetParticipants: 25_000,
    mix: parseRoomMix("mixed"),
    nodeType: "c6i.2xlarge",
    targetUtilisation: 0.6,
    recordingShare: 0.05,
  });

  it("refuses more SFU nodes than the ceiling, saying how many the region needs", () => {
    expect(() => checkSanityBounds(plan, { maxSfuNodes: 50 })).toThrow(
      new RegExp(
        `^maxSfuNodes: the region needs ${plan.sfu.maxNodes} SFU nodes \\(${plan.sfu.peakNodes} at peak, with headroom\\) of c6i\\.2xlarge, above the ceiling of 50: .*, got 50$`,
      ),
    );
    expect(() => checkSanityBounds(plan, { maxSfuNodes: plan.sfu.maxNodes })).not.toThrow();
  });

  it("refuses more vCPU than the account quota, saying how many the region needs", () => {
    const total = plan.sfu.maxNodes * 8 + plan.karpenter.egressCpuLimit + 6 * 4;
    const bounds = { vcpuQuota: 1000, systemNodes: { count: 6, vcpu: 4 } };
    expect(() => checkSanityBounds(plan, bounds)).toThrow(
      new RegExp(`^vcpuQuota: the region needs ${total} vCPU at the autoscalers' maximum`),
    );
    expect(() => checkSanityBounds(plan, { ...bounds, vcpuQuota: total })).not.toThrow();
    // Without system nodes given, they count as none (not as an unknown that no quota could refuse).
    const withoutSystem = total - 6 * 4;
    expect(() => checkSanityBounds(plan, { vcpuQuota: withoutSystem - 1 })).toThrow(
      new RegExp(`^vcpuQuota: the region needs ${withoutSystem} vCPU .*system 0\\)`),
    );
  });

  it("stops a region stack whose SFU type is arm64 (the stacks build x86_64 nodes)", () => {
    const settings = {
      capacity: {
        targetParticipants: 1000,
        mix: parseRoomMix("audio"),
        targetUtilisation: 0.6,
        recordingShare: 0,
        egressNodeType: "c6i.4xlarge",
      },
      turn: { relayPortRange: { start: 40000, end: 49999 } },
      sfuNodes: { instanceType: "c7g.2xlarge" },
      karpenter: {},
    };
    expect(() => sizeRegion(settings)).toThrow(InputError);
    expect(() => sizeRegion(settings)).toThrow(/arm64 \(Graviton\)/);
  });
});

describe("the capacity command's costs", () => {
  function run(...argv: string[]) {
    const log: string[] = [];
    const error: string[] = [];
    const code = main(argv, { log: (l) => log.push(l), error: (l) => error.push(l) });
    return { code, log, err: error };
  }

  it("prices each region by its stack file's aws:region, or the name when it is an AWS region", () => {
    expect(awsRegionOf("mumbai", "us-east-1")).toBe("ap-south-1");
    expect(awsRegionOf("singapore", "us-east-1")).toBe("ap-southeast-1");
    expect(awsRegionOf("eu-central-1", "us-east-1")).toBe("eu-central-1");
    expect(awsRegionOf("elsewhere", "us-east-1")).toBe("us-east-1");
  });

  it("--json is one JSON document whose costs match the cost model", () => {
    const { code, log, err } = run("--participants", "50000", "--regions", "mumbai,eu-central-1", "--json");
    expect([code, err]).toEqual([0, []]);
    expect(log).toHaveLength(1);
    const doc = JSON.parse(log[0]);
    const [mumbai, frankfurt] = doc.regions;
    expect([mumbai.awsRegion, frankfurt.awsRegion]).toEqual(["ap-south-1", "eu-central-1"]);
    expect(mumbai.cost.monthlyUsd).toBe(estimateCost(mumbai.plan, { awsRegion: "ap-south-1" }).monthlyUsd);
    expect(doc.monthlyUsd).toBeCloseTo(mumbai.cost.monthlyUsd + frankfurt.cost.monthlyUsd, 2);
  });

  it("--cost prints the breakdown by item with a total row", () => {
    const { code, log } = run("--participants", "25000", "--regions", "mumbai", "--cost", "--savings-plan", "0.3");
    expect(code).toBe(0);
    const out = log.join("\n");
    expect(out).toMatch(/^Cost breakdown, USD a month:$/m);
    expect(out).toMatch(/^dataTransferOut\s+\$[\d,]+\s+\d+%$/m);
    expect(out).toMatch(/^total\s+\$[\d,]+\s+100%$/m);
    expect(out).toMatch(/savings plan 30%/);
  });

  it("prints internet transfer (GiB, list $/GiB, share) and the month under --negotiated-transfer, as the JSON has them", () => {
    const listOnly = run("--participants", "25000", "--regions", "mumbai");
    expect(listOnly.log).toContainEqual(
      expect.stringMatching(
        /^Internet transfer: [\d,]+ GiB a month \([\d.]+ PB decimal\) at \$0\.0801\/GiB list = \$[\d,]+, 9\d% of the month; give a negotiated price per GiB with --negotiated-transfer <USD>\.$/,
      ),
    );
    const args = ["--participants", "25000", "--regions", "mumbai", "--negotiated-transfer", "0.03"];
    const [region] = JSON.parse(run(...args, "--json").log[0]).regions;
    const t = region.cost.dataTransferOut;
    const usd = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;
    expect(run(...args).log).toContain(
      `Internet transfer: ${Math.round(t.gib).toLocaleString("en-US")} GiB a month (${((t.gib * 2 ** 30) / 1e15).toFixed(2)} PB decimal) at $0.0801/GiB list = ${usd(t.usd)}, ${Math.round(t.share * 100)}% of the month; ` +
        `at the negotiated $0.03/GiB: ${usd(t.negotiated.usd)}, ${usd(t.negotiated.monthlyUsd)} a month in all.`,
    );
  });

  it("prints the cost per participant-minute beside the managed services'", () => {
    const { log } = run("--participants", "25000", "--regions", "mumbai");
    const perMinute = log.find((l) => l.startsWith("Per participant-minute"))!;
    expect(perMinute).toMatch(
      /^Per participant-minute \([\d,.]+ M participant-minutes a month\): self-hosted \$0\.000\d+, \$0\.000\d+ without recording; the calls alone on managed services at list: LiveKit Cloud \$[\d.]+\*, Amazon Chime SDK \$0\.0017\*, Agora Video Calling \$[\d.]+, Cloudflare RealtimeKit \$[\d.]+ \(\* an estimate: lib\/prices\/managed-alternatives\.json\)\.$/,
    );
  });

  it("models weekends with --weekend-share, not fewer days: --days is the month's length", () => {
    const json = (...extra: string[]) =>
      JSON.parse(run("--participants", "25000", "--regions", "mumbai", "--json", ...extra).log[0]).regions[0].cost;
    const weekdays = json("--weekend-share", "0");
    expect(weekdays.usage).toMatchObject({ weekendShare: 0, daysPerMonth: 30.42 });
    expect(weekdays.hours).toBeCloseTo(24 * 30.42, 9);
    expect(weekdays.peakEquivalentHours).toBeCloseTo(json().peakEquivalentHours * (5 / 7), 9);
    const { code, log, err } = run("--participants", "25000", "--days", "22");
    expect([code, log]).toEqual([2, []]);
    expect(err).toEqual([
      "error: usage.daysPerMonth: must be the days in a month, from 28 to 31 (weekends are weekendShare), got 22",
    ]);
  });

  it("--types lists every node type with its internet cap, arch, CPU factor and price per region", () => {
    const { code, log } = run("--types");
    expect(code).toBe(0);
    const row = log
      .find((l) => l.startsWith("c7gn.2xlarge "))!
      .trim()
      .split(/\s+/);
    // vCPU, memory, baseline, burst, internet (capped at 5 Gbps under 32 vCPU), arch, factor, 4 prices
    expect(row.slice(0, 9)).toEqual([
      "c7gn.2xlarge",
      "8",
      "16",
      "25,000",
      "50,000",
      "5,000",
      "arm64",
      "1.00",
      "0.4992*",
    ]);
    expect(log.filter((l) => /^[a-z0-9]+\.\d*xlarge /.test(l))).toHaveLength(Object.keys(INSTANCE_TYPES).length);
  });

  it("stops with one line when the demand needs more than the ceiling", () => {
    const { code, log, err } = run("--participants", "50000", "--max-sfu-nodes", "100");
    expect([code, log]).toEqual([2, []]);
    expect(err).toEqual([expect.stringMatching(/^error: maxSfuNodes: the region needs \d+ SFU nodes/)]);
  });
});

describe("the SFU node floor", () => {
  it("runs at peak too when a small region's peak needs fewer nodes than the floor", () => {
    // The HPA's minimum and the node group's floor run whatever the load: 1 node of load at peak still runs 2.
    const c = estimateCost(audioCalls({ peakNodes: 1, minNodes: MIN_HA_NODES }), {
      awsRegion: "ap-south-1",
      usage: { daysPerMonth: 30 },
    });
    expect(quantity(c, "sfuNodes")).toBe(MIN_HA_NODES * 24 * 30);
    // The same through the capacity model: 100 in audio calls need one node at peak, below the floor.
    const small = planCapacity({
      targetParticipants: 100,
      mix: parseRoomMix("audio"),
      nodeType: "c6i.2xlarge",
      targetUtilisation: 0.6,
      recordingShare: 0,
    });
    expect([small.sfu.peakNodes, small.sfu.minNodes]).toEqual([1, MIN_HA_NODES]);
    const month = estimateCost(small, { awsRegion: "ap-south-1", usage: { daysPerMonth: 30 } });
    expect(quantity(month, "sfuNodes")).toBe(MIN_HA_NODES * 720);
    expect(line(month, "sfuNodes")).toBe(cents(MIN_HA_NODES * 720 * 0.34));
  });
});

describe("the estimate's groups, lines and notes, as the capacity command prints them", () => {
  const c = estimateCost(audioCalls(), { awsRegion: "ap-south-1", usage: { daysPerMonth: 30 } });

  it("sums every group's lines to the cent, each of the thirteen groups the breakdown prints", () => {
    const groups = [
      "cloudwatchLogs",
      "dataTransferOut",
      "ebs",
      "egressNodes",
      "eksControlPlane",
      "elasticache",
      "interAz",
      "loadBalancers",
      "natGateways",
      "publicIpv4",
      "s3Recordings",
      "sfuNodes",
      "systemNodes",
    ];
    expect(Object.keys(c.byGroup).sort()).toEqual(groups);
    expect([...new Set(c.lines.map((l) => l.group))].sort()).toEqual(groups);
    for (const g of groups) {
      const sum = c.lines.filter((l) => l.group === g).reduce((s, l) => s + l.monthlyUsd, 0);
      expect([g, c.byGroup[g as keyof typeof c.byGroup]]).toEqual([g, cents(sum)]);
    }
    expect(c.currency).toBe("USD");
  });

  it("names each line by what it counts, the node and cache types, the gateways, zones, retention and downloads", () => {
    expect(c.lines.map((l) => [`${l.group}: ${l.item}`, l.unit])).toEqual([
      ["sfuNodes: c6i.2xlarge node-hours", "node-hour"],
      ["egressNodes: c6i.4xlarge node-hours", "node-hour"],
      ["systemNodes: m6i.xlarge node-hours", "node-hour"],
      ["eksControlPlane: cluster-hours", "hour"],
      ["natGateways: NAT gateway-hours", "hour"],
      ["natGateways: NAT data processed (private nodes: image pulls, AWS APIs)", "GiB"],
      ["publicIpv4: address-hours (SFU and egress nodes; 3 NAT gateways; ALB and NLB in 3 zones)", "address-hour"],
      ["loadBalancers: ALB hours", "hour"],
      ["loadBalancers: ALB LCU-hours (active WebSockets)", "LCU-hour"],
      ["loadBalancers: NLB hours", "hour"],
      ["loadBalancers: NLB NLCU-hours (TURN bytes)", "NLCU-hour"],
      ["elasticache: cache.r7g.large node-hours", "node-hour"],
      ["ebs: gp3 GiB-months (node roots, Prometheus, Grafana)", "GiB-month"],
      ["s3Recordings: S3 Standard GiB-months (at the retention)", "GiB-month"],
      ["s3Recordings: S3 PUT requests (multipart parts)", "1000 requests"],
      ["cloudwatchLogs: control-plane logs ingested", "GiB"],
      ["cloudwatchLogs: control-plane logs stored", "GiB-month"],
      ["cloudwatchLogs: VPC flow log ingested (vended logs, volume tiers)", "GiB"],
      ["cloudwatchLogs: VPC flow log stored (90 days)", "GiB-month"],
      ["dataTransferOut: SFU media to the internet (volume tiers)", "GiB"],
      ["dataTransferOut: recording downloads from S3 (1 per recording)", "GiB"],
      ["interAz: recording media via public IPs (both sides)", "GiB"],
      ["interAz: TURN relay hop via public IPs (both sides)", "GiB"],
    ]);
  });

  it("gives a line with no GiB a price of 0 per GiB, not 0/0", () => {
    const noDownloads = estimateCost(audioCalls(), {
      awsRegion: "ap-south-1",
      usage: { daysPerMonth: 30, recordingDownloads: 0 },
    });
    const downloads = noDownloads.lines.find((l) => l.item.startsWith("recording downloads"))!;
    expect([downloads.quantity, downloads.unitUsd, downloads.monthlyUsd]).toEqual([0, 0, 0]);
    // A line with GiB: the blend of the tiers it crosses, its dollars over its GiB.
    const media = noDownloads.lines.find((l) => l.item.startsWith("SFU media"))!;
    expect(media.unitUsd).toBeCloseTo(
      tieredTransferUsd(media.quantity, PINNED_PRICES.regions["ap-south-1"].dataTransferOutTiers) / media.quantity,
      12,
    );
  });

  it("names the type whose price is missing, by its setting, in one line", () => {
    const refused =
      (plan: CapacityPlan, platform = {}) =>
      () =>
        estimateCost(plan, { awsRegion: "ap-south-1", platform });
    const sfuType = audioCalls();
    sfuType.node = { ...sfuType.node, type: "m5.2xlarge" };
    expect(refused(sfuType)).toThrow(/^nodeType: no ap-south-1 price for this type \(priced: .*\), got "m5\.2xlarge"$/);
    const egressType = audioCalls();
    egressType.egress = { ...egressType.egress, nodeType: "m5.4xlarge" };
    expect(refused(egressType)).toThrow(/^egressNodeType: no ap-south-1 price for this type .*, got "m5\.4xlarge"$/);
    expect(refused(audioCalls(), { systemNodes: { instanceType: "m5.large", count: 3 } })).toThrow(
      /^systemNodes\.instanceType: no ap-south-1 price for this type .*, got "m5\.large"$/,
    );
    expect(refused(audioCalls(), { redis: { nodeType: "cache.m5.large", nodeCount: 2 } })).toThrow(
      /^redis\.nodeType: no ap-south-1 price for this type \(priced: cache\..*\), got "cache\.m5\.large"$/,
    );
  });

  it("notes an egress Spot share as a what-if only when there is one, and each arm64 type", () => {
    const notes = (plan: CapacityPlan, egressSpotShare: number) =>
      estimateCost(plan, { awsRegion: "ap-south-1", purchase: { egressSpotShare } }).notes;
    expect(notes(audioCalls(), 0)).toEqual([]);
    expect(notes(audioCalls(), 0.01)).toEqual([
      "egress Spot share prices a what-if: the egress NodePool is on-demand, and an interruption ends a recording",
    ]);
    const graviton = audioCalls({ nodeType: "c7g.2xlarge" });
    graviton.egress = { ...graviton.egress, nodeType: "c8g.4xlarge" };
    expect(notes(graviton, 0)).toEqual([
      "c7g.2xlarge is arm64 (Graviton, c7g): the images have arm64 builds, the stacks build x86_64 nodes only",
      "c8g.4xlarge is arm64 (Graviton, c8g): the images have arm64 builds, the stacks build x86_64 nodes only",
    ]);
  });
});

describe("the estimate flag", () => {
  /** The pinned table with no figure an estimate but those at the given paths. */
  const estimatesAt = (...paths: string[]): PriceTable => {
    const table = structuredClone(PINNED_PRICES);
    for (const [path, f] of priceFigures(table)) f.estimate = paths.includes(path);
    return table;
  };
  const flag = (prices: PriceTable, egressSpotShare = 0) =>
    estimateCost(audioCalls(), { awsRegion: "ap-south-1", prices, purchase: { egressSpotShare } }).estimate;
  const region = "prices.regions.ap-south-1";
  const used = [
    "ec2PerHour.c6i.2xlarge",
    "ec2PerHour.c6i.4xlarge",
    "ec2PerHour.m6i.xlarge",
    "elasticachePerHour.cache.r7g.large",
    "eksClusterPerHour",
    "natGatewayPerHour",
    "natGatewayPerGB",
    "publicIpv4PerHour",
    "albPerHour",
    "albPerLcuHour",
    "nlbPerHour",
    "nlbPerNlcuHour",
    "ebsGp3PerGBMonth",
    "s3StandardPerGBMonth",
    "s3PutPer1000",
    "cloudwatchLogsIngestPerGB",
    "cloudwatchLogsStoragePerGBMonth",
    "cloudwatchVendedLogsIngestTiers[0]",
    "cloudwatchVendedLogsIngestTiers[1]",
    "intraRegionPerGBEachDirection",
    "dataTransferOutTiers[0]",
    "dataTransferOutTiers[3]",
  ].map((f) => `${region}.${f}`);

  it("is false when no figure is an estimate, and true when any one figure the month uses is", () => {
    expect(flag(estimatesAt())).toBe(false);
    for (const path of used) expect([path, flag(estimatesAt(path))]).toEqual([path, true]);
  });

  it("ignores estimates the month does not use: another region's, another type's", () => {
    expect(flag(estimatesAt(`${region}.ec2PerHour.c7g.2xlarge`, "prices.regions.us-east-1.eksClusterPerHour"))).toBe(
      false,
    );
  });

  it("counts the Spot discount's estimate only when some egress runs on Spot", () => {
    const spotEstimated = estimatesAt(`${region}.spotShareOfOnDemand`);
    expect(flag(spotEstimated, 0)).toBe(false);
    expect(flag(spotEstimated, 0.5)).toBe(true);
    expect(flag(estimatesAt(), 0.5)).toBe(false);
  });
});

describe("a mix of kinds", () => {
  const meeting: RoomMixEntry = { ...MEETING, share: 0.5 };

  it("records each kind at its own rates: a recorded video kind after an unrecorded audio one", () => {
    const plan = audioCalls();
    plan.mix = { name: "two kinds", kinds: [{ ...AUDIO_CALL, share: 0.5 }, meeting] };
    plan.kinds = [
      { ...plan.kinds[0], recordings: 0 },
      { ...plan.kinds[0], name: "meeting", recordings: 10, roomSize: 6 },
    ];
    const c = estimateCost(plan, { awsRegion: "ap-south-1", usage: { daysPerMonth: 30 } });
    // The composite's 3,128 kbps video output; a recorder receives what a subscriber does: 6 x (32 + 500) kbps.
    expect(c.traffic.recordingStoredGB).toBeCloseTo(GB(10 * 3.128, 384), 9);
    expect(c.traffic.recordingInGB).toBeCloseTo(GB((10 * 6 * (32 + 500)) / 1000, 384), 9);
  });
});

describe("the NLB's units", () => {
  it("counts active UDP flows when they bind: a flow per PeerConnection, two per participant, 50,000 an NLCU", () => {
    // Without relayed bytes, the flows alone: every participant holds its PeerConnections' flows through the NLB.
    const c = estimateCost(unrelayed(audioCalls()), { awsRegion: "ap-south-1", usage: { daysPerMonth: 30 } });
    expect(quantity(c, "loadBalancers: NLB NLCU")).toBeCloseTo(((20_000 * 2) / 50_000) * 384, 9);
    expect(line(c, "loadBalancers: NLB NLCU")).toBe(cents(((20_000 * 2) / 50_000) * 384 * 0.006));
  });
});

describe("a month without participants", () => {
  it("has no cost per participant-minute, not a division by zero", () => {
    const idle = audioCalls({ participants: 0, egressMbps: 0, ingressMbps: 0, recordings: 0, egressPods: 0 });
    const c = estimateCost(idle, { awsRegion: "ap-south-1", negotiatedDataTransferOutPerGiB: 0.03 });
    expect(c.participantMinutes).toBe(0);
    expect(c.monthlyUsd).toBeGreaterThan(0);
    expect(c.perParticipantMinute).toEqual({
      usd: null,
      withoutRecordingUsd: null,
      negotiated: { usd: null, withoutRecordingUsd: null },
    });
  });
});

describe("the managed services beside the estimate", () => {
  it("are priced from the managed price table given, else the pinned one", () => {
    const plan = audioCalls();
    const chime = (managedPrices?: ManagedPrices) =>
      estimateCost(plan, { awsRegion: "ap-south-1", usage: { daysPerMonth: 30 }, managedPrices }).managed.find(
        (m) => m.service === "chimeSdk",
      )!;
    const pinned = PINNED_MANAGED_PRICES.chimeSdk.perAttendeeMinute.usd;
    const doubled = structuredClone(PINNED_MANAGED_PRICES);
    doubled.chimeSdk.perAttendeeMinute.usd = 2 * pinned;
    // 20,000 attendees over 384 peak-equivalent hours, by the minute.
    expect(chime().monthlyUsd).toBe(cents(20_000 * 384 * 60 * pinned));
    expect(chime(doubled).monthlyUsd).toBe(cents(20_000 * 384 * 60 * 2 * pinned));
  });
});

describe("the largest cost groups", () => {
  // Little internet transfer and no recording: the nodes and the flow log of 20,000 lead, not the listing order.
  const quiet = audioCalls({ egressMbps: 10, recordings: 0, egressPods: 0, egressIdlePods: 0, egressPeakNodes: 0 });
  const c = estimateCost(quiet, { awsRegion: "ap-south-1", usage: { daysPerMonth: 30 } });
  const byCost = Object.entries(c.byGroup).sort(([, a], [, b]) => b - a);

  it("are the top groups by USD, largest first, each with its share of the month", () => {
    expect(byCost.slice(0, 3).map(([g]) => g)).toEqual(["sfuNodes", "systemNodes", "cloudwatchLogs"]);
    expect(costDrivers(c)).toEqual(
      byCost.slice(0, 3).map(([group, usd]) => ({ group, usd, share: usd / c.monthlyUsd })),
    );
    const all = costDrivers(c, 13);
    expect(all.map((d) => d.usd)).toEqual(byCost.map(([, usd]) => usd));
    expect(all.reduce((s, d) => s + d.share, 0)).toBeCloseTo(1, 6);
  });

  it("gives each a share of 0 in a month that costs nothing", () => {
    const free = { ...c, monthlyUsd: 0, byGroup: Object.fromEntries(Object.keys(c.byGroup).map((g) => [g, 0])) };
    for (const d of costDrivers(free as CostEstimate)) expect(d.share).toBe(0);
  });
});
