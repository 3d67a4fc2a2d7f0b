/** The egress HPA's CPU utilisation target, percent of the pod's request. */
export const EGRESS_TARGET_CPU_UTILIZATION_PERCENT = 60;
