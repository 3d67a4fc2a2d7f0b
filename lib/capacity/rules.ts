/** The capacity model: sizing rules. */
/**
 * The most of one node's CPU or bandwidth a single room may need: LiveKit's node selector stops placing
 * rooms on nodes above 0.9 load (`node_selector.cpu_load_limit` / `sysload_limit` 0.9 in LiveKit's
 * node-selector documentation; the commented example in config-sample.yaml shows 0.7), and a room can never move to a second node.
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
export const MIN_HPA_TARGET_PERCENT = 10;

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
