/**
 * The URN under which `pulumi up` finds a resource in a stack's state: its own, or the one its first alias names.
 * The offline plan has no state, so it cannot show that an alias works; the plan engine records the URNs each
 * registration's aliases name, by the engine's rule (tools/plan/aliases.ts), and this reads the first.
 */
import type { PlannedResource, PlanResult } from "../../tools/plan/engine";

/** A plan, and for each of its resources the URN its state is found under: its first alias's, or its own. */
export async function planWithFormerUrns(
  run: () => Promise<PlanResult>,
): Promise<{ plan: PlanResult; formerUrn: (resource: PlannedResource) => string }> {
  const plan = await run();
  return { plan, formerUrn: (resource) => resource.aliases?.[0] ?? resource.urn };
}
