/**
 * Subnet tags the Network component sets and Karpenter's node classes select on.
 */

/** Which tier a subnet belongs to: `public` (SFU/TURN nodes, load balancers) or `private`. */
export const SUBNET_TIER_TAG = "livekit-platform/subnet-tier";

/** Karpenter's discovery tag; its value is the cluster name. */
export const KARPENTER_DISCOVERY_TAG = "karpenter.sh/discovery";
