/**
 * The capacity model's media-plane terms: the per-participant CPU floor, the ICE port limit, TURN relay
 * traffic, the SFU pod's CPU fit, and the livekit-server and Coturn settings derived from the model.
 */
import { parse } from "yaml";
import {
  CapacityPlan,
  LIVEKIT_BENCHMARK,
  PARTICIPANT_CPU_FLOOR,
  PEER_CONNECTIONS_PER_PARTICIPANT,
  ROOM_FIT_CEILING,
  roomTraffic,
  SFU_CPU_COSTS,
  SFU_NODE_HEADROOM_CPU,
  TURN_ALLOCATIONS_PER_PARTICIPANT,
  TURN_POD_CPU,
  TURN_SERVERS_PER_PARTICIPANT,
} from "../../../lib/capacity";
import { INSTANCE_TYPES, NODE_DAEMONSET_CPU } from "../../../lib/instance-types";
import { LIVEKIT_DEFAULT_ROOM, renderLiveKitServerConfig } from "../../../components/livekit/server-config";
import { defaultRegionPlan } from "../../support/capacity";
import { LAYER_720P_KBPS, PRESET_NAMES, presetMix, withClientDefaults } from "../../../lib/capacity/room-mix";

const plan = defaultRegionPlan;

/** Participants per busy vCPU at peak. */
const density = (p: CapacityPlan) =>
  p.targetParticipants / (p.sfu.peakNodes * p.node.workloadCpu * p.sfu.utilisation.cpu);

describe("the per-participant CPU term", () => {
  it("is the densest benchmark row: 12.8 vCPU for 3,010 audio participants", () => {
    expect(PARTICIPANT_CPU_FLOOR).toBeCloseTo((0.8 * 16) / 3010, 9);
  });

  it.each(PRESET_NAMES.map((n) => [n]))("never plans %s denser per vCPU than anything LiveKit measured", (mix) => {
    const densest = Math.min(...LIVEKIT_BENCHMARK.map((r) => r.cpuUtilisation * 16)) / 3010;
    expect(density(plan({ mix }))).toBeLessThanOrEqual(1 / densest + 1e-6);
  });

  it("prices 1:1 voice calls at about 235 participants per busy vCPU, not 1,680", () => {
    const p = plan({ mix: "voice-calls" });
    expect(density(p)).toBeGreaterThan(200);
    expect(density(p)).toBeLessThan(240);
    // Far more than the 4 nodes the linear model alone gave for 25,000 voice-call participants.
    expect(p.sfu.peakNodes).toBeGreaterThan(20);
  });
});

describe("the ICE port limit", () => {
  it("binds when CPU would let a node hold more than half its 10,001 ports in participants", () => {
    const p = plan({ mix: "voice-calls", cpuEfficiency: 10 });
    expect(p.sfu.binding).toBe("ports");
    expect(p.targetParticipants / p.sfu.peakNodes).toBeLessThanOrEqual((10_001 / 2) * 0.6);
    // The HPA still scales on CPU, aimed at the CPU a node shows when its ports reach the target.
    expect(p.hpa.targetCpuUtilizationPercent).toBeLessThan(60);
  });

  it("refuses a room with more participants than one node's ports hold", () => {
    expect(() => plan({ icePorts: 100, mix: "webinar" })).toThrow(/ICE ports hold 45/);
  });
});

describe("TURN relay traffic", () => {
  it("counts relayed media on the nodes' network: the relay share of what relayed participants send and receive", () => {
    const none = plan({ turnRelayShare: 0 });
    const some = plan({ turnRelayShare: 0.2 });
    expect(none.load.relayMbps).toBe(0);
    expect(some.load.relayMbps).toBeCloseTo(0.2 * (some.load.egressMbps + some.load.ingressMbps), 6);
    expect(some.sfu.networkNodes).toBeGreaterThan(none.sfu.networkNodes);
    expect(some.sfu.utilisation.network).toBeCloseTo(
      (Math.max(some.load.egressMbps, some.load.ingressMbps) + some.load.relayMbps) /
        (some.sfu.peakNodes * some.node.internetBandwidthMbps),
      9,
    );
  });

  it("fits Coturn's relay work in its CPU request at the planned peak", () => {
    const p = plan();
    expect(p.turn.relayCpuPerNode).toBeCloseTo(p.turn.relayMbpsPerNode * SFU_CPU_COSTS.perEgressMbps, 9);
    expect(p.turn.relayCpuPerNode).toBeLessThanOrEqual(TURN_POD_CPU);
  });

  it("caps each session at twice the busiest participant's rate with livekit-client's defaults", () => {
    const p = plan();
    // mixed's busiest with the SDK defaults: a large-meeting viewer receiving all 10 cameras at 720p.
    const largeMeeting = presetMix("mixed").kinds.find((k) => k.name === "large-meeting")!;
    const viewer = roomTraffic(withClientDefaults(largeMeeting)).maxParticipantMbps;
    expect(viewer).toBeGreaterThanOrEqual((10 * LAYER_720P_KBPS) / 1000);
    expect(p.turn.maxBytesPerSecond).toBe(Math.ceil((2 * viewer * 1e6) / 8));
    // Far above what the same viewer receives with adaptive stream, the mix's own assumption.
    expect(p.turn.maxBytesPerSecond).toBeGreaterThan((4 * roomTraffic(largeMeeting).maxParticipantMbps * 1e6) / 8);
  });
});

describe("TURN allocations", () => {
  it("counts every participant's allocations, relayed or not: two PeerConnections on two TURN servers", () => {
    expect(PEER_CONNECTIONS_PER_PARTICIPANT * TURN_SERVERS_PER_PARTICIPANT).toBe(TURN_ALLOCATIONS_PER_PARTICIPANT);
    expect(TURN_ALLOCATIONS_PER_PARTICIPANT).toBe(4);
    for (const turnRelayShare of [0, 0.1, 0.3]) {
      const p = plan({ turnRelayShare });
      expect(p.turn.participantsPerNode).toBe(Math.ceil(p.load.participants / p.sfu.peakNodes));
      expect(p.turn.allocationsPerNode).toBe(4 * p.turn.participantsPerNode);
      expect(p.turn.totalQuota).toBe(2 * p.turn.allocationsPerNode);
    }
    // The relay share moves the relayed bytes, not the allocations.
    expect(plan({ turnRelayShare: 0 }).turn.totalQuota).toBe(plan({ turnRelayShare: 0.3 }).turn.totalQuota);
  });

  it("admits the shipped mumbai peak: about 390 participants a node, 1,564 allocations, a quota of 3,128", () => {
    const p = plan();
    expect(p.sfu.peakNodes).toBe(65);
    expect(p.turn.participantsPerNode).toBe(391);
    expect(p.turn.allocationsPerNode).toBe(1564);
    expect(p.turn.totalQuota).toBe(3128);
  });

  it("hands every participant as many TURN servers as the model counts (livekit-server's rtc.turn_servers)", () => {
    const config = parse(
      renderLiveKitServerConfig({
        region: "mumbai",
        rtc: { tcpPort: 7881, portRange: { start: 50000, end: 60000 } },
        turnHost: "turn-mumbai.example.com",
        redis: { host: "redis.example.com", port: 6379 },
        room: LIVEKIT_DEFAULT_ROOM,
        logging: { level: "info", json: true },
      }),
    );
    expect(config.rtc.turn_servers).toHaveLength(TURN_SERVERS_PER_PARTICIPANT);
    expect(config.rtc.turn_servers.map((t: { protocol: string }) => t.protocol).sort()).toEqual(["tls", "udp"]);
  });
});

describe("the SFU pod on its node", () => {
  it.each(Object.keys(INSTANCE_TYPES).map((n) => [n]))(
    "requests allocatable minus DaemonSets, Coturn and at least 250m of headroom on %s",
    (nodeType) => {
      const p = plan({ nodeType, mix: "meetings" });
      const allocatableMillis = INSTANCE_TYPES[nodeType].allocatableCpu * 1000;
      const requested = NODE_DAEMONSET_CPU * 1000 + TURN_POD_CPU * 1000 + p.sfuPod.cpuRequestMillicores;
      expect(SFU_NODE_HEADROOM_CPU).toBeGreaterThanOrEqual(0.25);
      expect(allocatableMillis - requested).toBeGreaterThanOrEqual(250 - 1e-6);
    },
  );

  it("aims the HPA at the planned utilisation of exactly the CPU it requests", () => {
    const p = plan({ mix: "meetings" });
    expect(p.sfuPod.cpuRequestMillicores).toBe(Math.floor(p.node.workloadCpu * 1000 + 1e-9));
    expect((p.hpa.targetCpuUtilizationPercent / 100) * p.sfuPod.cpuRequestMillicores).toBeCloseTo(
      0.6 * p.node.workloadCpu * 1000,
      -1,
    );
  });
});

describe("livekit-server settings from the model", () => {
  it("stops placing rooms on a node at the model's ceiling of LiveKit's CPU, as a share of all the node's vCPUs", () => {
    const p = plan();
    const { cpuLoadLimit, numTracks, bytesPerSec } = p.livekitServer.placement;
    expect(cpuLoadLimit * p.node.vcpu).toBeCloseTo(ROOM_FIT_CEILING * p.node.workloadCpu, 2);
    expect(numTracks).toBe(Math.floor((ROOM_FIT_CEILING * p.node.workloadCpu) / SFU_CPU_COSTS.perDownTrack));
    expect(bytesPerSec).toBe(Math.floor((ROOM_FIT_CEILING * p.node.internetBandwidthMbps * 1e6) / 8));
  });

  it("caps rooms at the mix's largest room", () => {
    expect(plan().livekitServer.maxParticipants).toBe(Math.max(...plan().kinds.map((k) => k.roomSize)));
    expect(plan({ mix: "voice-calls" }).livekitServer.maxParticipants).toBe(2);
  });
});
