/**
 * The URN under which `pulumi up` finds a resource in a stack's state: its own, or the one its alias names.
 *
 * The offline plan has no state, so it cannot show that an alias works; this reads the aliases the program sends
 * with each registration (from the mock monitor's requests, as tools/plan/engine.ts reads the rest) and
 * turns each into the URN the engine looks the old resource up by. The rule is the engine's, pulumi/pulumi v3.248.0
 * (the CLI of the pinned @pulumi/pulumi): `stepGenerator.collapseAliasToUrn` (pkg/resource/deploy/step_generator.go)
 * fills an alias's missing name, type and parent from the resource, and `CreateURN`
 * (sdk/go/common/resource/alias.go) builds the URN from the parent's URN up to its last `::`, then `$`, the type,
 * `::` and the name; a resource whose parent is the stack gets none. A parent with an alias of its own (which
 * would change its children's old URNs too) is not modelled: none of the program's components has one.
 */
import { listenToMockMonitor } from "../../lib/pulumi-sdk-internals";
import type { PlannedResource, PlanResult } from "../../tools/plan/engine";

interface AliasSpec {
  name: string;
  type: string;
  parentUrn: string;
  noParent: boolean;
}

let recording: Map<string, AliasSpec[]> | undefined;
listenToMockMonitor({
  registered: ({ urn, aliases }) => {
    const specs = aliases.map((alias) => {
      if ("urn" in alias) throw new Error(`an alias by URN (${alias.urn}): read it as given`);
      return alias;
    });
    recording?.set(urn, specs);
  },
  read: () => undefined,
  outputsRegistered: () => undefined,
});

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
