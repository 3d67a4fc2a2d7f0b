/**
 * What `pulumi destroy` of a region does, read from the plan's dependencies: the engine deletes a resource only
 * after every resource that depends on it, so "A depends (transitively) on B" is "B is deleted after A".
 */
import { findResource, inputsOf, PlannedResource, PlanResult, resourcesOfType } from "../../tools/plan/engine";
import { shippedStackPlan } from "../support/plan";

/** Every resource `urn` depends on, directly or through others. */
function dependencyClosure(plan: PlanResult, urn: string): Set<string> {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const seen = new Set<string>();
  const stack = [urn];
  while (stack.length > 0) {
    for (const dependency of byUrn.get(stack.pop()!)?.dependencies ?? []) {
      if (!seen.has(dependency)) {
        seen.add(dependency);
        stack.push(dependency);
      }
    }
  }
  return seen;
}

describe("tearing down a region", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await shippedStackPlan("mumbai");
  });
  const driver = () => findResource(plan, "kubernetes:helm.sh/v3:Release", "mumbai-storage-ebs-csi");
  const guard = () => findResource(plan, "kubernetes:apps/v1:Deployment", "mumbai-storage-volume-guard");

  it("removes the EBS CSI driver only after its volume guard, which waits for the released volumes", () => {
    expect(dependencyClosure(plan, guard().urn)).toContain(driver().urn);
    const storageClass = findResource(plan, "kubernetes:storage.k8s.io/v1:StorageClass", "mumbai-storage-gp3");
    expect(dependencyClosure(plan, storageClass.urn)).toContain(driver().urn);
  });

  it("deletes every release that claims volumes, and its namespace, before the volume guard", () => {
    const usesGp3 = (r: PlannedResource) => JSON.stringify(inputsOf(r)).includes('"storageClassName":"gp3"');
    const claimants = plan.resources.filter((r) => r.type.startsWith("kubernetes:") && usesGp3(r));
    expect(claimants.map((r) => r.name)).toEqual(["mumbai-monitoring-stack"]);
    const namespaces = resourcesOfType(plan, "kubernetes:core/v1:Namespace");
    for (const claimant of claimants) {
      const namespace = namespaces.find((n) => inputsOf(n).metadata.name === inputsOf(claimant).namespace)!;
      for (const r of [claimant, namespace]) {
        expect({ resource: r.name, waitsForGuard: dependencyClosure(plan, r.urn).has(guard().urn) }).toEqual({
          resource: r.name,
          waitsForGuard: true,
        });
      }
    }
  });

  it("leaves the prometheus-operator CRDs to go with the cluster", () => {
    const crds = findResource(plan, "kubernetes:helm.sh/v3:Release", "mumbai-monitoring-crds");
    expect(crds.options.retainOnDelete).toBe(true);
  });
});
