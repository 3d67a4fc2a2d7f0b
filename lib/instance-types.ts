/**
 * Facts about the EC2 instance types the capacity model can size for. Pure data, no Pulumi.
 *
 * Source of every row: Karpenter's instance-type reference (aws/karpenter-provider-aws
 * `website/content/en/docs/reference/instance-types.md`, read at v1.14.x), which lists for each type the
 * vCPU count (`karpenter.k8s.aws/instance-cpu`), the baseline network bandwidth in Mbps
 * (`karpenter.k8s.aws/instance-network-bandwidth`) and the allocatable CPU and memory of a node after
 * kube-reserved. c7i.2xlarge is taken with the same figures as c6i.2xlarge (as first recorded here).
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
 * CPU requests of the DaemonSets that land on every node, SFU nodes included (they tolerate its taint),
 * in millicores: from the rendered charts where the plan sets them, else the add-on's own manifest.
 * Keep this list in step with what the plan deploys; an agent added later (GuardDuty, Fluent Bit,
 * CloudWatch) comes out of SFU_NODE_HEADROOM_CPU (lib/capacity/rules.ts) until it is listed here.
 */
export const NODE_DAEMONSET_CPU_MILLIS: Readonly<Record<string, number>> = Object.freeze({
  /** VPC CNI (EKS add-on manifest: requests cpu 25m). */
  "aws-node": 25,
  /** kube-proxy (EKS add-on manifest: requests cpu 100m). */
  "kube-proxy": 100,
  /** EKS Pod Identity agent (add-on): no published request; counted as the VPC CNI's to stay on the safe side. */
  "eks-pod-identity-agent": 25,
  /** aws-ebs-csi-driver chart `node.resources.requests.cpu` 10m (`node.tolerateAllTaints: true`); sidecars request none. */
  "ebs-csi-node": 10,
  /** kube-prometheus-stack's prometheus-node-exporter (tolerations: Exists): the chart sets no request; 10m counted. */
  "prometheus-node-exporter": 10,
});

/** Sum of {@link NODE_DAEMONSET_CPU_MILLIS}, in vCPU. */
export const NODE_DAEMONSET_CPU = Object.values(NODE_DAEMONSET_CPU_MILLIS).reduce((s, m) => s + m, 0) / 1000;
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
