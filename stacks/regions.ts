/**
 * Which stacks are regions: every `Pulumi.<name>.yaml` in the project whose role is `region`.
 * Adding a region is adding its stack file; no list to edit anywhere else.
 */
import * as path from "path";
import { InputError } from "../lib/errors";
import { GlobalSettings, parseStackConfig, RegionSettings } from "./config";
import { SizedRegion, sizedRegion } from "./sizing";
import { PROJECT } from "./config-key";
import { parseCidr } from "../lib/ip";
import { regionHostnames } from "./region-outputs";
import { defaultTagValues } from "./stack-file-checks";
import { listStackNames, readStackFile, stackFilePath } from "./stack-files";

/** A region stack file, read and sized. */
export interface RegionStackFile extends SizedRegion {
  /** `Pulumi.mumbai.yaml`, as errors name it. */
  file: string;
  /** `aws:defaultTags.tags` of the file. */
  tags?: Record<string, string>;
}

/**
 * Every region stack file of the project, validated and sized, sorted by stack name. Every other stack file is
 * validated too (all but `self`, the global stack being planned): a file whose role is missing, misspelt
 * or wrong would otherwise be left out of the routing silently, and `pulumi up` would delete its region's
 * DNS record.
 */
export function discoverRegionStacks(projectRoot: string, self?: string): RegionStackFile[] {
  const regions: RegionStackFile[] = [];
  for (const stackName of listStackNames(projectRoot)) {
    if (stackName === self) continue;
    const filePath = stackFilePath(projectRoot, stackName);
    const file = path.basename(filePath);
    try {
      const stackFile = readStackFile(filePath, stackName);
      const settings = parseStackConfig(stackFile.config, stackName, stackFile.secretKeys);
      if (settings.role === "region") {
        regions.push({ file, ...sizedRegion(settings), tags: defaultTagValues(stackFile.config) });
      }
    } catch (e) {
      if (e instanceof InputError) {
        // readStackFile's errors already name the file.
        const key = e.key.startsWith(file) ? e.key : `${file} ${e.key}`;
        throw new InputError(key, e.problem, e.value);
      }
      throw e;
    }
  }
  return regions;
}

/**
 * What no single stack file can check: the regions against each other and against the global stack.
 * Throws an InputError naming the later file (by stack name) and the one it clashes with.
 */
export function checkRegionStacks(regions: RegionStackFile[], global: GlobalSettings): void {
  const byAwsRegion = new Map<string, string>();
  // Every name the stacks publish, and who publishes it.
  const hostnames = new Map<string, string>([[global.domain, "the global stack's domain"]]);
  if (global.dns.turnHostname !== undefined)
    hostnames.set(global.dns.turnHostname, "the global stack's dns.turnHostname");

  for (const { file, settings } of regions) {
    if (settings.dns.provider !== global.dns.provider) {
      // Certificates are validated and regional names published in the regions' zone: one provider.
      throw new InputError(
        `${file} ${PROJECT}:dns.provider`,
        `must be the global stack's DNS provider ${global.dns.provider} (regional names and certificate validation live in the same zone)`,
        settings.dns.provider,
      );
    }
    if (settings.dns.zoneId !== global.dns.zoneId) {
      throw new InputError(
        `${file} ${PROJECT}:dns.zoneId`,
        `must be the global stack's zone ${global.dns.zoneId} (every region serves the global stack's domain)`,
        settings.dns.zoneId,
      );
    }
    if (settings.domain !== global.domain) {
      // The global name reaches the regions' own load balancers, whose certificates are issued for
      // names under the region's domain: one domain, or users get certificate errors.
      throw new InputError(
        `${file} ${PROJECT}:domain`,
        `must be the global stack's domain ${global.domain} (the global name is served by each region's load balancers)`,
        settings.domain,
      );
    }
    const sameRegion = byAwsRegion.get(settings.awsRegion);
    if (sameRegion !== undefined) {
      throw new InputError(
        `${file} aws:region`,
        `is also the region of ${sameRegion}; one region stack per AWS region`,
        settings.awsRegion,
      );
    }
    byAwsRegion.set(settings.awsRegion, file);

    const names = regionHostnames(settings.regionLabel, settings.domain);
    for (const hostname of [names.signalling, names.turn]) {
      const owner = hostnames.get(hostname);
      if (owner !== undefined) {
        throw new InputError(
          `${file} ${PROJECT}:regionLabel`,
          `gives the hostname ${hostname}, which is also ${owner}; every region needs a label of its own`,
          settings.regionLabel,
        );
      }
      hostnames.set(hostname, `a hostname of ${file}`);
    }
  }

  const owners = regions.filter((r) => r.settings.dns.ownsGlobalNameValidation);
  if (regions.length > 0 && owners.length !== 1) {
    const [first, second] = owners;
    throw new InputError(
      `${(second ?? regions[0]).file} ${PROJECT}:dns.ownsGlobalNameValidation`,
      owners.length === 0
        ? `must be true in exactly one region stack file (it creates the ACM validation record of ${global.domain}), none has it`
        : `is also true in ${first.file}; exactly one region stack owns the ACM validation record of ${global.domain}`,
      owners.length === 0 ? false : true,
    );
  }

  checkVpcRanges(regions);
  checkCopiedTags(regions);

  const fallback = global.dns.cloudflareFallbackRegion;
  if (fallback !== undefined && !regions.some((r) => r.settings.regionLabel === fallback)) {
    throw new InputError(
      `${PROJECT}:dns.cloudflareFallbackRegion`,
      `must be the regionLabel of a region stack (${regions.map((r) => r.settings.regionLabel).join(", ") || "there are none"})`,
      fallback,
    );
  }
}

/** VPC ranges must not overlap: peering, a transit gateway or a VPN between regions would need them distinct. */
function checkVpcRanges(regions: RegionStackFile[]): void {
  const seen: { file: string; cidr: string; start: number; end: number }[] = [];
  for (const { file, settings } of regions) {
    if (settings.network.existingVpc !== undefined) continue; // its range is the existing VPC's, not in the file
    const cidr = parseCidr(settings.network.cidr)!; // validated by the schema
    const start = cidr.base;
    const end = cidr.base + 2 ** (32 - cidr.prefix) - 1;
    const other = seen.find((s) => s.start <= end && start <= s.end);
    if (other !== undefined) {
      throw new InputError(
        `${file} ${PROJECT}:network.cidr`,
        `overlaps ${other.cidr} of ${other.file}; keep the regions' VPC ranges distinct`,
        settings.network.cidr,
      );
    }
    seen.push({ file, cidr: settings.network.cidr, start, end });
  }
}

/** A region file copied from another one that still tags its resources with the other region's name. */
function checkCopiedTags(regions: RegionStackFile[], only?: string): void {
  for (const { file, settings, tags } of regions) {
    if (only !== undefined && file !== only) continue;
    for (const [tag, value] of Object.entries(tags ?? {})) {
      const other = regions.find(
        (r) =>
          r.file !== file &&
          (r.settings.stackName === value || r.settings.regionLabel === value || r.settings.awsRegion === value) &&
          value !== settings.stackName &&
          value !== settings.regionLabel &&
          value !== settings.awsRegion,
      );
      if (other !== undefined) {
        throw new InputError(
          `${file} aws:defaultTags.tags.${tag}`,
          `names the region of ${other.file} (a file copied from it?); tag this region's resources with its own name`,
          value,
        );
      }
    }
  }
}

/**
 * A region stack planned on its own, against the project's other region files: overlapping VPC ranges,
 * the same AWS region or hostnames, and tags copied from another region are errors here too, not only in
 * the global plan. Sibling files that do not validate are left to their own (and the global) plan.
 */
export function checkRegionAgainstSiblings(
  projectRoot: string,
  stackName: string,
  file: string,
  raw: Record<string, string>,
  secretKeys: readonly string[],
): void {
  if (raw[`${PROJECT}:role`] !== "region") return;
  let self: RegionStackFile;
  try {
    self = {
      file: path.basename(file),
      ...sizedRegion(parseStackConfig(raw, stackName, secretKeys) as RegionSettings),
      tags: defaultTagValues(raw),
    };
  } catch {
    return; // the program reports it, with its own key
  }
  const settings = self.settings;
  const siblings: RegionStackFile[] = [];
  for (const name of listStackNames(projectRoot)) {
    if (name === stackName) continue;
    try {
      const sibling = readStackFile(stackFilePath(projectRoot, name), name);
      const parsed = parseStackConfig(sibling.config, name, sibling.secretKeys);
      if (parsed.role === "region") {
        siblings.push({
          file: path.basename(sibling.path),
          ...sizedRegion(parsed),
          tags: defaultTagValues(sibling.config),
        });
      }
    } catch {
      continue;
    }
  }
  const all = [...siblings, self];
  checkVpcRanges(all);
  checkCopiedTags(all, self.file);
  const sameRegion = siblings.find((s) => s.settings.awsRegion === settings.awsRegion);
  if (sameRegion !== undefined) {
    throw new InputError(
      `${self.file} aws:region`,
      `is also the region of ${sameRegion.file}; one region stack per AWS region`,
      settings.awsRegion,
    );
  }
}
