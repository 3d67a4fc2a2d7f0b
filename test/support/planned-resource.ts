/** A planned resource for tests of the plan's readers (summary, report, diff), with safe default options. */
import type { PlannedResource } from "../../tools/plan/engine";

export const plannedResource = (type: string, name: string, inputs: Record<string, unknown>): PlannedResource => ({
  urn: `urn:pulumi:s::p::${type}::${name}`,
  type,
  name,
  custom: true,
  parent: null,
  provider: null,
  inputs,
  dependencies: [],
  options: { protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], dependsOn: [] },
});
