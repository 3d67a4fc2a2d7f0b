import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, RegionStackConfig } from "../../stacks/config";
import { checkVcpuQuota, quotaConsoleUrl, vcpuNeeds, vcpusOf } from "../../stacks/quotas";
import { runStack, stackConfig } from "../support/plan";

const mumbai = (overrides: Record<string, unknown> = {}) =>
  parseStackConfig(stackConfig("mumbai", overrides), "mumbai") as RegionStackConfig;

describe("the vCPU quota preflight", () => {
  it("counts what the first up launches and what the region may scale to", () => {
    expect(vcpusOf("c6i.2xlarge")).toBe(8);
    expect(vcpusOf("m6i.xlarge")).toBe(4);
    expect(vcpusOf("m7i.4xlarge")).toBe(16);
    const cfg = mumbai();
    const { firstUp, peak } = vcpuNeeds(cfg);
    const sfuFloor = cfg.sizing.sfuNodes.min * 8;
    expect(firstUp).toBeGreaterThanOrEqual(3 * 4 + sfuFloor);
    expect(peak).toBe(6 * 4 + cfg.sizing.karpenterCpuLimits.sfu + cfg.sizing.karpenterCpuLimits.egress + 32);
  });

  it("stops with one line naming the quota, the need and where to raise it, when the first up cannot launch", async () => {
    const cfg = mumbai();
    const { firstUp, peak } = vcpuNeeds(cfg);
    const run = checkVcpuQuota(cfg, async () => ({ value: 32 }));
    await expect(run).rejects.toBeInstanceOf(pulumi.RunError);
    await expect(run).rejects.toThrow(
      `EC2 quota L-1216C47A (On-Demand Standard vCPUs) in ap-south-1 is 32, this region needs ${firstUp} at its first up and ${peak} at peak: request more at ${quotaConsoleUrl("ap-south-1")}`,
    );
    expect(quotaConsoleUrl("ap-south-1")).toBe(
      "https://ap-south-1.console.aws.amazon.com/servicequotas/home/services/ec2/quotas/L-1216C47A",
    );
  });

  it("only warns when the quota covers the first up but not the peak, and can be turned off", async () => {
    const cfg = mumbai();
    const { firstUp } = vcpuNeeds(cfg);
    await expect(checkVcpuQuota(cfg, async () => ({ value: firstUp }))).resolves.toBeUndefined();
    const off = mumbai({ "livekit-platform:preflight": { vcpuQuota: false } });
    await expect(checkVcpuQuota(off, async () => ({ value: 0 }))).resolves.toBeUndefined();
  });

  it("runs in the region program before any resource (the pretend cloud's quota covers the peak)", async () => {
    const plan = await runStack("mumbai");
    expect(plan.warnings.filter((w) => w.includes("L-1216C47A"))).toEqual([]);
  }, 120_000);
});
