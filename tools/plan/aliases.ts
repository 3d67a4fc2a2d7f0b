/**
 * The URN a resource had in a plan where it was registered as its alias says: how `--diff` knows a resource
 * registered with `aliases` is the one the other plan has under its old name, type or parent (moved, not added
 * and removed).
 *
 * Plans name resources as the SDK's mock monitor does, not quite as the engine does (`MockMonitor.newUrn`,
 * sdk/nodejs/runtime/mocks.ts:128 of pulumi/pulumi v3.248.0: the parent's last type, `$`, the type, `::`, the name;
 * the engine's `CreateURN` chains every parent type and leaves out the stack's), so the old URN is built by the
 * same rule as the plan's own. An alias fills what it leaves empty from the resource, as the engine's
 * `collapseAliasToUrn` does (pkg/resource/deploy/step_generator.go). An alias given as a whole URN is that URN.
 */
import type { MonitorAlias } from "../../lib/pulumi-sdk-internals";

export interface AliasedResource {
  type: string;
  name: string;
  parent: string | null;
}

/** A URN in the plan's scheme: `urn:pulumi:<stack>::<project>::[<parent's last type>$]<type>::<name>`. */
export function planUrn(stack: string, project: string, parent: string | null, type: string, name: string): string {
  const parentType = parent ? `${parent.split("::")[2].split("$").pop()}$` : "";
  return `urn:pulumi:${stack}::${project}::${parentType}${type}::${name}`;
}

/** The URN `alias` names for `resource` in `project`/`stack`, in the plan's scheme. */
export function aliasUrn(resource: AliasedResource, alias: MonitorAlias, stack: string, project: string): string {
  if ("urn" in alias) return alias.urn;
  const parent = alias.noParent ? null : alias.parentUrn || resource.parent;
  return planUrn(stack, project, parent, alias.type || resource.type, alias.name || resource.name);
}
