import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, RegionSettings } from "../../stacks/config";
import { sizedRegion } from "../../stacks/sizing";
import {
  awsQuotaReads,
  checkVcpuQuota,
  EGRESS_ROLLOUT_SURGE_SHARE,
  QuotaReads,
  quotaConsoleUrl,
  SFU_ROLLOUT_SURGE_PODS,
  UsageMetric,
  vcpuNeeds,
  vcpusOf,
} from "../../stacks/quotas";
import { inputsOf, PlanResult, resourcesOfType } from "../../tools/plan/engine";
import { budgetBound, poolModel } from "../support/karpenter-disruption";
import { shippedStackPlan, stackConfig } from "../support/plan";

jest.mock("@aws-sdk/client-cloudwatch", () => {
  const send = jest.fn();
  return {
    send,
    CloudWatchClient: jest.fn(() => ({ send })),
    GetMetricDataCommand: jest.fn((input: unknown) => ({ input })),
  };
});
jest.mock("@aws-sdk/client-ec2", () => ({
  pages: [] as unknown[],
  EC2Client: jest.fn(() => ({})),
  paginateDescribeInstances: jest.fn(),
}));

const mumbai = (overrides: Record<string, unknown> = {}) =>
  sizedRegion(parseStackConfig(stackConfig("mumbai", overrides), "mumbai") as RegionSettings);

/** The usage metric Service Quotas names for L-1216C47A (GetServiceQuota UsageMetric). */
const USAGE: UsageMetric = {
  namespace: "AWS/Usage",
  name: "ResourceCount",
  dimensions: { Class: "Standard/OnDemand", Resource: "vCPU", Service: "EC2", Type: "Resource" },
  statistic: "Maximum",
};
const reads = (quota: number, running: number, own: number, usageMetric: UsageMetric | null = USAGE) => {
  const calls: { running: UsageMetric[]; own: string[] } = { running: [], own: [] };
  const r: QuotaReads = {
    quota: async () => ({ value: quota, ...(usageMetric ? { usageMetric } : {}) }),
    running: async (metric) => (calls.running.push(metric), running),
    ownRunning: async (cluster) => (calls.own.push(cluster), own),
  };
  return { reads: r, calls };
};

describe("the vCPU quota preflight", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await shippedStackPlan("mumbai");
  }, 120_000);
  const rendered = (type: string, name: string) =>
    resourcesOfType(plan, type)
      .map((r) => inputsOf(r))
      .find((o) => o.metadata.name === name)!;

  it("counts whole nodes of the types the pools launch: egress as c6i.4xlarge nodes, not 5-vCPU pods", () => {
    expect(vcpusOf("c6i.2xlarge")).toBe(8);
    expect(vcpusOf("m6i.xlarge")).toBe(4);
    expect(vcpusOf("m7i.4xlarge")).toBe(16);
    const cfg = mumbai();
    expect(cfg.sizing.plan.egress).toMatchObject({ nodeType: "c6i.4xlarge", podsPerNode: 3 });
    expect(cfg.sizing.egressAutoscaling.minReplicas).toBe(15);
    // System 3 x 4; SFU 20 floor + 1 rollout surge + 3 drift replacements, x 8; egress 5 floor nodes (15 pods,
    // 3 a node) + 2 for a rollout's 4 surge pods + 1 drift replacement, x 16.
    expect(vcpuNeeds(cfg).steady).toBe(3 * 4 + (20 + 1 + 3) * 8 + (5 + 2 + 1) * 16);
  });

  it("takes the rollout surges from the rendered Deployments", () => {
    const sfu = rendered("kubernetes:apps/v1:Deployment", "livekit-server");
    expect(sfu.spec.strategy.rollingUpdate.maxSurge).toBe(SFU_ROLLOUT_SURGE_PODS);
    const egress = rendered("kubernetes:apps/v1:Deployment", "livekit-egress");
    expect(egress.spec.strategy.rollingUpdate.maxSurge).toBe(`${EGRESS_ROLLOUT_SURGE_SHARE * 100}%`);
  });

  it("counts the replacements drift runs at once as Karpenter's budget allows them (the disruption model's bound)", () => {
    const cfg = mumbai();
    const sfuPool = poolModel("sfu", rendered("kubernetes:karpenter.sh/v1:NodePool", "sfu").spec);
    const egressPool = poolModel("egress", rendered("kubernetes:karpenter.sh/v1:NodePool", "egress").spec);
    const floor = (extra: { sfu: number; egress: number }) =>
      3 * 4 + (20 + 1 + extra.sfu) * 8 + (5 + 2 + extra.egress) * 16;
    expect(vcpuNeeds(cfg).steady).toBe(
      floor({ sfu: budgetBound(sfuPool, 20, "Drifted"), egress: budgetBound(egressPool, 5, "Drifted") }),
    );
  });

  it("counts at peak every NodePool at its vCPU limit, the load-test pool's included, and the system group at max", () => {
    const pools = resourcesOfType(plan, "kubernetes:karpenter.sh/v1:NodePool").map((r) => inputsOf(r));
    expect(pools.map((p) => p.metadata.name).sort()).toEqual(["egress", "general", "load-test", "sfu"]);
    const limits = pools.reduce((sum, p) => sum + Number(p.spec.limits.cpu), 0);
    expect(vcpuNeeds(mumbai()).peak).toBe(6 * 4 + limits);
  });

  it("passes with exactly the vCPUs left that the region needs, and stops one vCPU short with one line", async () => {
    const cfg = mumbai();
    const { steady, peak } = vcpuNeeds(cfg);
    // 300 vCPUs run in the region, 100 of them this region's own nodes (counted in the need already).
    const exact = reads(steady + 200, 300, 100);
    await expect(checkVcpuQuota(cfg, exact.reads)).resolves.toBeUndefined();
    expect(exact.calls).toEqual({ running: [USAGE], own: ["livekit-mumbai"] });
    const short = checkVcpuQuota(cfg, reads(steady + 199, 300, 100).reads);
    await expect(short).rejects.toBeInstanceOf(pulumi.RunError);
    await expect(short).rejects.toThrow(
      new RegExp(
        `^EC2 quota L-1216C47A \\(On-Demand Standard vCPUs\\) in ap-south-1 is ${steady + 199}, 200 running outside this region's cluster: ` +
          `this region needs ${steady} \\(its floors, a rollout's surge and drift's replacements\\) and ${peak} at peak, ${steady - 1} are left: ` +
          `request more at ${quotaConsoleUrl("ap-south-1").replace(/[.]/g, "\\.")}$`,
      ),
    );
    expect(quotaConsoleUrl("ap-south-1")).toBe(
      "https://ap-south-1.console.aws.amazon.com/servicequotas/home/services/ec2/quotas/L-1216C47A",
    );
    // GovCloud and China have consoles of their own: the line names the quota there instead of a commercial link.
    expect(quotaConsoleUrl("cn-north-1")).toBe("the Service Quotas console of cn-north-1 (EC2 quota L-1216C47A)");
    expect(quotaConsoleUrl("us-gov-west-1")).not.toContain("console.aws.amazon.com");
  });

  it("only warns when what is left covers the steady need but not the peak, and can be turned off", async () => {
    const cfg = mumbai();
    const { steady, peak } = vcpuNeeds(cfg);
    const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(async () => undefined);
    try {
      await expect(checkVcpuQuota(cfg, reads(peak + 10, 10, 0).reads)).resolves.toBeUndefined();
      expect(warn).not.toHaveBeenCalled();
      await expect(checkVcpuQuota(cfg, reads(peak + 9, 10, 0).reads)).resolves.toBeUndefined();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toContain(`${peak - 1} are left, below the ${peak} this region may scale to`);
      warn.mockClear();
      // A read that fails (no CloudWatch permission) is said, and the whole quota compared.
      const failing = reads(steady, 0, 0);
      failing.reads.running = async () => {
        throw new Error("AccessDenied");
      };
      await expect(checkVcpuQuota(cfg, failing.reads)).resolves.toBeUndefined();
      expect(warn.mock.calls[0][0]).toContain("could not read the vCPUs already running (AccessDenied)");
    } finally {
      warn.mockRestore();
    }
    const off = mumbai({ "livekit-platform:preflight": { vcpuQuota: false } });
    await expect(checkVcpuQuota(off, reads(0, 0, 0).reads)).resolves.toBeUndefined();
  });

  it("compares with the whole quota, and says so, when Service Quotas names no usage metric", async () => {
    const cfg = mumbai();
    const { steady } = vcpuNeeds(cfg);
    const none = reads(steady, 5000, 0, null);
    await expect(checkVcpuQuota(cfg, none.reads)).resolves.toBeUndefined();
    expect(none.calls.running).toEqual([]);
    await expect(checkVcpuQuota(cfg, reads(steady - 1, 0, 0, null).reads)).rejects.toThrow(
      `is ${steady - 1}, running vCPUs not reported: this region needs ${steady}`,
    );
  });

  it("reads the latest Maximum of the quota's usage metric from CloudWatch, and 0 when nothing runs", async () => {
    const cloudwatch = jest.requireMock("@aws-sdk/client-cloudwatch");
    cloudwatch.send.mockResolvedValueOnce({ MetricDataResults: [{ Id: "vcpus", Values: [412, 380] }] });
    expect(await awsQuotaReads("ap-south-1").running(USAGE)).toBe(412);
    expect(cloudwatch.CloudWatchClient).toHaveBeenLastCalledWith({ region: "ap-south-1" });
    const { input } = cloudwatch.send.mock.calls[0][0];
    expect(input.ScanBy).toBe("TimestampDescending");
    expect(input.MetricDataQueries).toEqual([
      {
        Id: "vcpus",
        MetricStat: {
          Metric: {
            Namespace: "AWS/Usage",
            MetricName: "ResourceCount",
            Dimensions: [
              { Name: "Class", Value: "Standard/OnDemand" },
              { Name: "Resource", Value: "vCPU" },
              { Name: "Service", Value: "EC2" },
              { Name: "Type", Value: "Resource" },
            ],
          },
          Period: 60,
          Stat: "Maximum",
        },
      },
    ]);
    expect(input.EndTime - input.StartTime).toBe(15 * 60_000);
    cloudwatch.send.mockResolvedValueOnce({ MetricDataResults: [{ Id: "vcpus", Values: [] }] });
    expect(await awsQuotaReads("ap-south-1").running(USAGE)).toBe(0);
  });

  it("counts the cluster's own On-Demand vCPUs from its tagged instances, not its spot ones", async () => {
    const ec2 = jest.requireMock("@aws-sdk/client-ec2");
    ec2.paginateDescribeInstances.mockImplementationOnce(async function* () {
      yield {
        Reservations: [
          { Instances: [{ InstanceType: "c6i.2xlarge", CpuOptions: { CoreCount: 4, ThreadsPerCore: 2 } }] },
          { Instances: [{ InstanceType: "m6i.xlarge" }, { InstanceType: "c6i.4xlarge", InstanceLifecycle: "spot" }] },
        ],
      };
      yield {
        Reservations: [
          { Instances: [{ InstanceType: "c6i.4xlarge", CpuOptions: { CoreCount: 8, ThreadsPerCore: 2 } }] },
        ],
      };
    });
    expect(await awsQuotaReads("ap-south-1").ownRunning("livekit-mumbai")).toBe(8 + 4 + 16);
    expect(ec2.paginateDescribeInstances.mock.calls[0][1]).toEqual({
      Filters: [
        { Name: "tag-key", Values: ["kubernetes.io/cluster/livekit-mumbai"] },
        { Name: "instance-state-name", Values: ["pending", "running"] },
      ],
    });
  });

  it("runs in the region program before any resource (the pretend cloud's quota covers the peak)", () => {
    expect(plan.warnings.filter((w) => w.includes("L-1216C47A"))).toEqual([]);
  });
});
