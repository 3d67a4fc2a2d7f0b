import type { PodResources } from "../shared/pods";
import { TURN_POD_CPU } from "../../lib/capacity/rules";

/**
 * Coturn shares each SFU node with one LiveKit pod. Its CPU request comes out of the node's workload CPU
 * the capacity model counts for LiveKit, so both pods fit on the node.
 */
export const COTURN_CPU_MILLIS = Math.round(TURN_POD_CPU * 1000);

export const COTURN_RESOURCES: Readonly<PodResources> = {
  cpuRequestMillis: COTURN_CPU_MILLIS,
  memoryRequestMiB: 256,
  memoryLimitMiB: 1024,
};
