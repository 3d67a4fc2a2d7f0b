/**
 * The URN under which `pulumi up` finds a resource registered with an alias: the old URN the alias names.
 *
 * The rule is the engine's, pulumi/pulumi v3.248.0 (the CLI of the pinned @pulumi/pulumi):
 * `stepGenerator.collapseAliasToUrn` (pkg/resource/deploy/step_generator.go) fills an alias's missing name, type
 * and parent from the resource, and `CreateURN` (sdk/go/common/resource/alias.go) builds the URN from the parent's
 * URN up to its last `::`, then `$`, the type, `::` and the name; a resource whose parent is the stack gets none.
 * An alias given as a whole URN is that URN. A parent with an alias of its own (which would change its children's
 * old URNs too) is not followed: none of the program's components has one.
 */
import type { MonitorAlias } from "../../lib/pulumi-sdk-internals";

export interface AliasedResource {
  type: string;
  name: string;
  parent: string | null;
}

/** The URN `alias` names for `resource` in `project`/`stack`. */
export function aliasUrn(resource: AliasedResource, alias: MonitorAlias, stack: string, project: string): string {
  if ("urn" in alias) return alias.urn;
  const name = alias.name || resource.name;
  const type = alias.type || resource.type;
  const parent = alias.noParent ? "" : alias.parentUrn || (resource.parent ?? "");
  const prefix =
    parent === "" || parent.split("::")[2] === "pulumi:pulumi:Stack"
      ? `urn:pulumi:${stack}::${project}::`
      : `${parent.slice(0, parent.lastIndexOf("::"))}$`;
  return `${prefix}${type}::${name}`;
}
