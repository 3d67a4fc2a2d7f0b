/**
 * What the program checks before it registers anything, checked by the plan before it loads the program and the
 * Pulumi SDK (which takes longer to load than these checks take to run): a mistake in a stack file stops the plan
 * at once, with the program's own line and exit code 2. The program checks again when it runs (index.ts:
 * the settings and a region's sizing; stacks/global.ts: the region files it routes to), as it does under
 * `pulumi up`.
 */
import { parseStackConfig, type StackSettings } from "../../stacks/config";
import { checkedRegionStacks, checkRegionAgainstSiblings } from "../../stacks/regions";
import { type RegionSizing, sizedRegion } from "../../stacks/sizing";

/** A stack file's settings once they have passed, and a region's sizes: what the plan's summary reports. */
export interface CheckedStack {
  settings: StackSettings;
  sizing?: RegionSizing;
}

/** Throws the InputError the program would throw first for this stack file's config, or the clash with a sibling. */
export function checkStackFile(
  projectRoot: string,
  stack: string,
  file: string,
  config: Record<string, string>,
  secretKeys: string[],
): CheckedStack {
  checkRegionAgainstSiblings(projectRoot, stack, file, config, secretKeys);
  const settings = parseStackConfig(config, stack, secretKeys);
  if (settings.role === "region") return { settings, sizing: sizedRegion(settings).sizing };
  checkedRegionStacks(projectRoot, settings);
  return { settings };
}
