/**
 * Facts about the EC2 instance types the capacity model can size for. Pure data, no Pulumi.
 *
 * Source of every row: Karpenter's instance-type reference (aws/karpenter-provider-aws
 * `website/content/en/docs/reference/instance-types.md`, read at v1.14.x), which lists for each type the
 * vCPU count (`karpenter.k8s.aws/instance-cpu`), the baseline network bandwidth in Mbps
 * (`karpenter.k8s.aws/instance-network-bandwidth`) and the allocatable CPU and memory of a node after
 * kube-reserved. c7i.2xlarge has the same figures there as c6i.2xlarge.
 * c6i.xlarge's bandwidth is that of the identical c6id.xlarge (the table lists 1562).
 */

export interface InstanceType {
  /** vCPUs of the instance: what a Karpenter NodePool's `limits.cpu` counts. */
  vcpu: number;
  /** Allocatable CPU of a node, in vCPU (capacity minus kube-reserved). */
  allocatableCpu: number;
  /** Allocatable memory of a node, in MiB. */
  allocatableMemoryMiB: number;
  /** Baseline (sustained) network bandwidth, Mbps, per direction. The "up to" burst is not counted. */
  baselineBandwidthMbps: number;
}

export const INSTANCE_TYPES: Readonly<Record<string, InstanceType>> = Object.freeze({
  "c6i.xlarge": { vcpu: 4, allocatableCpu: 3.92, allocatableMemoryMiB: 6584, baselineBandwidthMbps: 1562 },
  "c6i.2xlarge": { vcpu: 8, allocatableCpu: 7.91, allocatableMemoryMiB: 14162, baselineBandwidthMbps: 3125 },
  "c6i.4xlarge": { vcpu: 16, allocatableCpu: 15.89, allocatableMemoryMiB: 27381, baselineBandwidthMbps: 6250 },
  "c6i.8xlarge": { vcpu: 32, allocatableCpu: 31.85, allocatableMemoryMiB: 57691, baselineBandwidthMbps: 12500 },
  "c6in.xlarge": { vcpu: 4, allocatableCpu: 3.92, allocatableMemoryMiB: 6584, baselineBandwidthMbps: 6250 },
  "c6in.2xlarge": { vcpu: 8, allocatableCpu: 7.91, allocatableMemoryMiB: 14162, baselineBandwidthMbps: 12500 },
  "c6in.4xlarge": { vcpu: 16, allocatableCpu: 15.89, allocatableMemoryMiB: 27381, baselineBandwidthMbps: 25000 },
  "c6in.8xlarge": { vcpu: 32, allocatableCpu: 31.85, allocatableMemoryMiB: 57691, baselineBandwidthMbps: 50000 },
  "c7i.2xlarge": { vcpu: 8, allocatableCpu: 7.91, allocatableMemoryMiB: 14162, baselineBandwidthMbps: 3125 },
});

/**
 * Traffic to or from the internet through an internet gateway is capped: "For instances with fewer than
 * 32 vCPUs, bandwidth is limited to 5 Gbps"; from 32 vCPUs it is 50% of the instance's bandwidth or
 * 5 Gbps, whichever is larger (AWS EC2 User Guide, "Amazon EC2 instance network bandwidth"). SFU media
 * goes to and from clients on the internet through the IGW (nodes have public IPs), so the cap applies.
 */
export const INTERNET_GATEWAY_CAP_MBPS = 5000;
const INTERNET_GATEWAY_FULL_SHARE_MIN_VCPU = 32;

/**
 * What a node can sustain to and from the internet, per direction (the AWS figures "apply to both
 * inbound and outbound traffic ... simultaneously"): the baseline, capped by the internet gateway limit.
 */
export function internetBandwidthMbps(type: InstanceType): number {
  const igwCap =
    type.vcpu >= INTERNET_GATEWAY_FULL_SHARE_MIN_VCPU
      ? Math.max(INTERNET_GATEWAY_CAP_MBPS, type.baselineBandwidthMbps / 2)
      : INTERNET_GATEWAY_CAP_MBPS;
  return Math.min(type.baselineBandwidthMbps, igwCap);
}

/**
 * CPU requested by the DaemonSets every node runs (aws-node 25m, kube-proxy 100m, the Pod Identity agent,
 * a node exporter): an estimate, kept out of what the one LiveKit or egress pods on the node may use.
 */
export const NODE_DAEMONSET_CPU = 0.2;
/** Memory requested by those DaemonSets, MiB (estimate, same list). */
export const NODE_DAEMONSET_MEMORY_MIB = 512;

/** CPU left on a node for workload pods after kube-reserved and the DaemonSets, in vCPU. */
export function workloadCpu(type: InstanceType): number {
  return type.allocatableCpu - NODE_DAEMONSET_CPU;
}

/** Memory left on a node for workload pods, MiB. */
export function workloadMemoryMiB(type: InstanceType): number {
  return type.allocatableMemoryMiB - NODE_DAEMONSET_MEMORY_MIB;
}
