/**
 * The SFU's CPU costs as derived from LiveKit's published benchmark (docs "Self-hosting > Benchmarks"): each
 * row's scenario carries the bytes LiveKit measured, the three costs reproduce every row's CPU exactly, and the
 * per-participant floor is the densest row.
 */
import {
  BenchmarkRow,
  BENCHMARK_NODE_VCPU,
  deriveCpuCosts,
  LIVEKIT_BENCHMARK,
  PARTICIPANT_CPU_FLOOR,
  participantCpuFloor,
  roomCpu,
  SFU_CPU_COSTS,
} from "../../../lib/capacity/cpu-costs";
import { roomTraffic } from "../../../lib/capacity/traffic";

const measuredMbps = (bytesPerSec: number) => (bytesPerSec * 8) / 1e6;

describe("LiveKit's benchmark rows", () => {
  it("are the three published rows on the 16-core c2-standard-16, with their measured CPU", () => {
    expect(BENCHMARK_NODE_VCPU).toBe(16);
    expect(LIVEKIT_BENCHMARK.map((row) => [row.useCase, row.cpuUtilisation])).toEqual([
      ["Large audio rooms (10 pubs, 3000 subs)", 0.8],
      ["Large meeting (150 pubs, 150 subs)", 0.85],
      ["Livestreaming (1 pub, 3000 subs)", 0.92],
    ]);
  });

  it.each(LIVEKIT_BENCHMARK.map((row) => [row.useCase, row] as const))(
    "give %s's publishers exactly the bytes in LiveKit measured, and subscribers that receive but never publish",
    (_name, row) => {
      const traffic = roomTraffic(row.scenario);
      expect(traffic.ingressMbps).toBeCloseTo(measuredMbps(row.bytesInPerSec), 9);
      expect(row.scenario.publishersSubscribe).toBe(false);
      expect(traffic.participants).toBe(row.scenario.publishers + row.scenario.subscribers);
    },
  );

  it("publish video as lk load-test does: three simulcast layers at the top bitrate /16, /4 and /1", () => {
    for (const row of LIVEKIT_BENCHMARK.slice(1)) {
      const [low, mid, top] = row.scenario.videoLayersKbps;
      expect(low * 16).toBeCloseTo(top, 9);
      expect(mid * 4).toBeCloseTo(top, 9);
      expect(row.scenario.videoLayersKbps).toHaveLength(3);
    }
  });

  it("show the meeting's subscribers one video at the top layer and five at the lowest, the livestream's its one", () => {
    const [, meeting, livestream] = LIVEKIT_BENCHMARK;
    const layers = meeting.scenario.videoLayersKbps;
    expect(meeting.scenario.videoReceive).toEqual([
      { tracks: 1, kbps: layers[2] },
      { tracks: 5, kbps: layers[0] },
    ]);
    expect(livestream.scenario.videoReceive).toEqual([{ tracks: 1, kbps: livestream.scenario.videoLayersKbps[2] }]);
    // 150 subscribers x 150 publishers' cameras: every one subscribed, six forwarded.
    expect(roomTraffic(meeting.scenario).downTracks).toBe(150 * 150);
    expect(roomTraffic(meeting.scenario).forwardedTracks).toBe(150 * 6);
  });
});

describe("the three costs", () => {
  it.each(LIVEKIT_BENCHMARK.map((row) => [row.useCase, row] as const))(
    "reproduce %s's measured CPU exactly from its down tracks and measured bytes",
    (_name, row) => {
      const linear =
        SFU_CPU_COSTS.perDownTrack * roomTraffic(row.scenario).downTracks +
        SFU_CPU_COSTS.perEgressMbps * measuredMbps(row.bytesOutPerSec) +
        SFU_CPU_COSTS.perIngressMbps * measuredMbps(row.bytesInPerSec);
      expect(linear).toBeCloseTo(row.cpuUtilisation * 16, 9);
    },
  );

  it("come out the same whatever order the rows are given in, even one whose first row has no down tracks", () => {
    const reversed = deriveCpuCosts([...LIVEKIT_BENCHMARK].reverse());
    const rotated = deriveCpuCosts([LIVEKIT_BENCHMARK[1], LIVEKIT_BENCHMARK[2], LIVEKIT_BENCHMARK[0]]);
    for (const costs of [reversed, rotated]) {
      expect(costs.perDownTrack).toBeCloseTo(SFU_CPU_COSTS.perDownTrack, 12);
      expect(costs.perEgressMbps).toBeCloseTo(SFU_CPU_COSTS.perEgressMbps, 12);
      expect(costs.perIngressMbps).toBeCloseTo(SFU_CPU_COSTS.perIngressMbps, 12);
    }
    // A row of publishers alone (no one receives) isolates the ingress cost; given first, solving it needs a pivot.
    const [audio, , livestream] = LIVEKIT_BENCHMARK;
    const ingestOnly: BenchmarkRow = {
      ...livestream,
      scenario: { ...livestream.scenario, subscribers: 0 },
      bytesInPerSec: 1e6,
      bytesOutPerSec: 0,
      cpuUtilisation: 0.01,
    };
    const costs = deriveCpuCosts([ingestOnly, audio, livestream]);
    expect(Number.isFinite(costs.perDownTrack)).toBe(true);
    expect(costs.perIngressMbps * 8).toBeCloseTo(0.01 * 16, 9);
  });

  it("scale with the node's vCPUs the rows were measured on", () => {
    const costs = deriveCpuCosts(LIVEKIT_BENCHMARK, 32);
    expect(costs.perDownTrack).toBeCloseTo(2 * SFU_CPU_COSTS.perDownTrack, 12);
    expect(costs.perEgressMbps).toBeCloseTo(2 * SFU_CPU_COSTS.perEgressMbps, 12);
    expect(costs.perIngressMbps).toBeCloseTo(2 * SFU_CPU_COSTS.perIngressMbps, 12);
  });

  it("need exactly three rows", () => {
    expect(() => deriveCpuCosts(LIVEKIT_BENCHMARK.slice(0, 2))).toThrow(
      "deriveCpuCosts needs exactly three benchmark rows",
    );
    expect(() => deriveCpuCosts([...LIVEKIT_BENCHMARK, LIVEKIT_BENCHMARK[0]])).toThrow(/exactly three/);
  });
});

describe("the per-participant floor", () => {
  it("is the densest row's CPU per participant: the audio row, 12.8 vCPU for 3,010", () => {
    expect(PARTICIPANT_CPU_FLOOR).toBe((0.8 * 16) / 3010);
    expect(participantCpuFloor(LIVEKIT_BENCHMARK, 32)).toBe((0.8 * 32) / 3010);
    // Without the audio row, the livestream's 14.72 vCPU for 3,001 is the densest.
    expect(participantCpuFloor(LIVEKIT_BENCHMARK.slice(1))).toBe((0.92 * 16) / 3001);
  });

  it("prices a room by its tracks and bytes, never below the floor per participant, divided by the efficiency", () => {
    const traffic = { participants: 10, publishedTracks: 0, downTracks: 100, forwardedTracks: 0 };
    const costs = { perDownTrack: 1, perEgressMbps: 10, perIngressMbps: 100 };
    const heavy = { ...traffic, egressMbps: 2, ingressMbps: 3, maxParticipantMbps: 0 };
    expect(roomCpu(heavy, 1, costs)).toBe(100 + 20 + 300);
    expect(roomCpu(heavy, 2, costs)).toBe((100 + 20 + 300) / 2);
    const light = { ...heavy, downTracks: 0, egressMbps: 0, ingressMbps: 0 };
    expect(roomCpu(light, 1, costs)).toBe(10 * PARTICIPANT_CPU_FLOOR);
    expect(roomCpu(light, 4, costs)).toBe((10 * PARTICIPANT_CPU_FLOOR) / 4);
    // The defaults: efficiency 1 and the benchmark's costs.
    const voice = { ...heavy, downTracks: 2, egressMbps: 0.04, ingressMbps: 0.04, participants: 2 };
    expect(roomCpu(voice)).toBe(
      Math.max(
        SFU_CPU_COSTS.perDownTrack * 2 + SFU_CPU_COSTS.perEgressMbps * 0.04 + SFU_CPU_COSTS.perIngressMbps * 0.04,
        2 * PARTICIPANT_CPU_FLOOR,
      ),
    );
  });
});
