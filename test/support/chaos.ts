/**
 * One region's chaos drills as a test states them: the Args of the component and the drill settings the component
 * should derive from them (the pod labels sorted into a selector, no grace period).
 */
import type { ChaosArgs } from "../../components/chaos";
import type { DrillSettings } from "../../components/chaos/templates";

export const ALB_HOST = "k8s-livekit-livekits-0123456789-1234567890.ap-south-1.elb.amazonaws.com";

export const CHAOS_ARGS: ChaosArgs = {
  clusterName: "livekit-mumbai",
  sfuNodePoolName: "sfu",
  namespace: "livekit",
  livekitPodLabels: { "app.kubernetes.io/name": "livekit-server", "app.kubernetes.io/component": "sfu" },
  signallingLoadBalancerHostname: ALB_HOST,
  sfuNodeTerminationPercent: 33,
  turnNodeTerminationPercent: 50,
  livekitPodDeletePercent: 25,
};

export const DRILL_SETTINGS: DrillSettings = {
  clusterName: "livekit-mumbai",
  sfuNodePoolName: "sfu",
  namespace: "livekit",
  podSelector: "app.kubernetes.io/component=sfu,app.kubernetes.io/name=livekit-server",
  sfuNodeTerminationPercent: 33,
  turnNodeTerminationPercent: 50,
  livekitPodDeletePercent: 25,
  podDeleteGraceSeconds: 0,
};
