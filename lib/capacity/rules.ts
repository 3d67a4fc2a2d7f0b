/** The capacity model: sizing rules. */
/**
 * The most of one node's SFU CPU or bandwidth a single room may need, and the load above which a node
 * takes no new rooms: rendered as livekit-server's `node_selector` (`kind: cpuload`, `cpu_load_limit`)
 * and `limit`s by `sfuServerSettings`, so the server enforces what the model assumes. A room never
 * moves to a second node.
 */
export const ROOM_FIT_CEILING = 0.9;
/**
 * CPU kept free on an SFU node beyond the listed DaemonSets, Coturn and LiveKit (vCPU): room for one more
 * node agent and for the kernel's softirq work on UDP that no container is charged for.
 */
export const SFU_NODE_HEADROOM_CPU = 0.25;
/** Coturn's CPU request on each SFU node (vCPU); components/coturn/defaults.ts uses this value. */
export const TURN_POD_CPU = 0.5;
/**
 * Share of participants whose media goes through TURN: the one figure both the capacity plan (relay traffic
 * on the nodes' network) and the cost estimate (NLB bytes, the relay hop; lib/capacity/cost.ts) use, and
 * `capacity.turnRelayShare` in a stack file overrides for both. An assumption until measured: published
 * relay rates are for peer-to-peer calls between two NATs and run from a few percent to about a fifth; an
 * SFU with public IPs and ICE/TCP on 7881 needs TURN only for clients that reach neither its UDP ports nor
 * 7881, so 10% errs high. High is the safe side for both uses: too little relay traffic would let nodes fill
 * past their bandwidth target and understate the bill, too much costs only some margin in the estimate.
 * Measure it (the `TurnRelayTrafficAboveBudget` runbook, docs/runbooks.md) and set it.
 */
export const DEFAULT_TURN_RELAY_SHARE = 0.1;
/**
 * PeerConnections per participant, each gathering its own relay candidates: livekit-client's publisher and
 * subscriber (`PCTransportManager`), as the mobile SDKs do; livekit-client 2.17 and later may use a single
 * one (`singlePeerConnection` in src/room/defaults.ts, v2.21.0), so two is the upper bound.
 */
export const PEER_CONNECTIONS_PER_PARTICIPANT = 2;
/**
 * TURN servers livekit-server hands every participant: each `rtc.turn_servers` entry becomes its own
 * ICEServer (livekit v1.13.5 pkg/service/roommanager.go iceServersForParticipant, lines 1085-1124), and
 * components/livekit renders two, TURN/UDP on 3478 and TURN/TLS on 443.
 */
export const TURN_SERVERS_PER_PARTICIPANT = 2;
/**
 * Coturn allocations one participant makes, whether it ends up relaying or not: ICE gathers a relay candidate
 * from every TURN server it is given, for every PeerConnection, and keeps the unused ones as backups.
 */
export const TURN_ALLOCATIONS_PER_PARTICIPANT = PEER_CONNECTIONS_PER_PARTICIPANT * TURN_SERVERS_PER_PARTICIPANT;
/**
 * Coturn's `total-quota` is this multiple of the allocations a node's participants make at the planned peak.
 * The TURN NLB spreads clients evenly over the Coturn pods whatever room they are in, so a pod sees its node's
 * share of the region's participants; the margin covers allocations that outlive their PeerConnection (a
 * reconnect or ICE restart gathers new ones while the old wait out their lifetime), clients gathering on a
 * second network interface, and nodes above the planned load until the HPA adds one (up to the 90% ceiling,
 * 1.5 times the 60% target).
 */
export const TURN_ALLOCATION_MARGIN = 2;
/**
 * Each TURN session may carry up to this multiple of the mix's busiest participant's rate with livekit-client's
 * defaults (coturn `max-bps`): room for keyframes, retransmissions and bandwidth probes above the average.
 */
export const TURN_SESSION_RATE_MARGIN = 2;
/** Floor for coturn's per-session `max-bps`, Mbps: audio-only mixes still need room for ICE, DTLS and RED bursts. */
export const TURN_MIN_SESSION_MBPS = 1;
/**
 * UDP ports one participant holds in LiveKit's ICE range without UDP mux ("each participant in the
 * room will use two ports", LiveKit docs "Ports and firewall"): one socket per PeerConnection.
 */
export const ICE_PORTS_PER_PARTICIPANT = 2;
/** Ports in LiveKit's ICE range 50000-60000, inclusive. */
export const DEFAULT_ICE_PORT_COUNT = 10_001;
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
 * count x 1.5 for headroom". A rollout needs more: draining pods hold their nodes for up to 5 h
 * (terminationGracePeriodSeconds 18000) while replacements need nodes of their own, so the sfu NodePool's
 * CPU limit covers max nodes plus the peak's draining ones (`plan.karpenter.sfuCpuLimit`).
 */
export const DEFAULT_PEAK_HEADROOM = 1.5;
/**
 * Whole rooms above the target, as a share of it, past which the plan warns: from one room up a room kind is
 * planned in full rooms (302 livestream viewers take two rooms of 301), so the nodes and the bill carry more
 * participants than the target; a few percent is rounding, more says the mix's rooms are large for the region.
 */
export const WHOLE_ROOMS_WARNING_SHARE = 0.1;
/** Lowest HPA CPU target worth setting: below this, CPU is too noisy a signal to scale on. */
export const MIN_HPA_TARGET_PERCENT = 10;

/**
 * Egress job costs and admission, from egress v1.14.1 (pkg/config/service.go defaults, pkg/stats/monitor.go
 * getCPUUsageLocked): an idle pod admits any job whose cost fits its CPU count; a pod with jobs admits one
 * while `CPUs x max_cpu_utilization - used >= cost`, `used` being each job's cost for its first 15 s and its
 * measured CPU after.
 */
/** Room composite (and web) egress: egress's default `room_composite_cpu_cost` 4 (docs: "2-6 CPUs"). */
export const ROOM_COMPOSITE_CPU_COST = 4;
/** Audio-only room composite (`audio_room_composite_cpu_cost` default 1). */
export const AUDIO_ROOM_COMPOSITE_CPU_COST = 1;
/** Track composite, one participant's audio and video without Chrome (`track_composite_cpu_cost` default 1). */
export const TRACK_COMPOSITE_CPU_COST = 1;
/** Egress's default `max_cpu_utilization`. */
export const EGRESS_MAX_CPU_UTILISATION = 0.8;
/**
 * CPUs per egress pod (its limit, which egress reads as its CPU count). 5 x 0.8 = 4 = the room composite
 * cost: an idle pod takes one composite, and a pod running anything can never reach 4 again, so a
 * composite never shares its pod with another composite and has 5 cores for its 3-6 core peaks
 * (LiveKit's "at least 4 CPUs" is the floor, not the peak).
 */
export const EGRESS_POD_CPU = 5;
/**
 * Egress's own memory ceiling (`cpu_cost.max_memory`, GiB): it refuses jobs once the pod's cgroup usage plus
 * 1 GiB reaches this, and kills the largest job above it (monitor.go checkMemoryAdmissionLocked,
 * checkMemoryKill). LiveKit's recommended 4 GB per instance.
 */
export const EGRESS_MAX_MEMORY_GIB = 4;
/** Headroom of the pod's memory limit above `max_memory`, so egress's graceful kill acts before the kernel's. */
export const EGRESS_MEMORY_LIMIT_HEADROOM_GIB = 1;
/** The pod's memory request and limit, GiB. */
export const EGRESS_POD_MEMORY_GIB = EGRESS_MAX_MEMORY_GIB + EGRESS_MEMORY_LIMIT_HEADROOM_GIB;
/**
 * Minutes from "no idle egress pod" to a new pod taking jobs: the autoscaler's reaction (~1 min), a new
 * node (~1-2 min) and the egress image pull and start (~2 min). The warm pool covers recordings that
 * start meanwhile.
 */
export const EGRESS_REPLENISH_MINUTES = 5;
/** Mean recording length assumed for the arrival rate of recordings (Little's law: rate = concurrent / length). */
export const EGRESS_MEAN_RECORDING_MINUTES = 60;
/** Idle pods kept at least, when anything is recorded: one per zone of two, so a zone loss keeps one. */
export const EGRESS_MIN_IDLE_PODS = 2;
/** Share of all egress pods kept idle at least ("idle >= max(N, 10% of pods)"). */
export const EGRESS_IDLE_SHARE = 0.1;
/**
 * Global rooms mode: the share of a region's peak that may arrive before a new SFU node takes rooms (the HPA's
 * reaction, a node's launch and the pod's start: minutes). livekit-server's region-aware selector drops every
 * node at or above its load limit before it picks the nearest region (livekit v1.13.5
 * pkg/routing/selector/regionaware.go SelectNode, sysload.go), so a room created while the local floor is full
 * goes to another region and stays there for its whole life. Meetings that start on the hour bring much of the
 * hour's peak at once; half is the assumption.
 */
export const GLOBAL_ROOMS_RAMP_SHARE = 0.5;
