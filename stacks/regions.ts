/**
 * Which stacks are regions: every `Pulumi.<name>.yaml` in the project whose role is `region`.
 * Adding a region is adding its stack file; no list to edit anywhere else.
 */
import { ConfigError, parseStackConfig, RegionStackConfig } from "./config";
import { listStackNames, readStackFile, stackFilePath } from "./stack-files";

export function discoverRegionStacks(projectRoot: string): RegionStackConfig[] {
  const regions: RegionStackConfig[] = [];
  for (const stackName of listStackNames(projectRoot)) {
    const file = readStackFile(stackFilePath(projectRoot, stackName), stackName);
    if (file.config["livekit-platform:role"] !== "region") continue;
    try {
      regions.push(parseStackConfig(file.config, stackName) as RegionStackConfig);
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`Pulumi.${stackName}.yaml ${e.key}`, e.problem, e.value);
      throw e;
    }
  }
  return regions;
}
