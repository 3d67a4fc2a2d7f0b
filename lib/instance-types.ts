/**
 * Facts about the EC2 instance types the capacity and cost models can size for. Pure data, no Pulumi.
 *
 * Source of vCPU, memory, baseline bandwidth and allocatable CPU/memory: Karpenter's instance-type reference
 * (aws/karpenter-provider-aws `website/content/en/docs/reference/instance-types.md`, read 2026-11-30 at
 * commit 1d927085dd81), which lists for each type `karpenter.k8s.aws/instance-cpu`, `instance-memory`,
 * `instance-network-bandwidth` (baseline Mbps) and the allocatable CPU and memory of a node after
 * kube-reserved. c6i.xlarge's bandwidth there is 1562.
 *
 * Burst ("up to") bandwidth: the EC2 instance type pages (https://aws.amazon.com/ec2/instance-types/), as
 * recalled, not confirmed against a stored copy; the model never counts it (bursts last minutes, WebRTC
 * sessions last hours), it is listed for comparison only.
 *
 * Architecture: Graviton (c7g, c7gn, c8g) is arm64. The pinned images all publish arm64 builds:
 * livekit/livekit-server (multi-arch amd64+arm64, livekit/livekit#474), coturn/coturn (amd64, arm64v8 and
 * more, coturn's .github/workflows/docker.yml) and livekit/egress (`platforms: linux/amd64,linux/arm64` in
 * its .github/workflows/publish-egress.yaml). The stacks themselves build x86_64 nodes only (the managed node
 * groups' AMI and the Karpenter NodePools' `kubernetes.io/arch: amd64`), so a region stack refuses an arm64
 * SFU or egress type; `npm run capacity` sizes and prices them for comparison.
 */

export type Arch = "amd64" | "arm64";

export interface InstanceType {
  /** vCPUs of the instance: what a Karpenter NodePool's `limits.cpu` counts. */
  vcpu: number;
  /** Memory of the instance, MiB. */
  memoryMiB: number;
  /** Allocatable CPU of a node, in vCPU (capacity minus kube-reserved). */
  allocatableCpu: number;
  /** Allocatable memory of a node, in MiB. */
  allocatableMemoryMiB: number;
  /** Baseline (sustained) network bandwidth, Mbps, per direction. The "up to" burst is not counted. */
  baselineBandwidthMbps: number;
  /** The "up to" burst bandwidth, Mbps (equal to the baseline for types without a burst). Not used in sizing. */
  burstBandwidthMbps: number;
  arch: Arch;
}

type Row = [vcpu: number, memoryGiB: number, cpu: number, memMiB: number, base: number, burst: number];
function family(name: string, arch: Arch, rows: Record<string, Row>): Record<string, InstanceType> {
  return Object.fromEntries(
    Object.entries(rows).map(([size, [vcpu, memoryGiB, cpu, memMiB, base, burst]]) => [
      `${name}.${size}`,
      {
        vcpu,
        memoryMiB: memoryGiB * 1024,
        allocatableCpu: cpu,
        allocatableMemoryMiB: memMiB,
        baselineBandwidthMbps: base,
        burstBandwidthMbps: burst,
        arch,
      },
    ]),
  );
}

// vCPU, memory GiB, allocatable vCPU, allocatable MiB, baseline Mbps, burst Mbps
export const INSTANCE_TYPES: Readonly<Record<string, InstanceType>> = Object.freeze({
  ...family("c6i", "amd64", {
    xlarge: [4, 8, 3.92, 6584, 1562, 12500],
    "2xlarge": [8, 16, 7.91, 14162, 3125, 12500],
    "4xlarge": [16, 32, 15.89, 27381, 6250, 12500],
    "8xlarge": [32, 64, 31.85, 57691, 12500, 12500],
  }),
  ...family("c7i", "amd64", {
    xlarge: [4, 8, 3.92, 6584, 1562, 12500],
    "2xlarge": [8, 16, 7.91, 14162, 3125, 12500],
    "4xlarge": [16, 32, 15.89, 27381, 6250, 12500],
    "8xlarge": [32, 64, 31.85, 57691, 12500, 12500],
  }),
  ...family("c7a", "amd64", {
    xlarge: [4, 8, 3.92, 6584, 1562, 12500],
    "2xlarge": [8, 16, 7.91, 14162, 3125, 12500],
    "4xlarge": [16, 32, 15.89, 27381, 6250, 12500],
    "8xlarge": [32, 64, 31.85, 57691, 12500, 12500],
  }),
  ...family("c6in", "amd64", {
    xlarge: [4, 8, 3.92, 6584, 6250, 30000],
    "2xlarge": [8, 16, 7.91, 14162, 12500, 40000],
    "4xlarge": [16, 32, 15.89, 27381, 25000, 50000],
    "8xlarge": [32, 64, 31.85, 57691, 50000, 50000],
  }),
  ...family("m6i", "amd64", {
    xlarge: [4, 16, 3.92, 14162, 1562, 12500],
    "2xlarge": [8, 32, 7.91, 29317, 3125, 12500],
    "4xlarge": [16, 64, 15.89, 57691, 6250, 12500],
    "8xlarge": [32, 128, 31.85, 118312, 12500, 12500],
  }),
  ...family("m7i", "amd64", {
    xlarge: [4, 16, 3.92, 14162, 1562, 12500],
    "2xlarge": [8, 32, 7.91, 29317, 3125, 12500],
    "4xlarge": [16, 64, 15.89, 57691, 6250, 12500],
    "8xlarge": [32, 128, 31.85, 118312, 12500, 12500],
  }),
  ...family("c7g", "arm64", {
    xlarge: [4, 8, 3.92, 6525, 1876, 15000],
    "2xlarge": [8, 16, 7.91, 14103, 3750, 15000],
    "4xlarge": [16, 32, 15.89, 27322, 7500, 15000],
    "8xlarge": [32, 64, 31.85, 57632, 15000, 15000],
  }),
  ...family("c7gn", "arm64", {
    xlarge: [4, 8, 3.92, 6525, 12500, 40000],
    "2xlarge": [8, 16, 7.91, 14103, 25000, 50000],
    "4xlarge": [16, 32, 15.89, 27322, 50000, 50000],
    "8xlarge": [32, 64, 31.85, 57632, 100000, 100000],
  }),
  ...family("c8g", "arm64", {
    xlarge: [4, 8, 3.92, 6525, 1875, 15000],
    "2xlarge": [8, 16, 7.91, 14103, 3750, 15000],
    "4xlarge": [16, 32, 15.89, 27322, 7500, 15000],
    "8xlarge": [32, 64, 31.85, 57632, 15000, 15000],
  }),
});

/** The family of a type name: "c6in.2xlarge" -> "c6in". */
export function familyOf(typeName: string): string {
  return typeName.split(".")[0];
}

/**
 * The architecture of any EC2 instance type, by the table above or else by EC2's naming convention: after the
 * family's letters and generation come its attribute letters, and `g` among them means AWS Graviton (arm64), as in
 * m7g, c7gn, r8gd, t4g and g5g; `a1` is the first Graviton family (EC2 instance types guide, "Amazon EC2 instance
 * type naming conventions").
 */
export function archOf(typeName: string): Arch {
  const known = INSTANCE_TYPES[typeName]?.arch;
  if (known !== undefined) return known;
  const family = familyOf(typeName);
  const attributes = /^[a-z]+\d+([a-z-]*)$/.exec(family)?.[1] ?? "";
  return family === "a1" || attributes.includes("g") ? "arm64" : "amd64";
}

/**
 * SFU work per vCPU of each family relative to the node the capacity model's CPU costs describe (LiveKit's
 * benchmark, scaled per vCPU, taken as an Ice Lake c6i vCPU). An explicit assumption, used when
 * `capacity.cpuEfficiency` (from your own `lk load-test`) is not set; every factor but the Ice Lake ones is
 * an estimate.
 */
export const CPU_FACTOR_BY_FAMILY: Readonly<Record<string, { factor: number; basis: string }>> = Object.freeze({
  c6i: { factor: 1, basis: "reference: Ice Lake, one vCPU = one hyperthread" },
  c6in: { factor: 1, basis: "same Ice Lake cores as c6i" },
  m6i: { factor: 1, basis: "same Ice Lake cores as c6i" },
  c7i: { factor: 1.1, basis: "estimate: Sapphire Rapids; AWS quotes up to 15% better price performance than c6i" },
  m7i: { factor: 1.1, basis: "estimate: same Sapphire Rapids cores as c7i" },
  c7a: { factor: 1.25, basis: "estimate: AMD Genoa, one vCPU = one physical core (no SMT)" },
  c7g: { factor: 1, basis: "estimate: Graviton3, one vCPU = one physical core; Go/Pion taken at parity" },
  c7gn: { factor: 1, basis: "estimate: Graviton3E, same cores as c7g" },
  c8g: { factor: 1.15, basis: "estimate: Graviton4; AWS quotes up to 30% over Graviton3" },
});

/** The family's CPU factor (1 for a family without one). */
export function cpuFactorOf(typeName: string): number {
  return CPU_FACTOR_BY_FAMILY[familyOf(typeName)]?.factor ?? 1;
}

/**
 * Traffic to or from the internet through an internet gateway is capped: "For instances with fewer than
 * 32 vCPUs, bandwidth is limited to 5 Gbps"; from 32 vCPUs it is 50% of the instance's bandwidth or
 * 5 Gbps, whichever is larger (AWS EC2 User Guide, "Amazon EC2 instance network bandwidth"). SFU media
 * goes to and from clients on the internet through the IGW (nodes have public IPs), so the cap applies.
 * So the network-optimised c6in and c7gn only carry more internet traffic than c6i from 8xlarge up.
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
