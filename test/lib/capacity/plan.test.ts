/**
 * The capacity model's sizing (lib/capacity/plan.ts) where the whole-model tests do not reach: the node bounds,
 * a kind's rooms of load, the lines refusing a node type, and the warnings a plan carries.
 */
import { kindLoadRooms, lookupInstanceType, recordingsPerEgressPod, sizeBounds } from "../../../lib/capacity/plan";
import { SFU_CPU_COSTS } from "../../../lib/capacity/cpu-costs";
import { INSTANCE_TYPES } from "../../../lib/instance-types";
import { InputError } from "../../../lib/errors";
import { defaultRegionPlan } from "../../support/capacity";

const plan = defaultRegionPlan;
const lineOf = (run: () => unknown) => {
  try {
    run();
    return "ok";
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
};

describe("node bounds from the peak", () => {
  it("keep two nodes for HA, the base share of the peak above that, and the peak with headroom as the max", () => {
    expect(sizeBounds(1)).toEqual({ minNodes: 2, maxNodes: 2 });
    // 30% and 1.5 times of 20 peak nodes.
    expect(sizeBounds(20)).toEqual({ minNodes: 6, maxNodes: 30 });
    expect(sizeBounds(20, 0.5, 2)).toEqual({ minNodes: 10, maxNodes: 40 });
    // Float noise just above a whole node is no extra node: 0.3 x 10 is 3.0000000000000004.
    expect(sizeBounds(10)).toEqual({ minNodes: 3, maxNodes: 15 });
    // The max never falls below the min.
    expect(sizeBounds(10, 1, 1)).toEqual({ minNodes: 10, maxNodes: 10 });
  });
});

describe("a kind's rooms of load", () => {
  it("is its share of one room below one room, and whole rooms from one room up", () => {
    expect(kindLoadRooms(150, 301)).toBe(150 / 301);
    expect(kindLoadRooms(301, 301)).toBe(1);
    expect(kindLoadRooms(302, 301)).toBe(2);
    expect(kindLoadRooms(0, 301)).toBe(0);
    // 0.1 + 0.2 rooms of 10 are 3.0000000000000004 participants: still 1 room, not 2.
    expect(kindLoadRooms((0.1 + 0.2) * 10, 3)).toBe(1);
  });
});

describe("node types", () => {
  it("are the catalogue's, an unknown one refused under the caller's key with the known ones listed", () => {
    expect(lookupInstanceType("c6i.2xlarge")).toBe(INSTANCE_TYPES["c6i.2xlarge"]);
    const known = Object.keys(INSTANCE_TYPES).join(", ");
    expect(lineOf(() => lookupInstanceType("c6i.nano"))).toBe(
      `nodeType: unknown node type (known: ${known}), got "c6i.nano"`,
    );
    expect(lineOf(() => plan({ egressNodeType: "c6i.nano" }))).toBe(
      `egressNodeType: unknown node type (known: ${known}), got "c6i.nano"`,
    );
  });

  it("refuse an egress node type that fits no 5-vCPU, 5-GiB egress pod", () => {
    expect(lineOf(() => plan({ egressNodeType: "c6i.xlarge" }))).toBe(
      'egressNodeType: fits no egress pod of 5 vCPU and 5 GiB, got "c6i.xlarge"',
    );
    expect(plan({ egressNodeType: "c6i.2xlarge" }).egress.podsPerNode).toBe(1);
  });
});

describe("a room too large for one node", () => {
  it("is described by its publishers, subscribers and participants, one of each in the singular", () => {
    // One publisher sending 1,500 Mbps, plus the 10% relay share: above 90% of a c6i.xlarge's 1,562 Mbps.
    const mix = {
      kinds: [{ name: "solo", share: 1, publishers: 1, subscribers: 1, audioKbps: 0, videoLayersKbps: [1_500_000] }],
    };
    expect(lineOf(() => plan({ mix, nodeType: "c6i.xlarge", cpuEfficiency: 10 }))).toMatch(
      /^mix: room kind "solo" \(1 publisher \+ 1 subscriber = 2 participants\) is too large for one node: it needs 1650 Mbps, but one c6i\.xlarge carries 1406 Mbps \(90% of 1562\)/,
    );
  });

  it("names the ICE ports when they are what it outgrows", () => {
    expect(lineOf(() => plan({ icePorts: 100, mix: "webinar" }))).toBe(
      'mix: room kind "webinar" (2 publishers + 200 subscribers = 202 participants) is too large for one node: it needs 202 participants, but one node\'s 100 ICE ports hold 45 (2 per participant, 90%); LiveKit never splits a room across nodes, so use smaller rooms or a larger node type, got "webinar"',
    );
  });
});

describe("a plan's warnings", () => {
  it("say when bandwidth binds so hard that CPU is no signal for the HPA, which then aims at 10%", () => {
    const p = plan({ mix: "webinar", cpuEfficiency: 10 });
    expect(p.sfu.binding).toBe("network");
    expect(p.hpa.targetCpuUtilizationPercent).toBe(10);
    expect(p.warnings).toEqual([
      "bandwidth binds so hard that CPU reaches only 9% when a node's bandwidth reaches its target: scale the LiveKit HPA on another metric than CPU",
    ]);
  });

  it("say when Coturn's relaying would need more CPU than its request", () => {
    const p = plan({ mix: "livestream", turnRelayShare: 1 });
    expect(p.turn.relayCpuPerNode).toBeGreaterThan(0.5);
    expect(p.warnings).toContain(
      `Coturn relays ${Math.round(p.turn.relayMbpsPerNode)} Mbps per node at peak, about ${p.turn.relayCpuPerNode.toFixed(2)} vCPU, above its 0.5 vCPU request: raise TURN_POD_CPU`,
    );
    // The shipped share stays within the request, and warns of nothing.
    expect(plan({ mix: "livestream" }).warnings).toEqual([]);
  });

  it("say when one room alone needs more of a node than the target, by the resource it needs most", () => {
    const p = plan({ mix: "webinar", cpuEfficiency: 0.3 });
    expect(p.kinds[0].binding).toBe("cpu");
    expect(p.warnings[0]).toMatch(
      /^room kind "webinar" \(2 publishers \+ 200 subscribers = 202 participants\) alone needs \d+% of a node's CPU, above the 60% target: each such room gets a node of its own and runs it hotter$/,
    );
    const ports = plan({ mix: "webinar", icePorts: 600 });
    expect(ports.kinds[0].binding).toBe("ports");
    expect(ports.warnings[0]).toMatch(/"webinar" .* alone needs 67% of a node's ICE ports, above the 60% target/);
  });
});

describe("recording egress, by what is recorded", () => {
  it("counts an audio room's recording at the audio-only cost, four to a pod, and a video room's at one", () => {
    const audio = plan({ mix: "audio", recordingShare: 1 });
    const recordings = audio.kinds.reduce((sum, k) => sum + k.recordings, 0);
    expect(audio.egress.pods).toBe(Math.ceil(recordings / 4));
    const mixed = plan({ recordingShare: 0.5 });
    const podLoad = mixed.kinds.reduce(
      (sum, k) => sum + k.recordings / (["audio-room", "voice-call"].includes(k.name) ? 4 : 1),
      0,
    );
    expect(mixed.egress.pods).toBe(Math.ceil(podLoad));
  });

  it("admits no job whose cost is above the pod's CPUs", () => {
    expect(recordingsPerEgressPod(6)).toBe(0);
    expect(recordingsPerEgressPod(5)).toBe(1);
  });

  it("puts the ceiling's pods, and the ceiling's plus the busy ones draining through a rollout, on whole nodes", () => {
    const { egress } = plan({ recordingShare: 0.5 });
    expect(egress.podsPerNode).toBe(3);
    expect(egress.maxNodes).toBe(Math.ceil(egress.hpa.maxReplicas / 3));
    expect(egress.limitNodes).toBe(Math.ceil((egress.hpa.maxReplicas + egress.pods) / 3));
    expect(egress.limitNodes).toBeGreaterThan(egress.maxNodes);
  });
});

describe("livekit-server's limits and the HPA", () => {
  it("let a node twice as fast per vCPU carry twice the tracks", () => {
    const p = plan({ cpuEfficiency: 2 });
    expect(p.livekitServer.placement.numTracks).toBe(
      Math.floor((0.9 * p.node.workloadCpu * 2) / SFU_CPU_COSTS.perDownTrack),
    );
  });

  it("aim the HPA at the target rounded to a whole percent when CPU binds", () => {
    const p = plan({ targetUtilisation: 0.555 });
    expect(p.sfu.binding).toBe("cpu");
    expect(p.hpa.targetCpuUtilizationPercent).toBe(56);
  });
});

describe("the whole-rooms warning", () => {
  it("lists the kinds rounded up to whole rooms, not those below one room", () => {
    // 500 in webinars and livestreams: 250 attendees are two rooms of 202, 250 viewers part of one room of 301.
    const mix = {
      kinds: [
        { kind: "webinar", share: 0.5 },
        { kind: "livestream", share: 0.5 },
      ],
    };
    const p = plan({ targetParticipants: 500, mix });
    const warning = p.warnings.find((w) => w.startsWith("whole rooms:"))!;
    const listed = warning.match(/\(([^()]*rooms of[^()]*)\)/)![1].split(", ");
    const rounded = p.kinds.filter((k) => k.loadRooms >= 1 && k.rooms * k.roomSize > k.participants);
    expect(listed).toEqual(rounded.map((k) => `${k.rooms} ${k.name} rooms of ${k.roomSize} for ${k.participants}`));
    expect(listed).toEqual(["2 webinar rooms of 202 for 250"]);
  });
});
