/**
 * A component's dependencies, for the children that cannot be created without them.
 *
 * A component takes what it waits for through its options (`dependsOn`), never as Args. In @pulumi/pulumi
 * 3.248.0 that dependency is recorded on the component alone: the Resource constructor (resource.js) hands a
 * child its parent's `protect` and providers, not its `dependsOn`. Every child is still created after it (a
 * child's registration awaits its parent's URN, runtime/resource.js prepareResource, and the parent's
 * registration awaits the URNs of its `dependsOn`), but a child whose own creation fails without the dependency
 * (a Helm release that waits for pods on the system nodes, a custom resource whose CRD another release installs)
 * names it again, so the edge is on the resource itself in the plan and in the state.
 */
import type { Input, Resource, ResourceOptions } from "@pulumi/pulumi";

/**
 * The component's `dependsOn` as a list a child extends: `dependsOn: [...dependenciesOf(opts), sibling]`.
 * A single resource, an array, or an Output or Promise of either all fit: the SDK flattens nested arrays,
 * Outputs and Promises in `dependsOn` (runtime/dependsOn.js gatherExplicitDependencies).
 */
export function dependenciesOf(opts: ResourceOptions | undefined): Input<Resource>[] {
  const dependsOn = opts?.dependsOn;
  if (dependsOn === undefined) return [];
  if (Array.isArray(dependsOn)) return [...dependsOn];
  return [dependsOn as Input<Resource>];
}
