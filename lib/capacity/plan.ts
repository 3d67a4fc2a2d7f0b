/** The capacity model: sizing. */
import {
  cpuFactorOf,
  INSTANCE_TYPES,
  InstanceType,
  internetBandwidthMbps,
  workloadCpu,
  workloadMemoryMiB,
} from "../instance-types";
import { RoomKind, RoomMix, withClientDefaults } from "./room-mix";
import { roomCpu, SFU_CPU_COSTS } from "./cpu-costs";
import { InputError } from "../errors";
import { CAPACITY_DEFAULTS } from "./input";
import {
  AUDIO_ROOM_COMPOSITE_CPU_COST,
  DEFAULT_BASE_SHARE,
  DEFAULT_ICE_PORT_COUNT,
  DEFAULT_PEAK_HEADROOM,
  DEFAULT_TURN_RELAY_SHARE,
  EGRESS_IDLE_SHARE,
  EGRESS_MAX_CPU_UTILISATION,
  EGRESS_MAX_MEMORY_GIB,
  EGRESS_MEAN_RECORDING_MINUTES,
  EGRESS_MIN_IDLE_PODS,
  EGRESS_POD_CPU,
  EGRESS_POD_MEMORY_GIB,
  EGRESS_REPLENISH_MINUTES,
  MIN_HA_NODES,
  MIN_HPA_TARGET_PERCENT,
  ROOM_COMPOSITE_CPU_COST,
  ICE_PORTS_PER_PARTICIPANT,
  ROOM_FIT_CEILING,
  SFU_NODE_HEADROOM_CPU,
  TURN_ALLOCATION_MARGIN,
  TURN_ALLOCATIONS_PER_PARTICIPANT,
  TURN_MIN_SESSION_MBPS,
  TURN_POD_CPU,
  TURN_SESSION_RATE_MARGIN,
  TRACK_COMPOSITE_CPU_COST,
  WHOLE_ROOMS_WARNING_SHARE,
} from "./rules";
import { roomTraffic } from "./traffic";
import { CapacityInput, CapacityPlan, Constraint, KindPlan } from "./types";
export const EPS = 1e-9;

/** The instance type's facts, or an error listing the types the catalogue knows. */
export function lookupInstanceType(name: string, key = "nodeType"): InstanceType {
  const type = INSTANCE_TYPES[name];
  if (!type) throw new InputError(key, `unknown node type (known: ${Object.keys(INSTANCE_TYPES).join(", ")})`, name);
  return type;
}

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
 * Egress recordings one pod takes, counting each job at its cost: the first job when idle (available =
 * CPUs), more while CPUs x 0.8 - used >= cost. So a 5-vCPU pod holds 1 room composite, or 4 audio-only or
 * track composites. (After its first 15 s a job counts at its measured CPU, so light jobs may pack denser.)
 */
export function recordingsPerEgressPod(cost: number, podCpu = EGRESS_POD_CPU): number {
  if (podCpu < cost) return 0;
  return Math.max(1, Math.floor((podCpu * EGRESS_MAX_CPU_UTILISATION) / cost + EPS));
}

/**
 * CPU of an SFU node LiveKit may use, vCPU: allocatable minus the DaemonSets' requests, Coturn's request
 * and the stated headroom. The LiveKit pod requests exactly this.
 */
export function sfuCpu(node: InstanceType): number {
  return workloadCpu(node) - TURN_POD_CPU - SFU_NODE_HEADROOM_CPU;
}

const MBPS_TO_BYTES_PER_SECOND = 1e6 / 8;

/**
 * Sizes one region from input its callers have parsed (lib/capacity/input.ts). Throws `InputError` for what
 * follows from several inputs: a node type the catalogue lacks or too small, a room that cannot fit on one node.
 */
export function planCapacity(input: CapacityInput): CapacityPlan {
  const { targetParticipants, targetUtilisation: u, recordingShare, mix } = input;
  const baseShare = input.baseShare ?? DEFAULT_BASE_SHARE;
  const peakHeadroom = input.peakHeadroom ?? DEFAULT_PEAK_HEADROOM;
  // Unset: the node family's documented factor (CPU_FACTOR_BY_FAMILY), 1 for c6i.
  const efficiency = input.cpuEfficiency ?? cpuFactorOf(input.nodeType);
  const relayShare = input.turnRelayShare ?? DEFAULT_TURN_RELAY_SHARE;
  const icePorts = input.icePorts ?? DEFAULT_ICE_PORT_COUNT;
  const node = lookupInstanceType(input.nodeType, "nodeType");
  const egressNodeName = input.egressNodeType ?? CAPACITY_DEFAULTS.egressNodeType;
  const egressNode = lookupInstanceType(egressNodeName, "egressNodeType");

  const nodeCpu = sfuCpu(node);
  if (nodeCpu <= 0) {
    throw new InputError(
      "nodeType",
      "leaves no CPU for LiveKit after the DaemonSets, Coturn and the headroom",
      input.nodeType,
    );
  }
  const nodeBandwidth = internetBandwidthMbps(node);
  // Participants a node's ICE port range holds (no UDP mux: two sockets per participant).
  const nodePorts = icePorts / ICE_PORTS_PER_PARTICIPANT;
  const cpuBudget = nodeCpu * u;
  const netBudget = nodeBandwidth * u;
  const portBudget = nodePorts * u;
  const warnings: string[] = [];

  const kinds: KindPlan[] = mix.kinds.map((kind) => {
    const traffic = roomTraffic(kind);
    const cpu = roomCpu(traffic, efficiency);
    // Relayed participants' media crosses the node's internet link twice more (client <-> Coturn <-> SFU
    // public IP): per direction, the relay share of everything they send and receive.
    const relayMbps = relayShare * (traffic.egressMbps + traffic.ingressMbps);
    const net = Math.max(traffic.egressMbps, traffic.ingressMbps) + relayMbps;
    const ports = traffic.participants;
    const cpuLimit = nodeCpu * ROOM_FIT_CEILING;
    const netLimit = nodeBandwidth * ROOM_FIT_CEILING;
    const portLimit = nodePorts * ROOM_FIT_CEILING;
    if (cpu > cpuLimit || net > netLimit || ports > portLimit) {
      const worst = Math.max(cpu / cpuLimit, net / netLimit, ports / portLimit);
      const over =
        worst === cpu / cpuLimit
          ? `${cpu.toFixed(1)} vCPU, but one ${input.nodeType} carries ${cpuLimit.toFixed(1)} vCPU (${ROOM_FIT_CEILING * 100}% of ${nodeCpu.toFixed(2)})`
          : worst === net / netLimit
            ? `${Math.round(net)} Mbps, but one ${input.nodeType} carries ${Math.round(netLimit)} Mbps (${ROOM_FIT_CEILING * 100}% of ${nodeBandwidth})`
            : `${ports} participants, but one node's ${icePorts} ICE ports hold ${Math.floor(portLimit)} (${ICE_PORTS_PER_PARTICIPANT} per participant, ${ROOM_FIT_CEILING * 100}%)`;
      throw new InputError(
        "mix",
        `${describeRoom(kind)} is too large for one node: it needs ${over}; LiveKit never splits a room across nodes, so use smaller rooms or a larger node type`,
        mix.name,
      );
    }
    const cpuShare = cpu / cpuBudget;
    const netShare = net / netBudget;
    const portShare = ports / portBudget;
    const share = Math.max(cpuShare, netShare, portShare);
    const kindBinding: Constraint = share === cpuShare ? "cpu" : share === netShare ? "network" : "ports";
    if (share > 1) {
      const what = { cpu: "CPU", network: "bandwidth", ports: "ICE ports" }[kindBinding];
      warnings.push(
        `${describeRoom(kind)} alone needs ${Math.round(share * u * 100)}% of a node's ${what}, above the ${Math.round(u * 100)}% target: each such room gets a node of its own and runs it hotter`,
      );
    }
    const participants = targetParticipants * kind.share;
    const rooms = ceil(participants / traffic.participants);
    return {
      name: kind.name,
      share: kind.share,
      participants: Math.round(participants),
      rooms,
      loadRooms: kindLoadRooms(participants, traffic.participants),
      roomSize: traffic.participants,
      perRoom: {
        cpu,
        egressMbps: traffic.egressMbps,
        ingressMbps: traffic.ingressMbps,
        downTracks: traffic.downTracks,
        relayMbps,
      },
      roomsPerNode: Math.max(1, Math.floor(1 / share + EPS)),
      binding: kindBinding,
      recordings: rooms * recordingShare,
    };
  });

  const load = {
    cpu: kinds.reduce((s, k) => s + k.loadRooms * k.perRoom.cpu, 0),
    egressMbps: kinds.reduce((s, k) => s + k.loadRooms * k.perRoom.egressMbps, 0),
    ingressMbps: kinds.reduce((s, k) => s + k.loadRooms * k.perRoom.ingressMbps, 0),
    relayMbps: kinds.reduce((s, k) => s + k.loadRooms * k.perRoom.relayMbps, 0),
    participants: kinds.reduce((s, k) => s + k.loadRooms * k.roomSize, 0),
  };
  if (load.participants > targetParticipants * (1 + WHOLE_ROOMS_WARNING_SHARE)) {
    const rounded = kinds
      .filter((k) => k.loadRooms >= 1 && k.rooms * k.roomSize > k.participants)
      .map((k) => `${k.rooms} ${k.name} rooms of ${k.roomSize} for ${k.participants}`);
    warnings.push(
      `whole rooms: the nodes and the cost carry ${Math.round(load.participants)} participants for a target of ${targetParticipants} (+${Math.round((load.participants / targetParticipants - 1) * 100)}%): from one room up a room kind is planned in full rooms (${rounded.join(", ")}); use smaller rooms in the mix, or a target near a multiple of them`,
    );
  }
  const netLoad = Math.max(load.egressMbps, load.ingressMbps) + load.relayMbps;
  const cpuNodes = load.cpu / cpuBudget;
  const networkNodes = netLoad / netBudget;
  const portNodes = load.participants / portBudget;
  // Whole rooms per node: each room of a kind takes 1/roomsPerNode of a node, not just its load share.
  const packingNodes = kinds.reduce((s, k) => {
    const share = Math.max(
      k.perRoom.cpu / cpuBudget,
      (Math.max(k.perRoom.egressMbps, k.perRoom.ingressMbps) + k.perRoom.relayMbps) / netBudget,
      k.roomSize / portBudget,
    );
    return s + k.loadRooms * (1 / k.roomsPerNode - share);
  }, 0);
  const bindingNodes = Math.max(cpuNodes, networkNodes, portNodes);
  const binding: Constraint = bindingNodes === cpuNodes ? "cpu" : bindingNodes === networkNodes ? "network" : "ports";
  const peakNodes = Math.max(1, ceil(bindingNodes + packingNodes));
  const utilisation = {
    cpu: load.cpu / (peakNodes * nodeCpu),
    network: netLoad / (peakNodes * nodeBandwidth),
    ports: load.participants / (peakNodes * nodePorts),
  };
  const used = utilisation[binding];
  const headroom = 1 - used;
  const { minNodes, maxNodes } = sizeBounds(peakNodes, baseShare, peakHeadroom);

  // The HPA scales on CPU. When bandwidth or ports bind, aim it at the CPU a node shows when that
  // resource reaches the target, or it would let nodes fill past it.
  let hpaTarget = Math.round(u * 100);
  if (binding !== "cpu") {
    hpaTarget = Math.floor(u * (cpuNodes / bindingNodes) * 100);
    if (hpaTarget < MIN_HPA_TARGET_PERCENT) {
      const what = binding === "network" ? "bandwidth" : "ICE port range";
      warnings.push(
        `${what} binds so hard that CPU reaches only ${hpaTarget}% when a node's ${what} reaches its target: scale the LiveKit HPA on another metric than CPU`,
      );
      hpaTarget = MIN_HPA_TARGET_PERCENT;
    }
  }

  const egress = planEgress(kinds, mix, egressNodeName, egressNode, peakHeadroom);

  // TURN. Every participant allocates on every TURN server for every PeerConnection, relayed or not, so
  // coturn's total-quota counts them all; only the relay share's bytes cross the relay. No bps-capacity:
  // coturn would reserve max-bps of it at every Allocate and answer 486 once reserved (coturn 4.17.0
  // src/server/ns_turn_server.c:1409-1418, src/apps/relay/netengine.c allocate_bps), which the idle
  // allocations of the first joiners would exhaust. max-bps stays as a per-session cap, sized for
  // livekit-client's defaults so that no participant the mix describes is throttled by it.
  const busiestMbps = Math.max(...mix.kinds.map((kind) => roomTraffic(withClientDefaults(kind)).maxParticipantMbps));
  const sessionMbps = Math.max(TURN_MIN_SESSION_MBPS, TURN_SESSION_RATE_MARGIN * busiestMbps);
  const maxBytesPerSecond = Math.ceil(sessionMbps * MBPS_TO_BYTES_PER_SECOND);
  const participantsPerNode = ceil(load.participants / peakNodes);
  const allocationsPerNode = participantsPerNode * TURN_ALLOCATIONS_PER_PARTICIPANT;
  const relayMbpsPerNode = load.relayMbps / peakNodes;
  const relayCpuPerNode = relayMbpsPerNode * SFU_CPU_COSTS.perEgressMbps;
  if (relayCpuPerNode > TURN_POD_CPU) {
    warnings.push(
      `Coturn relays ${Math.round(relayMbpsPerNode)} Mbps per node at peak, about ${relayCpuPerNode.toFixed(2)} vCPU, above its ${TURN_POD_CPU} vCPU request: raise TURN_POD_CPU`,
    );
  }

  // What livekit-server enforces. Its CPU load is its own usage over all the node's vCPUs (no CPU
  // limit), so the model's ceiling of LiveKit's share becomes a fraction of the whole node.
  const livekitServer = {
    placement: {
      cpuLoadLimit: Math.floor(((ROOM_FIT_CEILING * nodeCpu) / node.vcpu) * 1000) / 1000,
      // The most tracks a node at the ceiling carries even if every track were a down track alone.
      numTracks: Math.floor((ROOM_FIT_CEILING * nodeCpu * efficiency) / SFU_CPU_COSTS.perDownTrack),
      // In + out bytes against one direction's capacity: conservative, SFU traffic is mostly egress.
      bytesPerSec: Math.floor(ROOM_FIT_CEILING * nodeBandwidth * MBPS_TO_BYTES_PER_SECOND),
    },
    maxParticipants: Math.max(...kinds.map((k) => k.roomSize)),
  };

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
      // From what the nodes carry at peak (whole rooms included), not the target.
      headroomParticipants: used > 0 ? Math.floor(load.participants * (1 / used - 1) + EPS) : 0,
      portNodes,
      minNodes,
      maxNodes,
    },
    managedNodeGroup: { minSize: minNodes, desiredSize: minNodes, maxSize: maxNodes },
    karpenter: { sfuCpuLimit: (maxNodes + peakNodes) * node.vcpu, egressCpuLimit: egress.limitNodes * egressNode.vcpu },
    hpa: { minReplicas: minNodes, maxReplicas: maxNodes, targetCpuUtilizationPercent: hpaTarget },
    sfuPod: { cpuRequestMillicores: Math.floor(nodeCpu * 1000 + EPS) },
    livekitServer,
    turn: {
      relayShare,
      relayMbpsPerNode,
      relayCpuPerNode,
      participantsPerNode,
      allocationsPerNode,
      totalQuota: allocationsPerNode * TURN_ALLOCATION_MARGIN,
      maxBytesPerSecond,
    },
    egress,
    warnings,
  };
}

/**
 * Rooms' worth of load of a room kind with `participants` in rooms of `roomSize`. From one room up, whole rooms,
 * each full: a room's load is its shape's, and rooms pack onto nodes whole. Below one room the kind's
 * participants are that share of one room (a 10-viewer livestream costs 10/301 of a full one), so a small region
 * is planned and billed for the participants its mix describes, not for a full room of every kind: rounding each
 * kind up to one full room would plan 705 participants for a `mixed` target of 100.
 */
export function kindLoadRooms(participants: number, roomSize: number): number {
  const rooms = participants / roomSize;
  return rooms < 1 ? rooms : ceil(rooms);
}

/** Rounds up, ignoring float noise just above an integer, and never returns -0. */
function ceil(x: number): number {
  return Math.max(0, Math.ceil(x - EPS));
}

function planEgress(
  kinds: KindPlan[],
  mix: RoomMix,
  nodeType: string,
  node: InstanceType,
  peakHeadroom: number,
): CapacityPlan["egress"] {
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
    throw new InputError(
      "egressNodeType",
      `fits no egress pod of ${EGRESS_POD_CPU} vCPU and ${EGRESS_POD_MEMORY_GIB} GiB`,
      nodeType,
    );
  }
  const idlePods = egressIdlePods(pods);
  // At peak: busy pods plus the idle pool, which is max(idlePods, 10% of all pods) (see the egress scaler).
  const peakPods = pods + Math.max(idlePods, ceil((pods * EGRESS_IDLE_SHARE) / (1 - EGRESS_IDLE_SHARE)));
  const maxPods = Math.max(peakPods, ceil(pods * peakHeadroom) + idlePods);
  const perPod = {
    roomComposite: recordingsPerEgressPod(ROOM_COMPOSITE_CPU_COST),
    trackComposite: recordingsPerEgressPod(TRACK_COMPOSITE_CPU_COST),
    audioOnly: recordingsPerEgressPod(AUDIO_ROOM_COMPOSITE_CPU_COST),
  };
  return {
    nodeType,
    recordings,
    podCpu: EGRESS_POD_CPU,
    podMemoryGiB: EGRESS_POD_MEMORY_GIB,
    maxMemoryGiB: EGRESS_MAX_MEMORY_GIB,
    recordingsPerPod: perPod,
    recordingsPerNode: {
      roomComposite: perPod.roomComposite * podsPerNode,
      trackComposite: perPod.trackComposite * podsPerNode,
      audioOnly: perPod.audioOnly * podsPerNode,
    },
    pods,
    idlePods,
    peakPods,
    podsPerNode,
    peakNodes: ceil(peakPods / podsPerNode),
    maxNodes: ceil(maxPods / podsPerNode),
    // A rollout at peak starts a full set of new pods while the busy old ones drain for up to the maximum
    // recording length: the NodePool's limit leaves room for both.
    limitNodes: ceil((maxPods + pods) / podsPerNode),
    // The floor is the idle pool (no recording waits for a node); the ceiling covers peak x headroom.
    hpa: { minReplicas: idlePods, maxReplicas: maxPods },
  };
}

/**
 * Idle egress pods to keep: recordings arrive at about busy pods / mean recording length (Little's law),
 * and a new pod takes EGRESS_REPLENISH_MINUTES, so the pool covers the arrivals of that long at the peak
 * rate with two standard deviations of Poisson margin; at least EGRESS_MIN_IDLE_PODS, none when nothing is
 * recorded.
 */
export function egressIdlePods(busyPods: number): number {
  if (busyPods <= 0) return 0;
  const arrivals = (busyPods * EGRESS_REPLENISH_MINUTES) / EGRESS_MEAN_RECORDING_MINUTES;
  return Math.max(EGRESS_MIN_IDLE_PODS, ceil(arrivals + 2 * Math.sqrt(arrivals)));
}
