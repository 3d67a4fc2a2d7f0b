/**
 * Every Kubernetes resource of a region stack goes through the region cluster's own Kubernetes provider, never
 * Pulumi's default one: a resource on the default provider would be deployed to whatever cluster the operator's
 * kubeconfig points at. Components take the provider in their options and their children inherit it
 * (CONTRIBUTING.md, "Add a capability"); nothing but this test notices a component constructed without it.
 * Global rooms members (whose Redis Secret the stack creates itself) are checked in rooms.plan.test.ts.
 */
import { listStackNames, readStackFile, stackFilePath } from "../../stacks/stack-files";
import { PlanResult } from "../../tools/plan/engine";
import { offClusterProvider, projectRoot, runStack, shippedStackPlan } from "../support/plan";

const regionStacks = listStackNames(projectRoot).filter(
  (s) => readStackFile(stackFilePath(projectRoot, s), s).config["livekit-platform:role"] === "region",
);

describe.each([
  ...regionStacks.map((stack) => [stack, stack, {}] as const),
  // The chaos drills are off in the shipped files; their Kubernetes objects (an RBAC role for FIS) count too.
  ["mumbai with chaos drills", "mumbai", { "livekit-platform:chaos": { enabled: true } }] as const,
])("the %s plan", (_, stack, overrides) => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = Object.keys(overrides).length === 0 ? await shippedStackPlan(stack) : await runStack(stack, overrides);
  });

  it("sends every Kubernetes resource, Helm releases included, through the cluster's provider", () => {
    expect(plan.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:")).length).toBeGreaterThan(0);
    expect(offClusterProvider(plan)).toEqual([]);
  });
});
