/**
 * Preflight: the region's EC2 vCPU quota, checked before anything is created. A new account's quota of
 * On-Demand Standard instances is far below what a region launches on its first `pulumi up`; without this
 * check the node launches fail after about 20 minutes, with the stack half created.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EGRESS_POD_CPU } from "../lib/capacity";
import { INSTANCE_TYPES } from "../lib/instance-types";
import type { RegionStackConfig } from "./config";

/** "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", vCPUs per account and region. */
export const ON_DEMAND_STANDARD_VCPU_QUOTA = "L-1216C47A";

/** vCPUs of an instance type: the capacity model's table, else from the size (xlarge = 4, 2xlarge = 8 ...). */
export function vcpusOf(instanceType: string): number {
  const known = INSTANCE_TYPES[instanceType]?.vcpu;
  if (known !== undefined) return known;
  const size = instanceType.split(".")[1] ?? "";
  const xlarge = /^(\d*)xlarge$/.exec(size);
  if (xlarge) return 4 * Number(xlarge[1] || 1);
  return 2; // large; medium and smaller have at most 2 on the standard families
}

/** What the region needs of the quota: at its first `up` (floors) and at its peak (every limit reached). */
export function vcpuNeeds(cfg: RegionStackConfig): { firstUp: number; peak: number } {
  const system = vcpusOf(cfg.cluster.systemNodes.instanceType);
  const sfu = vcpusOf(cfg.cluster.sfuNodes.instanceType);
  const { sizing } = cfg;
  const firstUp =
    cfg.cluster.systemNodes.min * system +
    sizing.sfuNodes.min * sfu +
    Math.ceil(sizing.egressAutoscaling.minReplicas * EGRESS_POD_CPU);
  const peak =
    cfg.cluster.systemNodes.max * system +
    sizing.karpenterCpuLimits.sfu +
    sizing.karpenterCpuLimits.egress +
    cfg.karpenter.generalCpuLimit;
  return { firstUp, peak };
}

export function quotaConsoleUrl(awsRegion: string): string {
  return `https://${awsRegion}.console.aws.amazon.com/servicequotas/home/services/ec2/quotas/${ON_DEMAND_STANDARD_VCPU_QUOTA}`;
}

/**
 * Reads the quota (Service Quotas) and stops the program, with one line, if the first `up` cannot launch
 * its nodes; warns if the region cannot reach its planned peak.
 */
export async function checkVcpuQuota(
  cfg: RegionStackConfig,
  readQuota: () => Promise<{ value: number }> = () =>
    aws.servicequotas.getServiceQuota({ serviceCode: "ec2", quotaCode: ON_DEMAND_STANDARD_VCPU_QUOTA }),
): Promise<void> {
  if (!cfg.preflight.vcpuQuota) return;
  const quota = await readQuota();
  const { firstUp, peak } = vcpuNeeds(cfg);
  const where = `request more at ${quotaConsoleUrl(cfg.awsRegion)}`;
  if (quota.value < firstUp) {
    throw new pulumi.RunError(
      `EC2 quota ${ON_DEMAND_STANDARD_VCPU_QUOTA} (On-Demand Standard vCPUs) in ${cfg.awsRegion} is ${quota.value}, ` +
        `this region needs ${firstUp} at its first up and ${peak} at peak: ${where}`,
    );
  }
  if (quota.value < peak) {
    pulumi.log.warn(
      `EC2 quota ${ON_DEMAND_STANDARD_VCPU_QUOTA} in ${cfg.awsRegion} is ${quota.value} vCPUs, below the ${peak} ` +
        `this region may scale to: ${where}`,
    );
  }
}
