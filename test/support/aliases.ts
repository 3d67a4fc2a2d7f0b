/**
 * The URN under which `pulumi up` finds a resource in a stack's state: its own, or the one its alias names.
 *
 * The offline plan has no state, so it cannot show that an alias works; this reads the aliases the program sends
 * with each registration (the mock monitor's raw RegisterResourceRequest, as tools/engine.ts reads the rest) and
 * turns each into the URN the engine looks the old resource up by. The rule is the engine's, pulumi/pulumi v3.248.0
 * (the CLI of the pinned @pulumi/pulumi): `stepGenerator.collapseAliasToUrn` (pkg/resource/deploy/step_generator.go)
 * fills an alias's missing name, type and parent from the resource, and `CreateURN`
 * (sdk/go/common/resource/alias.go) builds the URN from the parent's URN up to its last `::`, then `$`, the type,
 * `::` and the name; a resource whose parent is the stack gets none. A parent with an alias of its own (which
 * would change its children's old URNs too) is not modelled: none of the program's components has one.
 */
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type { PlannedResource, PlanResult } from "../../tools/engine";

interface AliasSpec {
  name: string;
  type: string;
  parentUrn: string;
  noParent: boolean;
}

const monitor = MockMonitor.prototype as unknown as Record<string, (...args: any[]) => any>;
const register = monitor.registerResource;
let recording: Map<string, AliasSpec[]> | undefined;
monitor.registerResource = function (this: any, req: any, callback: any) {
  const specs = (req.getAliasesList() as any[]).map((alias) => {
    const spec = alias.getSpec();
    if (spec === undefined) throw new Error(`an alias by URN (${alias.getUrn()}): read it as given`);
    return { name: spec.getName(), type: spec.getType(), parentUrn: spec.getParenturn(), noParent: spec.getNoparent() };
  });
  recording?.set(this.newUrn(req.getParent(), req.getType(), req.getName()), specs);
  return register.call(this, req, callback);
};

/** The URN `alias` names for `resource`, by the engine's rule. */
function aliasUrn(resource: PlannedResource, alias: AliasSpec, stack: string, project: string): string {
  const name = alias.name || resource.name;
  const type = alias.type || resource.type;
  const parent = alias.noParent ? "" : alias.parentUrn || (resource.parent ?? "");
  const prefix =
    parent === "" || parent.split("::")[2] === "pulumi:pulumi:Stack"
      ? `urn:pulumi:${stack}::${project}::`
      : `${parent.slice(0, parent.lastIndexOf("::"))}$`;
  return `${prefix}${type}::${name}`;
}

/** A plan, and for each of its resources the URN its state is found under: its first alias's, or its own. */
export async function planWithFormerUrns(
  run: () => Promise<PlanResult>,
): Promise<{ plan: PlanResult; formerUrn: (resource: PlannedResource) => string }> {
  const aliases = new Map<string, AliasSpec[]>();
  recording = aliases;
  try {
    const plan = await run();
    return {
      plan,
      formerUrn: (resource) => {
        const [alias] = aliases.get(resource.urn) ?? [];
        return alias ? aliasUrn(resource, alias, plan.stack, plan.project) : resource.urn;
      },
    };
  } finally {
    recording = undefined;
  }
}
