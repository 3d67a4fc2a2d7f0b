/**
 * Which stacks are regions: every `Pulumi.<name>.yaml` in the project whose role is `region`.
 * Adding a region is adding its stack file; no list to edit anywhere else.
 */
import { partitionOfRegion } from "../lib/aws-partitions";
import * as path from "path";
import { InputError } from "../lib/errors";
import { GlobalSettings, parseStackConfig, RegionSettings } from "./config";
import { SizedRegion, sizedRegion } from "./sizing";
import { PROJECT } from "./config-key";
import { parseCidr } from "../lib/ip";
import { regionHostnames } from "./region-outputs";
import { checkRooms } from "./rooms-checks";
import { defaultTagValues } from "./stack-file-checks";
import { listStackNames, readStackFile, stackFilePath } from "./stack-files";

/** A region stack file, read and sized. */
export interface RegionStackFile extends SizedRegion {
  /** `Pulumi.mumbai.yaml`, as errors name it. */
  file: string;
  /** `aws:defaultTags.tags` of the file. */
  tags?: Record<string, string>;
}

/** The global stack's file, read. */
export interface GlobalStackFile {
  file: string;
  settings: GlobalSettings;
}

/** The project's stack files but one, read and validated: the regions (sized, by stack name) and the global ones. */
export interface SiblingStackFiles {
  regions: RegionStackFile[];
  globals: GlobalStackFile[];
}

/** The stack file of a stack, as errors name it. */
const fileOf = (projectRoot: string, stackName: string) => path.basename(stackFilePath(projectRoot, stackName));

/** Reads and validates one stack file; an InputError names the file. */
function readSibling(projectRoot: string, stackName: string): RegionStackFile | GlobalStackFile {
  const filePath = stackFilePath(projectRoot, stackName);
  const file = path.basename(filePath);
  try {
    const stackFile = readStackFile(filePath, stackName);
    const settings = parseStackConfig(stackFile.config, stackName, stackFile.secretKeys);
    if (settings.role === "global") return { file, settings };
    return { file, ...sizedRegion(settings), tags: defaultTagValues(stackFile.config) };
  } catch (e) {
    if (e instanceof InputError) {
      // readStackFile's errors already name the file.
      const key = e.key.startsWith(file) ? e.key : `${file} ${e.key}`;
      throw new InputError(key, e.problem, e.value);
    }
    throw e;
  }
}

const isRegion = (f: RegionStackFile | GlobalStackFile): f is RegionStackFile => f.settings.role === "region";

/**
 * Every stack file of the project but `self`, validated: a file whose role is missing, misspelt or wrong would
 * otherwise be left out of the routing silently, and `pulumi up` would delete its region's DNS record. With
 * `lenient`, a file that does not validate is left out instead (its own plan reports it).
 */
export function discoverSiblingStacks(projectRoot: string, self?: string, lenient = false): SiblingStackFiles {
  const found: SiblingStackFiles = { regions: [], globals: [] };
  for (const stackName of listStackNames(projectRoot)) {
    if (stackName === self) continue;
    let sibling: RegionStackFile | GlobalStackFile;
    try {
      sibling = readSibling(projectRoot, stackName);
    } catch (e) {
      if (lenient && e instanceof InputError) continue;
      throw e;
    }
    if (isRegion(sibling)) found.regions.push(sibling);
    else found.globals.push(sibling);
  }
  return found;
}

/** A project has one global stack: a second one would route the same name from two stacks. */
export function checkOneGlobal(globals: readonly { file: string }[]): void {
  if (globals.length < 2) return;
  const [first, second] = globals;
  throw new InputError(
    `${second.file} ${PROJECT}:role`,
    `is global, as is ${first.file}; a project has one global stack (make this file a region, or delete it)`,
    "global",
  );
}

/**
 * Every region stack file of the project, validated and sized, sorted by stack name. Every other stack file is
 * validated too (all but `self`, the global stack being planned), and a second global stack is refused.
 */
export function discoverRegionStacks(projectRoot: string, self?: string): RegionStackFile[] {
  const { regions, globals } = discoverSiblingStacks(projectRoot, self);
  const selfFile = self === undefined ? undefined : fileOf(projectRoot, self);
  checkOneGlobal(selfFile === undefined || !globals.length ? globals : [{ file: selfFile }, ...globals]);
  return regions;
}

/**
 * What no single stack file can check: the regions against each other and against the global stack.
 * Throws an InputError naming the later file (by stack name) and the one it clashes with.
 */
export function checkRegionStacks(regions: RegionStackFile[], global: GlobalSettings): void {
  const [first] = regionStackIssues(regions, global);
  if (first !== undefined) throw first;
}

/**
 * The region stack files a global stack routes to, once every check across the project's stack files has passed:
 * what the global stack checks before it registers anything (stacks/global.ts), and the plan before it loads the
 * program (tools/plan/preflight.ts).
 */
export function checkedRegionStacks(projectRoot: string, global: GlobalSettings): RegionStackFile[] {
  const regions = discoverRegionStacks(projectRoot, global.stackName);
  checkRegionStacks(regions, global);
  // Global rooms mode: one mode and one hub in every region file, the hub a region stack, no overlapping VPCs.
  checkRooms(regions);
  return regions;
}

/**
 * Each problem between the region files and the global stack, in the order the checks run; each names its file.
 * `focus`: a file whose problems name it rather than the other file of the pair where either could be named.
 */
export function* regionStackIssues(
  regions: RegionStackFile[],
  global: GlobalSettings,
  focus?: string,
): Generator<InputError> {
  const byAwsRegion = new Map<string, string>();
  // Every name the stacks publish, and who publishes it.
  const hostnames = new Map<string, string>([[global.domain, "the global stack's domain"]]);
  if (global.dns.turnHostname !== undefined)
    hostnames.set(global.dns.turnHostname, "the global stack's dns.turnHostname");

  for (const { file, settings } of regions) {
    if (settings.dns.provider !== global.dns.provider) {
      // Certificates are validated and regional names published in the regions' zone: one provider.
      yield new InputError(
        `${file} ${PROJECT}:dns.provider`,
        `must be the global stack's DNS provider ${global.dns.provider} (regional names and certificate validation live in the same zone)`,
        settings.dns.provider,
      );
    } else if (settings.dns.zoneId !== global.dns.zoneId) {
      yield new InputError(
        `${file} ${PROJECT}:dns.zoneId`,
        `must be the global stack's zone ${global.dns.zoneId} (every region serves the global stack's domain)`,
        settings.dns.zoneId,
      );
    }
    if (settings.domain !== global.domain) {
      // The global name reaches the regions' own load balancers, whose certificates are issued for
      // names under the region's domain: one domain, or users get certificate errors.
      yield new InputError(
        `${file} ${PROJECT}:domain`,
        `must be the global stack's domain ${global.domain} (the global name is served by each region's load balancers)`,
        settings.domain,
      );
    }
    const partition = partitionOfRegion(settings.awsRegion);
    const globalPartition = partitionOfRegion(global.awsRegion);
    if (global.dns.provider === "route53" && partition !== globalPartition) {
      // One hosted zone holds every region's names and the latency aliases to their load balancers, and a zone
      // lives in one partition: its account cannot reach another's (nor alias its load balancers).
      yield new InputError(
        `${file} aws:region`,
        `is in the ${partition} partition, the global stack's ${global.awsRegion} in ${globalPartition}: with dns.provider route53 every stack writes to one hosted zone, which serves one partition (route with dns.provider cloudflare across partitions)`,
        settings.awsRegion,
      );
    }
    const sameRegion = byAwsRegion.get(settings.awsRegion);
    if (sameRegion !== undefined) {
      yield new InputError(
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
        yield new InputError(
          `${file} ${PROJECT}:regionLabel`,
          `gives the hostname ${hostname}, which is also ${owner}; every region needs a label of its own`,
          settings.regionLabel,
        );
        break;
      }
      hostnames.set(hostname, `a hostname of ${file}`);
    }
  }

  const owners = regions.filter((r) => r.settings.dns.ownsGlobalNameValidation);
  if (regions.length > 0 && owners.length !== 1) {
    const [firstOwner, secondOwner] = owners;
    const focused = regions.find((r) => r.file === focus);
    const blamed =
      owners.length === 0
        ? (focused ?? regions[0])
        : focused?.settings.dns.ownsGlobalNameValidation
          ? focused
          : secondOwner;
    const other = owners.find((o) => o !== blamed) ?? firstOwner;
    yield new InputError(
      `${blamed.file} ${PROJECT}:dns.ownsGlobalNameValidation`,
      owners.length === 0
        ? `must be true in exactly one region stack file (it creates the ACM validation record of ${global.domain}), none has it`
        : `is also true in ${other.file}; exactly one region stack owns the ACM validation record of ${global.domain}`,
      owners.length === 0 ? false : true,
    );
  }

  yield* vpcRangeIssues(regions);
  yield* copiedTagIssues(regions);

  const fallback = global.dns.cloudflareFallbackRegion;
  if (fallback !== undefined && !regions.some((r) => r.settings.regionLabel === fallback)) {
    yield new InputError(
      `${PROJECT}:dns.cloudflareFallbackRegion`,
      `must be the regionLabel of a region stack (${regions.map((r) => r.settings.regionLabel).join(", ") || "there are none"})`,
      fallback,
    );
  }
}

/** VPC ranges must not overlap: peering, a transit gateway or a VPN between regions would need them distinct. */
function* vpcRangeIssues(regions: RegionStackFile[]): Generator<InputError> {
  const seen: { file: string; cidr: string; start: number; end: number }[] = [];
  for (const { file, settings } of regions) {
    if (settings.network.existingVpc !== undefined) continue; // its range is the existing VPC's, not in the file
    const cidr = parseCidr(settings.network.cidr)!; // validated by the schema
    const start = cidr.base;
    const end = cidr.base + 2 ** (32 - cidr.prefix) - 1;
    const other = seen.find((s) => s.start <= end && start <= s.end);
    if (other !== undefined) {
      yield new InputError(
        `${file} ${PROJECT}:network.cidr`,
        `overlaps ${other.cidr} of ${other.file}; keep the regions' VPC ranges distinct`,
        settings.network.cidr,
      );
    }
    seen.push({ file, cidr: settings.network.cidr, start, end });
  }
}

/** A region file copied from another one that still tags its resources with the other region's name. */
function* copiedTagIssues(regions: RegionStackFile[]): Generator<InputError> {
  for (const { file, settings, tags } of regions) {
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
        yield new InputError(
          `${file} aws:defaultTags.tags.${tag}`,
          `names the region of ${other.file} (a file copied from it?); tag this region's resources with its own name`,
          value,
        );
      }
    }
  }
}

/**
 * A region stack planned on its own, against the project's other stack files: the checks the global plan runs
 * (checkRegionStacks with the global stack file, checkRooms, one global stack), with the problems that involve
 * this file, so its own plan stops where the global plan would. Without a global stack file, the checks between
 * regions alone (VPC ranges, AWS regions, copied tags). Sibling files that do not validate are left to their own
 * (and the global) plan.
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
  const { regions: siblings, globals } = discoverSiblingStacks(projectRoot, stackName, true);
  checkOneGlobal(globals);
  const involvesSelf = (e: InputError) => e.key.startsWith(`${self.file} `) || e.problem.includes(self.file);
  // This file last: of a clashing pair, the later file is the one named.
  const withSelf = [...siblings, self];
  const issues =
    globals.length === 1
      ? regionStackIssues(withSelf, globals[0].settings, self.file)
      : (function* () {
          yield* vpcRangeIssues(withSelf);
          yield* copiedTagIssues(withSelf);
          const sameRegion = siblings.find((s) => s.settings.awsRegion === self.settings.awsRegion);
          if (sameRegion !== undefined) {
            yield new InputError(
              `${self.file} aws:region`,
              `is also the region of ${sameRegion.file}; one region stack per AWS region`,
              self.settings.awsRegion,
            );
          }
        })();
  for (const issue of issues) if (involvesSelf(issue)) throw issue;
  try {
    checkRooms([...withSelf].sort((a, b) => a.settings.stackName.localeCompare(b.settings.stackName)));
  } catch (e) {
    if (!(e instanceof InputError) || involvesSelf(e)) throw e;
  }
}
