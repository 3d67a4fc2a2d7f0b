/** The capacity model: cpu cost, derived from livekit's benchmark. */
import { RoomKind } from "./room-mix";
import { roomTraffic, RoomTraffic } from "./traffic";
/**
 * One row of LiveKit's published benchmark (docs "Self-hosting > Benchmarks",
 * https://docs.livekit.io/home/self-hosting/benchmark/): one room on a 16-vCPU c2-standard-16, driven by
 * `lk load-test`.
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

/**
 * The per-participant term: the least CPU one participant costs, in vCPU. Every participant carries work
 * the three benchmark rows cannot separate from the per-down-track cost (two PeerConnections with ICE
 * consent and DTLS, RTCP, connection-quality updates, signalling), so the linear model alone prices a
 * 1:1 voice call (one down track each) at a tenth of anything measured. Until your own load test
 * (`lk perf load-test --audio-publishers 2 --subscribers 0` over many rooms) says otherwise, no room is
 * planned denser than the densest row LiveKit measured: the audio row, 12.8 vCPU for 3,010 participants
 * (about 235 participants per busy vCPU). Every benchmark row still costs exactly what was measured.
 */
export function participantCpuFloor(rows: readonly BenchmarkRow[], nodeVcpu = BENCHMARK_NODE_VCPU): number {
  return Math.min(...rows.map((row) => (row.cpuUtilisation * nodeVcpu) / roomTraffic(row.scenario).participants));
}

export const PARTICIPANT_CPU_FLOOR = participantCpuFloor(LIVEKIT_BENCHMARK);

/**
 * vCPU one room needs, on nodes `cpuEfficiency` times as fast per vCPU as the benchmark's: the linear
 * cost of its tracks and bitrates, but never less than {@link PARTICIPANT_CPU_FLOOR} per participant.
 */
export function roomCpu(traffic: RoomTraffic, cpuEfficiency = 1, costs: SfuCpuCosts = SFU_CPU_COSTS): number {
  const linear =
    costs.perDownTrack * traffic.downTracks +
    costs.perEgressMbps * traffic.egressMbps +
    costs.perIngressMbps * traffic.ingressMbps;
  return Math.max(linear, PARTICIPANT_CPU_FLOOR * traffic.participants) / cpuEfficiency;
}
