/**
 * Which stacks are regions: every `Pulumi.<name>.yaml` in the project whose role is `region`.
 * Adding a region is adding its stack file; no list to edit anywhere else.
 */
import * as path from "path";
import { ConfigError, GlobalStackConfig, parseStackConfig, PROJECT, RegionStackConfig } from "./config";
import { regionHostnames } from "./region-outputs";
import { listStackNames, readStackFile, stackFilePath } from "./stack-files";

export interface RegionStackFile {
  /** `Pulumi.mumbai.yaml`, as errors name it. */
  file: string;
  config: RegionStackConfig;
}

/** Every region stack file of the project, validated, sorted by stack name. */
export function discoverRegionStacks(projectRoot: string): RegionStackFile[] {
  const regions: RegionStackFile[] = [];
  for (const stackName of listStackNames(projectRoot)) {
    const filePath = stackFilePath(projectRoot, stackName);
    const stackFile = readStackFile(filePath, stackName);
    if (stackFile.config[`${PROJECT}:role`] !== "region") continue;
    const file = path.basename(filePath);
    try {
      regions.push({ file, config: parseStackConfig(stackFile.config, stackName) as RegionStackConfig });
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`${file} ${e.key}`, e.problem, e.value);
      throw e;
    }
  }
  return regions;
}

/**
 * What no single stack file can check: the regions against each other and against the global stack.
 * Throws a ConfigError naming the later file (by stack name) and the one it clashes with.
 */
export function checkRegionStacks(regions: RegionStackFile[], global: GlobalStackConfig): void {
  const byAwsRegion = new Map<string, string>();
  // Every name the stacks publish, and who publishes it.
  const hostnames = new Map<string, string>([[global.domain, "the global stack's domain"]]);
  if (global.dns.turnHostname !== undefined)
    hostnames.set(global.dns.turnHostname, "the global stack's dns.turnHostname");

  for (const { file, config } of regions) {
    if (config.domain !== global.domain) {
      // The global name reaches the regions' own load balancers, whose certificates are issued for
      // names under the region's domain: one domain, or users get certificate errors.
      throw new ConfigError(
        `${file} ${PROJECT}:domain`,
        `must be the global stack's domain ${global.domain} (the global name is served by each region's load balancers)`,
        config.domain,
      );
    }
    const sameRegion = byAwsRegion.get(config.awsRegion);
    if (sameRegion !== undefined) {
      throw new ConfigError(
        `${file} aws:region`,
        `is also the region of ${sameRegion}; one region stack per AWS region`,
        config.awsRegion,
      );
    }
    byAwsRegion.set(config.awsRegion, file);

    const names = regionHostnames(config.regionLabel, config.domain);
    for (const hostname of [names.signalling, names.turn]) {
      const owner = hostnames.get(hostname);
      if (owner !== undefined) {
        throw new ConfigError(
          `${file} ${PROJECT}:regionLabel`,
          `gives the hostname ${hostname}, which is also ${owner}; every region needs a label of its own`,
          config.regionLabel,
        );
      }
      hostnames.set(hostname, `a hostname of ${file}`);
    }
  }

  const owners = regions.filter((r) => r.config.dns.ownsGlobalNameValidation);
  if (regions.length > 0 && owners.length !== 1) {
    const [first, second] = owners;
    throw new ConfigError(
      `${(second ?? regions[0]).file} ${PROJECT}:dns.ownsGlobalNameValidation`,
      owners.length === 0
        ? `must be true in exactly one region stack file (it creates the ACM validation record of ${global.domain}), none has it`
        : `is also true in ${first.file}; exactly one region stack owns the ACM validation record of ${global.domain}`,
      owners.length === 0 ? false : true,
    );
  }

  const spotRoles = regions.filter((r) => r.config.karpenter.createSpotServiceLinkedRole);
  if (spotRoles.length > 1) {
    throw new ConfigError(
      `${spotRoles[1].file} ${PROJECT}:karpenter.createSpotServiceLinkedRole`,
      `is also true in ${spotRoles[0].file}; the account's Spot service-linked role is created once`,
      true,
    );
  }

  const fallback = global.dns.cloudflareFallbackRegion;
  if (fallback !== undefined && !regions.some((r) => r.config.regionLabel === fallback)) {
    throw new ConfigError(
      `${PROJECT}:dns.cloudflareFallbackRegion`,
      `must be the regionLabel of a region stack (${regions.map((r) => r.config.regionLabel).join(", ") || "there are none"})`,
      fallback,
    );
  }
}
