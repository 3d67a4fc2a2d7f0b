/**
 * Sanity bounds on a sized region: a ceiling on SFU nodes and the account's EC2 vCPU quota, both from
 * config. A region that needs more is an error with one line saying how many it needs.
 */
import { InputError } from "../errors";
import { CapacityPlan } from "./types";

export interface SanityBounds {
  /** Most SFU nodes the region may run (peak with headroom, the node group's max). */
  maxSfuNodes?: number;
  /**
   * The account's "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances" vCPU quota in the
   * region (Service Quotas L-1216C47A). Compared with the vCPU of every node at the autoscalers' maximum.
   */
  vcpuQuota?: number;
  /** System nodes at their max, for the vCPU total: { count, vcpu per node }. */
  systemNodes?: { count: number; vcpu: number };
}

/** The vCPU of every node at the autoscalers' maximum: SFU, egress and system. */
export function maxVcpu(plan: CapacityPlan, systemNodes = { count: 0, vcpu: 0 }) {
  const sfu = plan.sfu.maxNodes * plan.node.vcpu;
  const egress = plan.karpenter.egressCpuLimit;
  const system = systemNodes.count * systemNodes.vcpu;
  return { sfu, egress, system, total: sfu + egress + system };
}

/** Throws `InputError` when the plan exceeds a bound (the bounds parsed with `boundsFields`). */
export function checkSanityBounds(plan: CapacityPlan, bounds: SanityBounds): void {
  const { maxSfuNodes, vcpuQuota } = bounds;
  if (maxSfuNodes !== undefined) {
    if (plan.sfu.maxNodes > maxSfuNodes)
      throw new InputError(
        "maxSfuNodes",
        `the region needs ${plan.sfu.maxNodes} SFU nodes (${plan.sfu.peakNodes} at peak, with headroom) of ${plan.node.type}, above the ceiling of ${maxSfuNodes}: raise the ceiling, split the demand across regions or use a larger node type`,
        maxSfuNodes,
      );
  }
  if (vcpuQuota !== undefined) {
    const v = maxVcpu(plan, bounds.systemNodes);
    if (v.total > vcpuQuota)
      throw new InputError(
        "vcpuQuota",
        `the region needs ${v.total} vCPU at the autoscalers' maximum (SFU ${v.sfu}, egress ${v.egress}, system ${v.system}), above the account quota of ${vcpuQuota}: request a quota increase (Service Quotas L-1216C47A) first`,
        vcpuQuota,
      );
  }
}
