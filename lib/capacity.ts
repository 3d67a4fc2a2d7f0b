/**
 * The capacity model: from target concurrency and room shape to SFU and egress node counts, node-group
 * bounds, Karpenter limits and HPA bounds. Pure functions, no Pulumi.
 *
 * How a region is sized:
 *   1. Each room kind's load per room (CPU, egress and ingress Mbps) comes from its shape: who publishes,
 *      who receives what (`roomTraffic`), priced with CPU costs derived from LiveKit's benchmark
 *      (`SFU_CPU_COSTS`).
 *   2. A room never spans nodes, so a room larger than one node is an error, and rooms pack onto nodes
 *      in whole numbers.
 *   3. Nodes are added until neither CPU nor internet bandwidth exceeds the target utilisation; the
 *      dimension that needs more nodes is the binding constraint.
 *   4. The node-group, Karpenter and HPA bounds follow from the peak node count (`sizeBounds`).
 */
import {
  INSTANCE_TYPES,
  InstanceType,
  internetBandwidthMbps,
  workloadCpu,
  workloadMemoryMiB,
} from "./instance-types";
import { isPresetName, PRESET_NAMES, presetMix, ROOM_KINDS, RoomKind, RoomMix, RoomMixEntry } from "./room-mix";

/** A capacity input the model cannot work with. The message is one line naming the value and the problem. */
export class CapacityError extends Error {
  /** `key`: the input field at fault (e.g. `mix.kinds[0].share`); the message is `<key>: <problem>, got <value>`. */
  constructor(readonly key: string, readonly problem: string, readonly value: unknown) {
    super(`${key}: ${problem}, got ${show(value)}`);
    this.name = "CapacityError";
  }
}

// ---------------------------------------------------------------------------------------------
// Traffic of one room
// ---------------------------------------------------------------------------------------------

export interface RoomTraffic {
  participants: number;
  /** Published tracks (audio + camera). */
  publishedTracks: number;
  /** Subscribed tracks summed over receivers ("down tracks"), paused ones included. */
  downTracks: number;
  /** Down tracks that carry media (audio, and videos a receiver renders). */
  forwardedTracks: number;
  /** Media the SFU sends to receivers, Mbps. */
  egressMbps: number;
  /** Media the SFU receives from publishers, Mbps. */
  ingressMbps: number;
}

/** What one receiver gets when `remotes` other participants publish. */
function receiverTraffic(kind: RoomKind, remotes: number) {
  const hasAudio = kind.audioKbps > 0;
  const hasVideo = kind.videoLayersKbps.length > 0;
  let downTracks = 0;
  let forwarded = 0;
  let kbps = 0;
  if (hasAudio) {
    downTracks += remotes;
    forwarded += remotes;
    kbps += remotes * kind.audioKbps;
  }
  if (hasVideo) {
    downTracks += remotes;
    let left = remotes;
    for (const tier of kind.videoReceive) {
      const shown = Math.min(left, tier.tracks);
      forwarded += shown;
      kbps += shown * tier.kbps;
      left -= shown;
    }
  }
  return { downTracks, forwarded, kbps };
}

/** Kbps one publisher uploads: its audio and the camera layers someone receives (all, without dynacast). */
function publisherUploadKbps(kind: RoomKind): number {
  const layers = kind.videoLayersKbps;
  let video = layers.reduce((sum, l) => sum + l, 0);
  if (kind.dynacast && layers.length > 0) {
    // Dynacast pauses layers above the best one any receiver renders; the lowest layer always flows.
    const best = Math.max(0, ...kind.videoReceive.filter((t) => t.tracks > 0).map((t) => t.kbps));
    video = layers.filter((l, i) => i === 0 || l <= best).reduce((sum, l) => sum + l, 0);
  }
  return kind.audioKbps + video;
}

/**
 * Traffic of one room. Subscribers receive every publisher; publishers receive the others (unless
 * `publishersSubscribe` is false). Every remote track is subscribed (LiveKit auto-subscribe); videos past
 * the receive tiers are paused by adaptive stream: a down track that costs CPU but sends no media.
 */
export function roomTraffic(kind: RoomKind): RoomTraffic {
  const publishersSubscribe = kind.publishersSubscribe ?? true;
  const tracksPerPublisher = (kind.audioKbps > 0 ? 1 : 0) + (kind.videoLayersKbps.length > 0 ? 1 : 0);
  const subscriber = receiverTraffic(kind, kind.publishers);
  const publisher = publishersSubscribe ? receiverTraffic(kind, kind.publishers - 1) : { downTracks: 0, forwarded: 0, kbps: 0 };
  const pubReceivers = publishersSubscribe ? kind.publishers : 0;
  return {
    participants: kind.publishers + kind.subscribers,
    publishedTracks: kind.publishers * tracksPerPublisher,
    downTracks: kind.subscribers * subscriber.downTracks + pubReceivers * publisher.downTracks,
    forwardedTracks: kind.subscribers * subscriber.forwarded + pubReceivers * publisher.forwarded,
    egressMbps: (kind.subscribers * subscriber.kbps + pubReceivers * publisher.kbps) / 1000,
    ingressMbps: (kind.publishers * publisherUploadKbps(kind)) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------
// CPU cost, derived from LiveKit's benchmark
// ---------------------------------------------------------------------------------------------

/**
 * One row of LiveKit's published benchmark (docs "Self-hosting > Benchmarks", summarised in
 * ../shared/reference/livekit.md §4.1): one room on a 16-vCPU c2-standard-16, driven by `lk load-test`.
 */
export interface BenchmarkRow {
  useCase: string;
  /** The row's room in this model's terms. */
  scenario: RoomKind;
  bytesInPerSec: number;
  bytesOutPerSec: number;
  /** Fraction of the node's CPU in use. */
  cpuUtilisation: number;
}

/** "All benchmarks were ran with the server running on a 16-core, compute optimized instance on Google Cloud (c2-standard-16)". */
export const BENCHMARK_NODE_VCPU = 16;

/**
 * `lk load-test` publishes simulcast as three layers at the top bitrate /16, /4 and /1
 * (livekit-cli pkg/loadtester: "scale by 1, 2, 4" in each dimension), so the top layer is the upload / 1.3125.
 */
function loadTesterLayers(uploadKbps: number): number[] {
  const top = uploadKbps / (1 + 1 / 4 + 1 / 16);
  return [top / 16, top / 4, top];
}

const meetingLayers = loadTesterLayers((50e6 * 8) / 150 / 1000);
const livestreamLayers = loadTesterLayers((233e3 * 8) / 1000);

/**
 * The table's three rows. Load-tester publishers do not subscribe; subscribers subscribe to every track.
 * Audio publishers send audio only and video publishers video only. Bitrates per track are the measured
 * bytes in divided by the publishers. In the meeting row each subscriber uses the "speaker" layout:
 * one video at the top layer, five at the lowest, the other 144 subscribed but disabled.
 */
export const LIVEKIT_BENCHMARK: readonly BenchmarkRow[] = [
  {
    useCase: "Large audio rooms (10 pubs, 3000 subs)",
    scenario: {
      name: "benchmark-audio",
      publishers: 10,
      subscribers: 3000,
      publishersSubscribe: false,
      audioKbps: (7.3e3 * 8) / 10 / 1000,
      videoLayersKbps: [],
      videoReceive: [],
    },
    bytesInPerSec: 7.3e3,
    bytesOutPerSec: 23e6,
    cpuUtilisation: 0.8,
  },
  {
    useCase: "Large meeting (150 pubs, 150 subs)",
    scenario: {
      name: "benchmark-meeting",
      publishers: 150,
      subscribers: 150,
      publishersSubscribe: false,
      audioKbps: 0,
      videoLayersKbps: meetingLayers,
      videoReceive: [
        { tracks: 1, kbps: meetingLayers[2] },
        { tracks: 5, kbps: meetingLayers[0] },
      ],
    },
    bytesInPerSec: 50e6,
    bytesOutPerSec: 93e6,
    cpuUtilisation: 0.85,
  },
  {
    useCase: "Livestreaming (1 pub, 3000 subs)",
    scenario: {
      name: "benchmark-livestream",
      publishers: 1,
      subscribers: 3000,
      publishersSubscribe: false,
      audioKbps: 0,
      videoLayersKbps: livestreamLayers,
      videoReceive: [{ tracks: 1, kbps: livestreamLayers[2] }],
    },
    bytesInPerSec: 233e3,
    bytesOutPerSec: 531e6,
    cpuUtilisation: 0.92,
  },
];

/** CPU cost of SFU work, in vCPU (one vCPU of LiveKit's benchmark node). */
export interface SfuCpuCosts {
  /** Per subscribed track (down track), active or paused: RTCP, the stream allocator, the forwarding loop. */
  perDownTrack: number;
  /** Per Mbps sent to subscribers: SRTP encryption and sending of each packet. */
  perEgressMbps: number;
  /** Per Mbps received from publishers: decryption, buffering, NACKs and layer tracking. */
  perIngressMbps: number;
}

/**
 * Derives the three costs from benchmark rows: CPU (vCPU) = a x down tracks + b x egress Mbps +
 * c x ingress Mbps, solved exactly for three rows. Down tracks are counted from each row's scenario;
 * egress and ingress are the measured bytes (they include what media bitrates alone miss: headers,
 * RTCP, padding). Each row isolates mostly one term, which is why three rows determine three costs:
 *   - audio rooms, 30,000 down tracks at ~6 kbps: almost all per-down-track work, so a ~ 12.8 / 30,000;
 *   - livestreaming, 3,000 down tracks at 1.4 Mbps each: after a x 3,000 (1.2 vCPU) the rest of the
 *     14.7 vCPU is the cost of sending 4,248 Mbps, so b ~ 13.5 / 4,248;
 *   - large meeting, 22,500 down tracks (9.2 vCPU) and 744 Mbps out (2.4 vCPU): the remaining 2.1 vCPU
 *     is the cost of receiving 400 Mbps from 150 simulcast publishers, so c ~ 2.1 / 400.
 * Result: a = 4.07e-4 (about 2,460 down tracks per vCPU), b = 3.18e-3 (about 315 Mbps sent per vCPU),
 * c = 5.19e-3 (about 193 Mbps received per vCPU).
 * Caveat: c also absorbs whatever the meeting row costs that a linear model cannot separate (such as
 * each incoming packet visiting 150 mostly paused down tracks), so small video rooms come out somewhat
 * conservative.
 */
export function deriveCpuCosts(rows: readonly BenchmarkRow[], nodeVcpu = BENCHMARK_NODE_VCPU): SfuCpuCosts {
  if (rows.length !== 3) throw new Error("deriveCpuCosts needs exactly three benchmark rows");
  const matrix = rows.map((row) => [
    roomTraffic(row.scenario).downTracks,
    (row.bytesOutPerSec * 8) / 1e6,
    (row.bytesInPerSec * 8) / 1e6,
  ]);
  const cpu = rows.map((row) => row.cpuUtilisation * nodeVcpu);
  const [perDownTrack, perEgressMbps, perIngressMbps] = solve3(matrix, cpu);
  return { perDownTrack, perEgressMbps, perIngressMbps };
}

/** Gaussian elimination with partial pivoting for a 3 x 3 system. */
function solve3(a: number[][], b: number[]): number[] {
  const m = a.map((row, i) => [...row, b[i]]);
  const n = 3;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < n; r++) {
      const f = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  const x = [0, 0, 0];
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let c = r + 1; c < n; c++) s -= m[r][c] * x[c];
    x[r] = s / m[r][r];
  }
  return x;
}

/**
 * The costs the model uses. Per vCPU: a c6i/c6in/c7i vCPU is taken to do the same SFU work as one of
 * the benchmark's c2-standard-16 (Cascade Lake, ~3.8 GHz all-core turbo vs Ice Lake at 3.5 GHz; both
 * vCPUs are hyperthreads). `cpuEfficiency` in the input scales this if your own load test says otherwise.
 */
export const SFU_CPU_COSTS: Readonly<SfuCpuCosts> = Object.freeze(deriveCpuCosts(LIVEKIT_BENCHMARK));

/** vCPU one room needs, on nodes `cpuEfficiency` times as fast per vCPU as the benchmark's. */
export function roomCpu(traffic: RoomTraffic, cpuEfficiency = 1, costs: SfuCpuCosts = SFU_CPU_COSTS): number {
  return (
    (costs.perDownTrack * traffic.downTracks +
      costs.perEgressMbps * traffic.egressMbps +
      costs.perIngressMbps * traffic.ingressMbps) /
    cpuEfficiency
  );
}

// ---------------------------------------------------------------------------------------------
// Sizing rules
// ---------------------------------------------------------------------------------------------

/**
 * The most of one node's CPU or bandwidth a single room may need: LiveKit's node selector stops placing
 * rooms on nodes above 0.9 load (`node_selector.cpu_load_limit` / `sysload_limit` default 0.9,
 * ../shared/reference/livekit.md §2.5), and a room can never move to a second node.
 */
export const ROOM_FIT_CEILING = 0.9;
/** One node per availability zone in at least two zones, so losing a node or a zone keeps the region serving. */
export const MIN_HA_NODES = 2;
/**
 * Default minimum, as a share of peak nodes: warm capacity for the overnight trough of a one-time-zone
 * audience (~30% of peak), because rooms stay on the node they started on and a new node takes a minute
 * or two to join, so the floor should not be scaled to the bone.
 */
export const DEFAULT_BASE_SHARE = 0.3;
/**
 * Default maximum, as a multiple of peak nodes. The seed guide load-tests at "target concurrent user
 * count x 1.5 for headroom"; the same margin also covers a rollout, when draining pods hold their nodes
 * for up to 5 h (terminationGracePeriodSeconds 18000) while replacements need nodes of their own.
 */
export const DEFAULT_PEAK_HEADROOM = 1.5;
/** Lowest HPA CPU target worth setting: below this, CPU is too noisy a signal to scale on. */
const MIN_HPA_TARGET_PERCENT = 10;

/** Egress: ~4 vCPU per room composite recording ("`room_composite_cpu_cost` 4"; docs: "2-6 CPUs"). */
export const ROOM_COMPOSITE_CPU_COST = 4;
/** Egress: audio-only room composite (`audio_room_composite_cpu_cost` default 1). */
export const AUDIO_ROOM_COMPOSITE_CPU_COST = 1;
/** Egress admits a job while `available >= cost`, available = CPUs x `max_cpu_utilization` (0.8) - used. */
export const EGRESS_MAX_CPU_UTILISATION = 0.8;
/** "We recommend giving each Egress instance at least 4 CPUs and 4 GB of memory." */
export const EGRESS_POD_CPU = 4;
export const EGRESS_POD_MEMORY_GIB = 4;
/** Egress pods run on their own NodePool; 16-vCPU nodes fit three 4-vCPU pods. */
export const DEFAULT_EGRESS_NODE_TYPE = "c6i.4xlarge";

// ---------------------------------------------------------------------------------------------
// Input and output
// ---------------------------------------------------------------------------------------------

/** A room kind in a custom mix: either complete, or `{ kind: "<ROOM_KINDS name>", share, ...overrides }`. */
export type RoomMixEntrySpec = Partial<RoomMixEntry> & { kind?: string; share: number };

/** A custom mix, as a stack config value or a JSON file: `{ "name": "ours", "kinds": [ ... ] }`. */
export interface RoomMixSpec {
  name?: string;
  description?: string;
  kinds: RoomMixEntrySpec[];
}

/** A preset name (see `PRESET_NAMES`) or a custom mix. */
export type MixSpec = string | RoomMixSpec;

/** Demand for one region: what a stack file states instead of node counts. */
export interface CapacityInput {
  /** Concurrent participants at peak in this region. */
  targetParticipants: number;
  mix: MixSpec;
  /** SFU node instance type, one of `INSTANCE_TYPES`. */
  nodeType: string;
  /** Fraction (0, 1] of a node's CPU and bandwidth to plan for at peak, e.g. 0.6. */
  targetUtilisation: number;
  /** Fraction [0, 1] of rooms recorded with room composite egress. */
  recordingShare: number;
  /** Egress node instance type; default `DEFAULT_EGRESS_NODE_TYPE`. */
  egressNodeType?: string;
  /** Minimum nodes as a share of peak nodes; default `DEFAULT_BASE_SHARE`. */
  baseShare?: number;
  /** Maximum nodes as a multiple of peak nodes (>= 1); default `DEFAULT_PEAK_HEADROOM`. */
  peakHeadroom?: number;
  /** SFU work per vCPU relative to LiveKit's benchmark node (from your own `lk load-test`); default 1. */
  cpuEfficiency?: number;
}

export type Constraint = "cpu" | "network";

export interface KindPlan {
  name: string;
  share: number;
  participants: number;
  rooms: number;
  roomSize: number;
  /** Load of one room. */
  perRoom: { cpu: number; egressMbps: number; ingressMbps: number; downTracks: number };
  /** Whole rooms of this kind one node holds at the target utilisation (at least 1). */
  roomsPerNode: number;
  /** What limits rooms per node for this kind. */
  binding: Constraint;
  /** Room composite recordings of this kind at peak (expected value: rooms x recording share). */
  recordings: number;
}

export interface CapacityPlan {
  targetParticipants: number;
  targetUtilisation: number;
  recordingShare: number;
  mix: RoomMix;
  node: { type: string; vcpu: number; workloadCpu: number; internetBandwidthMbps: number };
  kinds: KindPlan[];
  /** Total load at peak. */
  load: { cpu: number; egressMbps: number; ingressMbps: number };
  sfu: {
    /** Nodes needed at peak, at the target utilisation. */
    peakNodes: number;
    /** The dimension that needs more nodes. */
    binding: Constraint;
    /** Node-equivalents of CPU and of bandwidth at the target utilisation (fractional). */
    cpuNodes: number;
    networkNodes: number;
    /**
     * Node-equivalents added because rooms come in whole numbers per node (a node holding 2 rooms that
     * each need 40% of its budget cannot take a third). Negative for rooms above the target budget: each
     * gets exactly one node, fewer than its load share.
     */
    packingNodes: number;
    /** Utilisation of peak nodes at peak. */
    utilisation: { cpu: number; network: number };
    /** Share of the binding resource still free at peak, and the participants it would take. */
    headroom: number;
    headroomParticipants: number;
    minNodes: number;
    maxNodes: number;
  };
  /** The `sfu` managed node group: desired = min; it does not autoscale on its own. */
  managedNodeGroup: { minSize: number; desiredSize: number; maxSize: number };
  /**
   * The `sfu` NodePool's `limits.cpu`: vCPU of max nodes. Not a second budget on top of the node group:
   * the HPA's maxReplicas caps SFU nodes (one pod per node, Karpenter only launches for pending pods);
   * this limit lets Karpenter cover all of them if the managed group is lost.
   */
  karpenter: { sfuCpuLimit: number; egressCpuLimit: number };
  /** LiveKit Deployment HPA: one pod per node, so replicas = nodes. */
  hpa: { minReplicas: number; maxReplicas: number; targetCpuUtilizationPercent: number };
  /** The LiveKit pod's CPU request: all of the node's workload CPU (the HPA target is relative to it). */
  sfuPod: { cpuRequestMillicores: number };
  egress: {
    nodeType: string;
    recordings: number;
    podCpu: number;
    podMemoryGiB: number;
    pods: number;
    podsPerNode: number;
    peakNodes: number;
    maxNodes: number;
    hpa: { minReplicas: number; maxReplicas: number };
  };
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

function show(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}

function fail(key: string, problem: string, value: unknown): never {
  throw new CapacityError(key, problem, value);
}

function isInt(v: unknown, min: number): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= min;
}

function isNum(v: unknown, min: number, max = Infinity): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= min && v <= max;
}

/** The instance type's facts, or an error listing the known types. */
export function lookupInstanceType(name: string, key = "nodeType"): InstanceType {
  const type = INSTANCE_TYPES[name];
  if (!type) fail(key, `unknown node type (known: ${Object.keys(INSTANCE_TYPES).join(", ")})`, name);
  return type;
}

const ENTRY_KEYS = new Set([
  "kind", "name", "share", "publishers", "subscribers", "publishersSubscribe",
  "audioKbps", "videoLayersKbps", "videoReceive", "dynacast",
]);

function resolveEntry(spec: unknown, key: string): RoomMixEntry {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) fail(key, "must be an object", spec);
  const raw = spec as Record<string, unknown>;
  for (const k of Object.keys(raw)) if (!ENTRY_KEYS.has(k)) fail(`${key}.${k}`, `unknown field (expected ${[...ENTRY_KEYS].join(", ")})`, raw[k]);
  let base: Partial<RoomKind> = {};
  if (raw.kind !== undefined) {
    if (typeof raw.kind !== "string" || !ROOM_KINDS[raw.kind]) {
      fail(`${key}.kind`, `unknown room kind (known: ${Object.keys(ROOM_KINDS).join(", ")})`, raw.kind);
    }
    base = ROOM_KINDS[raw.kind];
  }
  const e = { ...base, ...raw, name: raw.name ?? raw.kind ?? base.name } as Record<string, unknown>;
  const at = (k: string) => `${key}.${k}`;
  if (typeof e.name !== "string" || e.name === "") fail(at("name"), "must be a non-empty string", e.name);
  if (!isNum(e.share, 0, 1) || e.share === 0) fail(at("share"), "must be a fraction of participants above 0 and at most 1", e.share);
  if (!isInt(e.publishers, 1)) fail(at("publishers"), "must be an integer of at least 1", e.publishers);
  if (!isInt(e.subscribers, 0)) fail(at("subscribers"), "must be an integer of at least 0", e.subscribers);
  if (e.publishersSubscribe !== undefined && typeof e.publishersSubscribe !== "boolean") fail(at("publishersSubscribe"), "must be true or false", e.publishersSubscribe);
  if (e.dynacast !== undefined && typeof e.dynacast !== "boolean") fail(at("dynacast"), "must be true or false", e.dynacast);
  if (!isNum(e.audioKbps, 0)) fail(at("audioKbps"), "must be kbps of at least 0 (0 = no audio)", e.audioKbps);
  const layers = e.videoLayersKbps ?? [];
  if (!Array.isArray(layers) || !layers.every((l) => isNum(l, 0) && l > 0)) fail(at("videoLayersKbps"), "must be a list of simulcast layer kbps, each above 0 ([] = no video)", layers);
  const tiers = e.videoReceive ?? [];
  const tierOk = (t: unknown) => {
    const tier = t as Record<string, unknown>;
    return typeof t === "object" && t !== null && Object.keys(tier).every((k) => k === "tracks" || k === "kbps") && isInt(tier.tracks, 0) && isNum(tier.kbps, 0) && (tier.kbps as number) > 0;
  };
  if (!Array.isArray(tiers) || !tiers.every(tierOk)) fail(at("videoReceive"), 'must be a list of { "tracks": integer >= 0, "kbps": number > 0 }', tiers);
  if (layers.length === 0 && tiers.length > 0) fail(at("videoReceive"), "must be empty when the room publishes no video (videoLayersKbps is [])", tiers);
  if (e.audioKbps === 0 && layers.length === 0) fail(key, "publishes nothing: set audioKbps above 0 or videoLayersKbps", { audioKbps: 0, videoLayersKbps: [] });
  return {
    name: e.name,
    share: e.share,
    publishers: e.publishers,
    subscribers: e.subscribers,
    ...(e.publishersSubscribe !== undefined ? { publishersSubscribe: e.publishersSubscribe as boolean } : {}),
    audioKbps: e.audioKbps,
    videoLayersKbps: [...(layers as number[])],
    videoReceive: (tiers as { tracks: number; kbps: number }[]).map((t) => ({ tracks: t.tracks, kbps: t.kbps })),
    ...(e.dynacast !== undefined ? { dynacast: e.dynacast as boolean } : {}),
  };
}

/** A preset by name, or a validated custom mix. Shares must sum to 1 (within 0.001). */
export function resolveMix(spec: unknown, key = "mix"): RoomMix {
  if (typeof spec === "string") {
    if (!isPresetName(spec)) fail(key, `unknown room mix preset (known: ${PRESET_NAMES.join(", ")}; or a custom mix object)`, spec);
    return presetMix(spec);
  }
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) fail(key, 'must be a preset name or { "name": ..., "kinds": [ ... ] }', spec);
  const raw = spec as Record<string, unknown>;
  for (const k of Object.keys(raw)) if (!["name", "description", "kinds"].includes(k)) fail(`${key}.${k}`, "unknown field (expected name, description, kinds)", raw[k]);
  if (raw.name !== undefined && typeof raw.name !== "string") fail(`${key}.name`, "must be a string", raw.name);
  if (!Array.isArray(raw.kinds) || raw.kinds.length === 0) fail(`${key}.kinds`, "must be a non-empty list of room kinds", raw.kinds);
  const kinds = raw.kinds.map((k, i) => resolveEntry(k, `${key}.kinds[${i}]`));
  const names = kinds.map((k) => k.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) fail(`${key}.kinds`, "room kind names must be unique", dup);
  const total = kinds.reduce((s, k) => s + k.share, 0);
  if (Math.abs(total - 1) > 0.001) fail(`${key}.kinds`, "shares must sum to 1", Number(total.toFixed(4)));
  return {
    name: (raw.name as string | undefined) ?? "custom",
    ...(typeof raw.description === "string" ? { description: raw.description } : {}),
    kinds,
  };
}

// ---------------------------------------------------------------------------------------------
// Sizing
// ---------------------------------------------------------------------------------------------

const EPS = 1e-9;

function describeRoom(kind: RoomKind): string {
  const t = roomTraffic(kind);
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
  return `room kind "${kind.name}" (${n(kind.publishers, "publisher")} + ${n(kind.subscribers, "subscriber")} = ${n(t.participants, "participant")})`;
}

/** Node bounds from the peak: min for HA and the base load, max for peak with headroom. */
export function sizeBounds(peakNodes: number, baseShare = DEFAULT_BASE_SHARE, peakHeadroom = DEFAULT_PEAK_HEADROOM) {
  const minNodes = Math.max(MIN_HA_NODES, ceil(peakNodes * baseShare));
  const maxNodes = Math.max(minNodes, ceil(peakNodes * peakHeadroom));
  return { minNodes, maxNodes };
}

/**
 * Egress recordings one pod takes: the first job when idle (available = CPUs), more while
 * CPUs x 0.8 - used >= cost. So a 4-vCPU pod holds 1 room composite, or 3 audio-only ones.
 */
export function recordingsPerEgressPod(cost: number, podCpu = EGRESS_POD_CPU): number {
  if (podCpu < cost) return 0;
  return Math.max(1, Math.floor((podCpu * EGRESS_MAX_CPU_UTILISATION) / cost + EPS));
}

/** Sizes one region. Throws `CapacityError` on bad input or a room that cannot fit on one node. */
export function planCapacity(input: CapacityInput): CapacityPlan {
  const { targetParticipants, targetUtilisation: u, recordingShare } = input;
  if (!isInt(targetParticipants, 1)) fail("targetParticipants", "must be a positive integer", targetParticipants);
  if (!isNum(u, 0, 1) || u === 0) fail("targetUtilisation", "must be a fraction above 0 and at most 1, such as 0.6", u);
  if (!isNum(recordingShare, 0, 1)) fail("recordingShare", "must be a fraction from 0 to 1", recordingShare);
  const baseShare = input.baseShare ?? DEFAULT_BASE_SHARE;
  if (!isNum(baseShare, 0, 1)) fail("baseShare", "must be a fraction from 0 to 1", baseShare);
  const peakHeadroom = input.peakHeadroom ?? DEFAULT_PEAK_HEADROOM;
  if (!isNum(peakHeadroom, 1, 10)) fail("peakHeadroom", "must be a multiple of peak nodes from 1 to 10", peakHeadroom);
  const efficiency = input.cpuEfficiency ?? 1;
  if (!isNum(efficiency, 0.1, 10)) fail("cpuEfficiency", "must be a factor from 0.1 to 10", efficiency);
  const node = lookupInstanceType(input.nodeType, "nodeType");
  const egressNodeName = input.egressNodeType ?? DEFAULT_EGRESS_NODE_TYPE;
  const egressNode = lookupInstanceType(egressNodeName, "egressNodeType");
  const mix = resolveMix(input.mix);

  const nodeCpu = workloadCpu(node);
  const nodeBandwidth = internetBandwidthMbps(node);
  const cpuBudget = nodeCpu * u;
  const netBudget = nodeBandwidth * u;
  const warnings: string[] = [];

  const kinds: KindPlan[] = mix.kinds.map((kind) => {
    const traffic = roomTraffic(kind);
    const cpu = roomCpu(traffic, efficiency);
    const net = Math.max(traffic.egressMbps, traffic.ingressMbps);
    const cpuLimit = nodeCpu * ROOM_FIT_CEILING;
    const netLimit = nodeBandwidth * ROOM_FIT_CEILING;
    if (cpu > cpuLimit || net > netLimit) {
      const over = cpu / cpuLimit >= net / netLimit
        ? `${cpu.toFixed(1)} vCPU, but one ${input.nodeType} carries ${cpuLimit.toFixed(1)} vCPU (${ROOM_FIT_CEILING * 100}% of ${nodeCpu.toFixed(2)})`
        : `${Math.round(net)} Mbps, but one ${input.nodeType} carries ${Math.round(netLimit)} Mbps (${ROOM_FIT_CEILING * 100}% of ${nodeBandwidth})`;
      throw new CapacityError(
        "mix",
        `${describeRoom(kind)} is too large for one node: it needs ${over}; LiveKit never splits a room across nodes, so use smaller rooms or a larger node type`,
        typeof input.mix === "string" ? input.mix : input.mix.name ?? "custom mix",
      );
    }
    const cpuShare = cpu / cpuBudget;
    const netShare = net / netBudget;
    if (cpuShare > 1 || netShare > 1) {
      warnings.push(
        `${describeRoom(kind)} alone needs ${Math.round(Math.max(cpuShare, netShare) * u * 100)}% of a node's ${cpuShare >= netShare ? "CPU" : "bandwidth"}, above the ${Math.round(u * 100)}% target: each such room gets a node of its own and runs it hotter`,
      );
    }
    const participants = targetParticipants * kind.share;
    const rooms = ceil(participants / traffic.participants);
    return {
      name: kind.name,
      share: kind.share,
      participants: Math.round(participants),
      rooms,
      roomSize: traffic.participants,
      perRoom: { cpu, egressMbps: traffic.egressMbps, ingressMbps: traffic.ingressMbps, downTracks: traffic.downTracks },
      roomsPerNode: Math.max(1, Math.floor(1 / Math.max(cpuShare, netShare) + EPS)),
      binding: cpuShare >= netShare ? "cpu" : "network",
      recordings: rooms * recordingShare,
    };
  });

  const load = {
    cpu: kinds.reduce((s, k) => s + k.rooms * k.perRoom.cpu, 0),
    egressMbps: kinds.reduce((s, k) => s + k.rooms * k.perRoom.egressMbps, 0),
    ingressMbps: kinds.reduce((s, k) => s + k.rooms * k.perRoom.ingressMbps, 0),
  };
  const cpuNodes = load.cpu / cpuBudget;
  const networkNodes = Math.max(load.egressMbps, load.ingressMbps) / netBudget;
  // Whole rooms per node: each room of a kind takes 1/roomsPerNode of a node, not just its load share.
  const packingNodes = kinds.reduce((s, k) => {
    const share = Math.max(k.perRoom.cpu / cpuBudget, Math.max(k.perRoom.egressMbps, k.perRoom.ingressMbps) / netBudget);
    return s + k.rooms * (1 / k.roomsPerNode - share);
  }, 0);
  const binding: Constraint = cpuNodes >= networkNodes ? "cpu" : "network";
  const peakNodes = Math.max(1, ceil(Math.max(cpuNodes, networkNodes) + packingNodes));
  const utilisation = {
    cpu: load.cpu / (peakNodes * nodeCpu),
    network: Math.max(load.egressMbps, load.ingressMbps) / (peakNodes * nodeBandwidth),
  };
  const used = utilisation[binding];
  const headroom = 1 - used;
  const { minNodes, maxNodes } = sizeBounds(peakNodes, baseShare, peakHeadroom);

  // The HPA scales on CPU. When bandwidth binds, aim it at the CPU a node shows when its bandwidth
  // reaches the target, or it would let nodes fill past the bandwidth target.
  let hpaTarget = Math.round(u * 100);
  if (binding === "network") {
    hpaTarget = Math.floor(u * (cpuNodes / networkNodes) * 100);
    if (hpaTarget < MIN_HPA_TARGET_PERCENT) {
      warnings.push(
        `bandwidth binds so hard that CPU reaches only ${hpaTarget}% when a node's bandwidth reaches its target: scale the LiveKit HPA on a network metric instead of CPU`,
      );
      hpaTarget = MIN_HPA_TARGET_PERCENT;
    }
  }

  const egress = planEgress(kinds, mix, egressNodeName, egressNode, peakHeadroom);

  return {
    targetParticipants,
    targetUtilisation: u,
    recordingShare,
    mix,
    node: { type: input.nodeType, vcpu: node.vcpu, workloadCpu: nodeCpu, internetBandwidthMbps: nodeBandwidth },
    kinds,
    load,
    sfu: {
      peakNodes,
      binding,
      cpuNodes,
      networkNodes,
      packingNodes,
      utilisation,
      headroom,
      headroomParticipants: used > 0 ? Math.floor(targetParticipants * (1 / used - 1)) : 0,
      minNodes,
      maxNodes,
    },
    managedNodeGroup: { minSize: minNodes, desiredSize: minNodes, maxSize: maxNodes },
    karpenter: { sfuCpuLimit: maxNodes * node.vcpu, egressCpuLimit: egress.maxNodes * egressNode.vcpu },
    hpa: { minReplicas: minNodes, maxReplicas: maxNodes, targetCpuUtilizationPercent: hpaTarget },
    sfuPod: { cpuRequestMillicores: Math.floor(nodeCpu * 1000 + EPS) },
    egress,
    warnings,
  };
}

/** Rounds up, ignoring float noise just above an integer, and never returns -0. */
function ceil(x: number): number {
  return Math.max(0, Math.ceil(x - EPS));
}

function planEgress(kinds: KindPlan[], mix: RoomMix, nodeType: string, node: InstanceType, peakHeadroom: number): CapacityPlan["egress"] {
  // Expected recordings summed over kinds, rounded up once (rounding each kind would add one per kind).
  let podLoad = 0;
  let recordingLoad = 0;
  for (const k of kinds) {
    const kind = mix.kinds.find((m) => m.name === k.name)!;
    const cost = kind.videoLayersKbps.length > 0 ? ROOM_COMPOSITE_CPU_COST : AUDIO_ROOM_COMPOSITE_CPU_COST;
    recordingLoad += k.recordings;
    podLoad += k.recordings / recordingsPerEgressPod(cost);
  }
  const recordings = ceil(recordingLoad);
  const pods = ceil(podLoad);
  const podsPerNode = Math.min(
    Math.floor(workloadCpu(node) / EGRESS_POD_CPU + EPS),
    Math.floor(workloadMemoryMiB(node) / (EGRESS_POD_MEMORY_GIB * 1024) + EPS),
  );
  if (podsPerNode < 1) {
    fail("egressNodeType", `fits no egress pod of ${EGRESS_POD_CPU} vCPU and ${EGRESS_POD_MEMORY_GIB} GiB`, nodeType);
  }
  const peakNodes = ceil(pods / podsPerNode);
  const maxPods = ceil(pods * peakHeadroom);
  return {
    nodeType,
    recordings,
    podCpu: EGRESS_POD_CPU,
    podMemoryGiB: EGRESS_POD_MEMORY_GIB,
    pods,
    podsPerNode,
    peakNodes,
    maxNodes: ceil(maxPods / podsPerNode),
    // An idle pod is kept so the first recording does not wait for a node; none when nothing is recorded.
    hpa: { minReplicas: pods > 0 ? 1 : 0, maxReplicas: maxPods },
  };
}

// ---------------------------------------------------------------------------------------------
// Regions
// ---------------------------------------------------------------------------------------------

export interface RegionShare {
  name: string;
  /** Fraction of the total; regions without one split what the others leave, evenly. */
  share?: number;
}

/**
 * Splits a total across regions: given shares first, the rest evenly among regions without one.
 * Rounds to whole participants, handing the remainder to the largest fractions, so the parts sum to the total.
 */
export function splitParticipants(total: number, regions: RegionShare[]): { name: string; share: number; participants: number }[] {
  if (!isInt(total, 1)) fail("participants", "must be a positive integer", total);
  if (regions.length === 0) fail("regions", "must name at least one region", regions);
  const names = regions.map((r) => r.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) fail("regions", "region names must be unique", dup);
  for (const r of regions) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(r.name)) fail("regions", "region names are lowercase letters, digits and hyphens", r.name);
    if (r.share !== undefined && (!isNum(r.share, 0, 1) || r.share === 0)) fail(`regions.${r.name}`, "share must be a fraction above 0 and at most 1", r.share);
  }
  const given = regions.reduce((s, r) => s + (r.share ?? 0), 0);
  const unset = regions.filter((r) => r.share === undefined).length;
  if (unset === 0 && Math.abs(given - 1) > 0.001) fail("regions", "shares must sum to 1", Number(given.toFixed(4)));
  if (unset > 0 && given > 1 - 0.001) fail("regions", "shares leave nothing for the regions without one", Number(given.toFixed(4)));
  const shares = regions.map((r) => r.share ?? (1 - given) / unset);
  const exact = shares.map((s) => (total * s) / shares.reduce((a, b) => a + b, 0));
  const parts = exact.map((x) => Math.floor(x + EPS));
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x + EPS) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i]++;
    left--;
  }
  return regions.map((r, i) => ({ name: r.name, share: shares[i], participants: parts[i] }));
}
