/** The region plan's `sizing` output carries the monthly cost estimate the stack's config produces. */
import { parseStackConfig, RegionSettings } from "../../stacks/config";
import { sizedRegion } from "../../stacks/sizing";
import { PlanResult } from "../../tools/plan/engine";
import { shippedStackPlan, stackConfig } from "../support/plan";

describe("the singapore plan's sizing output", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await shippedStackPlan("singapore");
  });

  it("carries the cost estimate, its drivers and its lines", () => {
    const cfg = sizedRegion(parseStackConfig(stackConfig("singapore"), "singapore") as RegionSettings);
    const sizing = plan.outputs.sizing as { cost: Record<string, unknown> };
    expect(sizing.cost).toMatchObject({
      awsRegion: "ap-southeast-1",
      currency: "USD",
      estimate: true,
      monthlyUsd: (cfg.sizing.cost as { monthlyUsd: number }).monthlyUsd,
    });
    expect((sizing.cost.drivers as { group: string }[])[0].group).toBe("dataTransferOut");
    expect((sizing.cost.lines as unknown[]).length).toBeGreaterThan(10);
  });
});
