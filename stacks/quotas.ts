/**
 * Preflight: the region's EC2 vCPU quota, checked before anything is created. A new account's quota of
 * On-Demand Standard instances is far below what a region launches on its first `pulumi up`; without this
 * check the node launches fail after about 20 minutes, with the stack half created.
 *
 * The quota counts every running On-Demand Standard vCPU of the account in the region, this region's own nodes
 * included. So the check compares what the region needs with the quota less what runs outside its cluster:
 * the total Service Quotas' usage metric reports (CloudWatch `AWS/Usage` `ResourceCount`), less the vCPUs of
 * the instances tagged for this cluster (EC2). Nodes are counted whole, of the types the pools launch.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MEDIA_DISRUPTION_BUDGET_PERCENT, nodesReplacedAtOnce } from "../components/karpenter/node-pools";
import { loadTestPoolCpu, LOAD_TEST_RESOURCES } from "../components/load-test/defaults";
import { INSTANCE_TYPES } from "../lib/instance-types";
import { partitionOfRegion } from "../lib/aws-partitions";
import type { SizedRegion } from "./sizing";
import { AwsAccess, sdkClientConfig } from "../lib/aws-access";

/** "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", vCPUs per account and region. */
export const ON_DEMAND_STANDARD_VCPU_QUOTA = "L-1216C47A";

/** Pods the SFU Deployment's rollout starts before it stops an old one (its `maxSurge`): each on a new node. */
export const SFU_ROLLOUT_SURGE_PODS = 1;
/** Share of its pods the egress Deployment's rollout starts before old ones stop (its `maxSurge`). */
export const EGRESS_ROLLOUT_SURGE_SHARE = 0.25;

/** The EKS cluster of a region (named so in stacks/region.ts); its nodes carry `kubernetes.io/cluster/<name>`. */
export const clusterNameOf = (regionLabel: string) => `livekit-${regionLabel}`;

/** vCPUs of an instance type: the capacity model's table, else from the size (xlarge = 4, 2xlarge = 8 ...). */
export function vcpusOf(instanceType: string): number {
  const known = INSTANCE_TYPES[instanceType]?.vcpu;
  if (known !== undefined) return known;
  const size = instanceType.split(".")[1] ?? "";
  const xlarge = /^(\d*)xlarge$/.exec(size);
  if (xlarge) return 4 * Number(xlarge[1] || 1);
  return 2; // large; medium and smaller have at most 2 on the standard families
}

export interface VcpuNeeds {
  /**
   * What the region holds at its floors (system nodes, SFU and egress nodes, whole), plus what day 2 adds on
   * top: a rollout's surge pods on new nodes, and the replacements drift runs beside the nodes it drains.
   */
  steady: number;
  /** What the region may scale to: the system group at max, every NodePool at its vCPU limit, the load test. */
  peak: number;
}

/** What the region needs of the quota (see VcpuNeeds). */
export function vcpuNeeds({ settings: cfg, sizing }: SizedRegion): VcpuNeeds {
  const system = vcpusOf(cfg.cluster.systemNodes.instanceType);
  const sfu = vcpusOf(cfg.cluster.sfuNodes.instanceType);
  const egress = sizing.plan.egress;
  const egressNode = vcpusOf(egress.nodeType);
  const egressPods = sizing.egressAutoscaling.minReplicas;
  const egressNodes = Math.ceil(egressPods / egress.podsPerNode);
  const egressSurgeNodes = Math.ceil(Math.ceil(egressPods * EGRESS_ROLLOUT_SURGE_SHARE) / egress.podsPerNode);
  const sfuNodes = sizing.sfuNodes.min;
  const steady =
    cfg.cluster.systemNodes.min * system +
    (sfuNodes + SFU_ROLLOUT_SURGE_PODS + nodesReplacedAtOnce(sfuNodes, MEDIA_DISRUPTION_BUDGET_PERCENT)) * sfu +
    (egressNodes + egressSurgeNodes + nodesReplacedAtOnce(egressNodes, MEDIA_DISRUPTION_BUDGET_PERCENT)) * egressNode;
  // The general and load-test pools may run spot, which has its own quota; counted here as on-demand (a spot
  // shortage falls back to it).
  const peak =
    cfg.cluster.systemNodes.max * system +
    sizing.karpenterCpuLimits.sfu +
    sizing.karpenterCpuLimits.egress +
    cfg.karpenter.generalCpuLimit +
    loadTestPoolCpu(cfg.loadTest.rooms, LOAD_TEST_RESOURCES.cpus);
  return { steady, peak };
}

/**
 * Where to ask for more: the quota's page in the commercial console; GovCloud and China have consoles of their own,
 * whose links are not written here, so the line names the quota there.
 */
export function quotaConsoleUrl(awsRegion: string): string {
  if (partitionOfRegion(awsRegion) !== "aws")
    return `the Service Quotas console of ${awsRegion} (EC2 quota ${ON_DEMAND_STANDARD_VCPU_QUOTA})`;
  return `https://${awsRegion}.console.aws.amazon.com/servicequotas/home/services/ec2/quotas/${ON_DEMAND_STANDARD_VCPU_QUOTA}`;
}

/** The CloudWatch metric Service Quotas names as the quota's usage (GetServiceQuota `UsageMetric`). */
export interface UsageMetric {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  /** The statistic AWS recommends for it ("Maximum"). */
  statistic: string;
}

/** What the preflight reads from AWS; the defaults call it, tests pass their own. */
export interface QuotaReads {
  /** The quota's value and its usage metric (none: the usage is not reported). */
  quota(): Promise<{ value: number; usageMetric?: UsageMetric }>;
  /** The metric's latest value: vCPUs of the quota's class running in the account, in this region. */
  running(metric: UsageMetric): Promise<number>;
  /** vCPUs of the On-Demand instances of this region's own cluster (counted in `running` too). */
  ownRunning(clusterName: string): Promise<number>;
}

/**
 * Reads the quota and what runs in the region, and stops the program, with one line, if the region's steady
 * need does not fit what the quota leaves it; warns if its peak does not.
 */
export async function checkVcpuQuota(
  region: SizedRegion,
  reads: QuotaReads = awsQuotaReads(region.settings.awsRegion, region.settings.awsAccess),
) {
  const cfg = region.settings;
  if (!cfg.preflight.vcpuQuota) return;
  const quota = await reads.quota();
  const { steady, peak } = vcpuNeeds(region);
  let elsewhere = 0;
  let usage = "running vCPUs not reported";
  if (quota.usageMetric !== undefined) {
    try {
      const [running, own] = await Promise.all([
        reads.running(quota.usageMetric),
        reads.ownRunning(clusterNameOf(cfg.regionLabel)),
      ]);
      elsewhere = Math.max(running - own, 0);
      usage = `${elsewhere} running outside this region's cluster`;
    } catch (e) {
      pulumi.log.warn(
        `EC2 quota ${ON_DEMAND_STANDARD_VCPU_QUOTA} in ${cfg.awsRegion}: could not read the vCPUs already running ` +
          `(${(e as Error).message}); comparing with the whole quota`,
      );
    }
  }
  const free = quota.value - elsewhere;
  const where = `request more at ${quotaConsoleUrl(cfg.awsRegion)}`;
  const state = `EC2 quota ${ON_DEMAND_STANDARD_VCPU_QUOTA} (On-Demand Standard vCPUs) in ${cfg.awsRegion} is ${quota.value}, ${usage}`;
  if (steady > free) {
    throw new pulumi.RunError(
      `${state}: this region needs ${steady} (its floors, a rollout's surge and drift's replacements) and ${peak} at peak, ${free} are left: ${where}`,
    );
  }
  if (peak > free) {
    pulumi.log.warn(`${state}: ${free} are left, below the ${peak} this region may scale to: ${where}`);
  }
}

/**
 * The SDK clients' configuration: the stack's profile and roles (lib/aws-access.ts), as the stack's provider
 * uses them, never only the environment's credentials.
 */
export async function sdkConfigFor(awsRegion: string, access: AwsAccess) {
  const { fromTemporaryCredentials } = await import("@aws-sdk/credential-providers");
  return sdkClientConfig(access, awsRegion, fromTemporaryCredentials);
}

/** The AWS reads: Service Quotas through the provider, CloudWatch and EC2 through the AWS SDK (loaded on use). */
export function awsQuotaReads(awsRegion: string, access: AwsAccess = {}): QuotaReads {
  return {
    quota: async () => {
      const quota = await aws.servicequotas.getServiceQuota({
        serviceCode: "ec2",
        quotaCode: ON_DEMAND_STANDARD_VCPU_QUOTA,
      });
      const metric = quota.usageMetrics?.[0];
      const dimensions = metric?.metricDimensions?.[0];
      return {
        value: quota.value,
        ...(metric && dimensions
          ? {
              usageMetric: {
                namespace: metric.metricNamespace,
                name: metric.metricName,
                // AWS/Usage dimensions of this quota: Class=Standard/OnDemand, Resource=vCPU, Service=EC2, Type=Resource.
                dimensions: {
                  Class: dimensions.class,
                  Resource: dimensions.resource,
                  Service: dimensions.service,
                  Type: dimensions.type,
                },
                statistic: metric.metricStatisticRecommendation,
              },
            }
          : {}),
      };
    },
    running: async (metric) => {
      const { CloudWatchClient, GetMetricDataCommand } = await import("@aws-sdk/client-cloudwatch");
      const now = Date.now();
      const answer = await new CloudWatchClient(await sdkConfigFor(awsRegion, access)).send(
        new GetMetricDataCommand({
          // Published every minute; the latest of the last quarter hour.
          StartTime: new Date(now - 15 * 60_000),
          EndTime: new Date(now),
          ScanBy: "TimestampDescending",
          MetricDataQueries: [
            {
              Id: "vcpus",
              MetricStat: {
                Metric: {
                  Namespace: metric.namespace,
                  MetricName: metric.name,
                  Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
                },
                Period: 60,
                Stat: metric.statistic,
              },
            },
          ],
        }),
      );
      // No data point: nothing of the class runs.
      return answer.MetricDataResults?.[0]?.Values?.[0] ?? 0;
    },
    ownRunning: async (clusterName) => {
      const { EC2Client, paginateDescribeInstances } = await import("@aws-sdk/client-ec2");
      const client = new EC2Client(await sdkConfigFor(awsRegion, access));
      let vcpus = 0;
      const pages = paginateDescribeInstances(
        { client },
        {
          Filters: [
            // Karpenter and the managed node group tag their instances so.
            { Name: "tag-key", Values: [`kubernetes.io/cluster/${clusterName}`] },
            { Name: "instance-state-name", Values: ["pending", "running"] },
          ],
        },
      );
      for await (const page of pages) {
        for (const instance of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
          // Spot (and capacity-block) instances count against other quotas.
          if (instance.InstanceLifecycle !== undefined) continue;
          const cpu = instance.CpuOptions;
          vcpus +=
            cpu?.CoreCount !== undefined && cpu.ThreadsPerCore !== undefined
              ? cpu.CoreCount * cpu.ThreadsPerCore
              : vcpusOf(String(instance.InstanceType));
        }
      }
      return vcpus;
    },
  };
}
