/** The capacity model: input and output. */
import { RoomMix } from "./room-mix";

/**
 * Demand for one region: what a stack file states instead of node counts, as `capacityFields` and
 * `roomMixSchema` (lib/capacity/input.ts) have parsed it.
 */
export interface CapacityInput {
  /** Concurrent participants at peak in this region. */
  targetParticipants: number;
  /** The rooms they are in: a preset or a custom mix, parsed with `parseRoomMix`. */
  mix: RoomMix;
  /** SFU node instance type, one of `INSTANCE_TYPES`. */
  nodeType: string;
  /** Fraction (0, 1] of a node's CPU and bandwidth to plan for at peak, e.g. 0.6. */
  targetUtilisation: number;
  /** Fraction [0, 1] of rooms recorded with room composite egress. */
  recordingShare: number;
  /** Egress node instance type; default `CAPACITY_DEFAULTS.egressNodeType`. */
  egressNodeType?: string;
  /** Minimum nodes as a share of peak nodes; default `DEFAULT_BASE_SHARE`. */
  baseShare?: number;
  /** Maximum nodes as a multiple of peak nodes (>= 1); default `DEFAULT_PEAK_HEADROOM`. */
  peakHeadroom?: number;
  /**
   * SFU work per vCPU relative to LiveKit's benchmark node (from your own `lk load-test`); default the node
   * family's factor (`CPU_FACTOR_BY_FAMILY` in lib/instance-types.ts, 1 for c6i).
   */
  cpuEfficiency?: number;
  /** Share [0, 1] of participants relayed through TURN; default `DEFAULT_TURN_RELAY_SHARE`. */
  turnRelayShare?: number;
  /** UDP ports in LiveKit's ICE range (`rtc.port_range_*`, no UDP mux); default `DEFAULT_ICE_PORT_COUNT`. */
  icePorts?: number;
}

/** What runs out first on a node: LiveKit's CPU, internet bandwidth, or ICE ports (two per participant). */
export type Constraint = "cpu" | "network" | "ports";

export interface KindPlan {
  name: string;
  share: number;
  participants: number;
  /** Rooms of the kind, whole: at least one while it has participants (a room below its size is still a room). */
  rooms: number;
  /**
   * Rooms' worth of load the nodes and the bill carry: `rooms` from one full room up, the kind's participants as
   * a share of one room below that (`kindLoadRooms`).
   */
  loadRooms: number;
  roomSize: number;
  /** Load of one room. */
  perRoom: {
    cpu: number;
    egressMbps: number;
    ingressMbps: number;
    downTracks: number;
    /** Media through Coturn per direction (relay share x (egress + ingress)); on the nodes' network too. */
    relayMbps: number;
  };
  /** Whole rooms of this kind one node holds at the target utilisation (at least 1). */
  roomsPerNode: number;
  /** What limits rooms per node for this kind. */
  binding: Constraint;
  /** Room composite recordings of this kind at peak (expected value: rooms x recording share). */
  recordings: number;
}

/** Recordings of each egress kind. */
export interface EgressRecordings {
  /** Room composite with video (Chrome renders the room). */
  roomComposite: number;
  /** Track composite: one participant's audio and video, no Chrome. */
  trackComposite: number;
  /** Audio-only room composite. */
  audioOnly: number;
}

export interface CapacityPlan {
  targetParticipants: number;
  targetUtilisation: number;
  recordingShare: number;
  mix: RoomMix;
  node: { type: string; vcpu: number; workloadCpu: number; internetBandwidthMbps: number };
  kinds: KindPlan[];
  /** Total load at peak. */
  load: { cpu: number; egressMbps: number; ingressMbps: number; relayMbps: number; participants: number };
  sfu: {
    /** Nodes needed at peak, at the target utilisation. */
    peakNodes: number;
    /** The dimension that needs more nodes. */
    binding: Constraint;
    /** Node-equivalents of CPU and of bandwidth at the target utilisation (fractional). */
    cpuNodes: number;
    networkNodes: number;
    /** Node-equivalents of ICE ports (participants over half the port range, at the target utilisation). */
    portNodes: number;
    /**
     * Node-equivalents added because rooms come in whole numbers per node (a node holding 2 rooms that
     * each need 40% of its budget cannot take a third). Negative for rooms above the target budget: each
     * gets exactly one node, fewer than its load share.
     */
    packingNodes: number;
    /** Utilisation of peak nodes at peak. */
    utilisation: { cpu: number; network: number; ports: number };
    /**
     * Share of the binding resource still free at peak, and the participants it would take at the load of those
     * the nodes carry (`load.participants`).
     */
    headroom: number;
    headroomParticipants: number;
    minNodes: number;
    maxNodes: number;
  };
  /** The `sfu` managed node group: desired = min; it does not autoscale on its own. */
  managedNodeGroup: { minSize: number; desiredSize: number; maxSize: number };
  /**
   * The `sfu` NodePool's `limits.cpu`: vCPU of max nodes plus the peak's nodes, because a rollout at
   * peak leaves every old pod draining (up to 5 h) on its node while the new pods need nodes of their own
   * (egress: vCPU of `egress.limitNodes`). Not a second budget on top of the node group:
   * the HPA's maxReplicas caps SFU nodes (one pod per node, Karpenter only launches for pending pods);
   * this limit lets Karpenter cover all of them if the managed group is lost.
   */
  karpenter: { sfuCpuLimit: number; egressCpuLimit: number };
  /** LiveKit Deployment HPA: one pod per node, so replicas = nodes. */
  hpa: { minReplicas: number; maxReplicas: number; targetCpuUtilizationPercent: number };
  /**
   * The LiveKit pod's CPU request: the node's allocatable CPU minus the DaemonSets, Coturn and a stated
   * headroom; the model's SFU CPU is exactly this, so the HPA target is relative to it.
   */
  sfuPod: { cpuRequestMillicores: number };
  /** livekit-server settings that enforce the model (components/livekit/server-config.ts). */
  livekitServer: {
    placement: { cpuLoadLimit: number; numTracks: number; bytesPerSec: number };
    /** `room.max_participants`: the mix's largest room. */
    maxParticipants: number;
  };
  /** TURN through Coturn on each SFU node: allocations from every participant, relayed bytes from the relay share. */
  turn: {
    /** Share of participants relayed (`turnRelayShare`); the cost estimate uses the same. */
    relayShare: number;
    /** Relayed media per node at peak, per direction, Mbps (counted in the network load): the node's relay budget. */
    relayMbpsPerNode: number;
    /** Coturn's CPU per node at peak (relay Mbps at the SFU's per-Mbps send cost), vCPU; must fit its request. */
    relayCpuPerNode: number;
    /** Participants one Coturn pod serves at peak: the region's over the peak nodes, rounded up. */
    participantsPerNode: number;
    /** Allocations those participants make (every participant, TURN_ALLOCATIONS_PER_PARTICIPANT each). */
    allocationsPerNode: number;
    /** coturn `total-quota`: allocationsPerNode with TURN_ALLOCATION_MARGIN. */
    totalQuota: number;
    /** coturn `max-bps`: bytes per second per TURN session, each socket and direction. */
    maxBytesPerSecond: number;
  };
  egress: {
    nodeType: string;
    recordings: number;
    /** CPUs (request = limit) and memory limit of one pod; egress's own memory ceiling (`max_memory`) below it. */
    podCpu: number;
    podMemoryGiB: number;
    maxMemoryGiB: number;
    /** Recordings one pod / one node of `nodeType` admits, by kind (each counted at its egress CPU cost). */
    recordingsPerPod: EgressRecordings;
    recordingsPerNode: EgressRecordings;
    /** Busy pods at peak. */
    pods: number;
    /** Idle pods the autoscaler keeps at least (the warm pool), and all pods at peak (busy + idle pool). */
    idlePods: number;
    peakPods: number;
    podsPerNode: number;
    /** Nodes at peak (busy + idle pods) and at the autoscaler's ceiling. */
    peakNodes: number;
    maxNodes: number;
    /** Nodes the NodePool's CPU limit allows: the ceiling plus busy pods draining through a rollout. */
    limitNodes: number;
    /** The egress autoscaler's floor (the idle pool) and ceiling. */
    hpa: { minReplicas: number; maxReplicas: number };
  };
  warnings: string[];
}
