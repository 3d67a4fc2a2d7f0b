/**
 * The capacity model drives the region stacks: the sizes in each shipped region's plan are the model's
 * answer for the demand its stack file states, and a size set by hand is used and reported.
 */
import { parse } from "yaml";
import * as fs from "fs";
import { parseStackConfig, RegionSettings } from "../../stacks/config";
import { sizedRegion } from "../../stacks/sizing";
import { stackFilePath } from "../../stacks/stack-files";
import { findResource, inputsOf, PlanResult, resourcesOfType } from "../../tools/plan/engine";
import { modelFor } from "../support/capacity";
import { projectRoot, runStack, shippedStackPlan, stackConfig } from "../support/plan";

const hpaOf = (plan: PlanResult, name: string) =>
  resourcesOfType(plan, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler")
    .map((r) => inputsOf(r))
    .find((h) => h.metadata.name === name)!.spec;
const nodePool = (plan: PlanResult, name: string) =>
  resourcesOfType(plan, "kubernetes:karpenter.sh/v1:NodePool")
    .map((r) => inputsOf(r))
    .find((p) => p.metadata.name === name)!;

describe.each(["mumbai", "singapore"])("the %s plan is sized by the capacity model", (stack) => {
  let plan: PlanResult;
  const model = modelFor(stack);
  beforeAll(async () => {
    plan = await shippedStackPlan(stack);
  });

  it("states demand, not node counts, in its stack file", () => {
    const config = parse(fs.readFileSync(stackFilePath(projectRoot, stack), "utf8")).config;
    expect(config["livekit-platform:capacity"].targetParticipants).toBeGreaterThan(0);
    expect(config["livekit-platform:cluster"]?.sfuNodes?.min).toBeUndefined();
    expect(config["livekit-platform:cluster"]?.sfuNodes?.max).toBeUndefined();
  });

  it("keeps the SFU floor with LiveKit's autoscaler, not a managed node group (Karpenter launches every SFU node)", () => {
    expect(resourcesOfType(plan, "eks:index:ManagedNodeGroup").map((g) => g.name)).toEqual([`${stack}-system`]);
    expect(hpaOf(plan, "livekit-server")).toMatchObject({
      minReplicas: model.managedNodeGroup.minSize,
      maxReplicas: model.managedNodeGroup.maxSize,
    });
  });

  it("sets the Karpenter NodePool CPU limits", () => {
    expect(nodePool(plan, "sfu").spec.limits.cpu).toBe(String(model.karpenter.sfuCpuLimit));
    expect(nodePool(plan, "egress").spec.limits.cpu).toBe(String(model.karpenter.egressCpuLimit));
  });

  it("bounds the LiveKit and Egress autoscalers", () => {
    expect(hpaOf(plan, "livekit-server")).toMatchObject({
      minReplicas: model.hpa.minReplicas,
      maxReplicas: model.hpa.maxReplicas,
    });
    expect(hpaOf(plan, "livekit-server").metrics[0].resource.target.averageUtilization).toBe(
      model.hpa.targetCpuUtilizationPercent,
    );
    const scaled = resourcesOfType(plan, "kubernetes:keda.sh/v1alpha1:ScaledObject")
      .map((r) => inputsOf(r))
      .find((o) => o.metadata.name === "livekit-egress")!.spec;
    expect(scaled).toMatchObject({
      minReplicaCount: model.egress.hpa.minReplicas,
      maxReplicaCount: model.egress.hpa.maxReplicas,
    });
    expect(model.egress.hpa.minReplicas).toBe(model.egress.idlePods);
    expect(scaled.triggers[0].metadata.query).toContain(`, ${model.egress.idlePods})`);
  });

  it("alerts at 80% of the rooms and participants the region is planned for", () => {
    const rules = inputsOf(
      findResource(plan, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", `${stack}-monitoring-alerts`),
    ).spec.groups.flatMap((g: any) => g.rules);
    const rooms = model.kinds.reduce((sum, k) => sum + k.rooms, 0);
    expect(rules.find((r: any) => r.alert === "LiveKitParticipantsNearCapacity").expr).toContain(
      String(model.targetParticipants),
    );
    expect(rules.find((r: any) => r.alert === "LiveKitRoomsNearCapacity").expr).toContain(String(rooms));
  });

  it("reports no override", () => {
    expect(plan.warnings.filter((w) => w.startsWith("capacity override"))).toEqual([]);
  });
});

describe("sizes set by hand", () => {
  it("win over the model, and the plan reports each one", async () => {
    const plan = await runStack("mumbai", {
      "livekit-platform:cluster": { publicAccessCidrs: [], sfuNodes: { min: 3, max: 70 } },
    });
    const model = modelFor("mumbai");
    expect(hpaOf(plan, "livekit-server")).toMatchObject({ minReplicas: 3, maxReplicas: 70 });
    // Max nodes plus the peak's, draining through a rollout.
    expect(nodePool(plan, "sfu").spec.limits.cpu).toBe(String((70 + model.sfu.peakNodes) * 8));
    expect(plan.warnings).toEqual(
      expect.arrayContaining([
        `capacity override: cluster.sfuNodes.min = 3 (the capacity model says ${model.managedNodeGroup.minSize})`,
        `capacity override: cluster.sfuNodes.max = 70 (the capacity model says ${model.managedNodeGroup.maxSize})`,
      ]),
    );
    expect((plan.outputs.sizing as { overrides: string[] }).overrides).toHaveLength(2);
  });

  it("must keep min at or below the model's max", () => {
    const raw = stackConfig("mumbai", {
      "livekit-platform:cluster": { publicAccessCidrs: [], sfuNodes: { min: 500 } },
    });
    expect(() => sizedRegion(parseStackConfig(raw, "mumbai") as RegionSettings)).toThrow(
      /^livekit-platform:cluster.sfuNodes.min: must leave min \(500\) at or below max \(\d+\), got 500$/,
    );
  });
});

describe("a measured CPU efficiency", () => {
  it("resizes the region: twice the work per vCPU needs about half the SFU nodes", () => {
    const sized = (cpuEfficiency: number) =>
      sizedRegion(
        parseStackConfig(
          stackConfig("mumbai", {
            "livekit-platform:capacity": { targetParticipants: 25000, mix: "mixed", cpuEfficiency },
          }),
          "mumbai",
        ) as RegionSettings,
      ).sizing;
    const base = sized(1).plan.sfu.peakNodes;
    const faster = sized(2).plan.sfu.peakNodes;
    expect(faster).toBeLessThan(base * 0.6);
    expect(faster).toBeGreaterThan(base * 0.4);
  });
});

describe("a room too large for one node", () => {
  it("is a config error naming the room, its size and the node's limit", () => {
    const mix = { name: "town-hall", kinds: [{ kind: "livestream", share: 1, subscribers: 5000 }] };
    const raw = stackConfig("mumbai", { "livekit-platform:capacity": { targetParticipants: 20000, mix } });
    expect(() => sizedRegion(parseStackConfig(raw, "mumbai") as RegionSettings)).toThrow(
      /^livekit-platform:capacity.mix: room kind "livestream" \(1 publisher \+ 5000 subscribers = 5001 participants\) is too large for one node: it needs [\d.]+ vCPU, but one c6i.2xlarge carries [\d.]+ vCPU .*, got "town-hall"$/,
    );
  });
});
