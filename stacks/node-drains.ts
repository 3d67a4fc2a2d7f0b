/**
 * How long Karpenter's SFU and egress NodePools let a node drain, from the pods that run there: the stack wires
 * them into the Karpenter component, and the docs' drift table (npm run docs:tables -- drift-waves) reads them.
 * Pure: the capabilities' pod and scaling modules only.
 */
import { COTURN_TERMINATION_GRACE_SECONDS } from "../components/coturn/pod";
import { egressTerminationGraceSeconds } from "../components/egress/scaling";
import { LIVEKIT_TERMINATION_GRACE_SECONDS } from "../components/livekit/pod";
import type { RegionSettings } from "./config";

/**
 * The longest drain of a pod on SFU nodes (a draining SFU keeps its rooms for up to 5 h after SIGTERM):
 * Karpenter's NodePools wait at least this long before forcing a node off. Egress nodes wait for the egress
 * pods' own grace period (from the maximum recording length).
 */
export const NODE_DRAIN_SECONDS = Math.max(LIVEKIT_TERMINATION_GRACE_SECONDS, COTURN_TERMINATION_GRACE_SECONDS);

/** The Karpenter component's `drainSeconds` and `egressDrainSeconds` for a region. */
export function nodePoolDrains(cfg: RegionSettings) {
  return {
    drainSeconds: NODE_DRAIN_SECONDS,
    egressDrainSeconds: egressTerminationGraceSeconds(cfg.egress.maxRecordingHours * 3600),
  };
}
