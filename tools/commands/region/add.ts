/**
 * A new region's stack file, written from an existing region's: the same settings (capacity, cluster access,
 * rooms, keys' ids), with what must differ per region changed and what one region alone may hold left out.
 *
 * - `aws:region`, `regionLabel` (the stack's name), and the `aws:defaultTags` values that named the other region;
 * - `network.cidr`: the first range no other region file uses (network.availabilityZones at most the region's);
 * - `domain` and `dns` from the global stack file (every region serves its domain, in its zone);
 * - left out: `dns.ownsGlobalNameValidation` (one region owns the ACM record), `network.existingVpc` (the other
 *   region's VPC), `capacity.vcpuQuota` (the account's quota in the other region), and the file's own
 *   encryption salt or key (`pulumi stack init` makes the new stack's);
 * - every `secure:` value becomes a placeholder the offline plan reads: a ciphertext decrypts only in the
 *   stack that wrote it, so the steps printed copy each secret through Pulumi.
 *
 * The file it writes is checked as the plan checks a region (its settings, and the cross-file checks against
 * every other stack file) before the command reports success.
 */
import * as fs from "fs";
import * as path from "path";
import { Document, isMap, isScalar, parseDocument, visit, YAMLMap } from "yaml";
import { availabilityZoneIds, awsRegions } from "../../../lib/aws-regions";
import { InputError } from "../../../lib/errors";
import { Cidr, formatCidr, parseCidr } from "../../../lib/ip";
import { parseStackConfig, RegionSettings } from "../../../stacks/config";
import { PROJECT } from "../../../stacks/config-key";
import { regionLabel } from "../../../stacks/config/region/dns";
import { regionHostnames } from "../../../stacks/region-outputs";
import { checkRegionAgainstSiblings, discoverSiblingStacks, RegionStackFile } from "../../../stacks/regions";
import { listStackNames, readStackFile, stackFilePath } from "../../../stacks/stack-files";

export interface AddRegionRequest {
  /** The new stack's name, also its regionLabel. */
  name: string;
  awsRegion: string;
  /** The region stack whose settings it starts from; default the first region file by stack name. */
  from?: string;
}

export interface AddedRegion {
  file: string;
  cidr: string;
  from: string;
  /** What is left to do, as commands, in order. */
  steps: string[];
  hostnames: string[];
}

/** What a placeholder `secure:` value holds: the plan reads it as a secret it cannot decrypt, like the shipped ones. */
const PLACEHOLDER = "v1:REPLACE-ME-copy-through-pulumi";

const APPLICATION_KEYS = `${PROJECT}:applicationKeys`;

/** The stack file keys one stack alone holds (Pulumi's per-stack encryption). */
const PER_STACK_FILE_KEYS = ["encryptionsalt", "encryptedkey"];

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function refuse(key: string, problem: string, value: unknown): never {
  throw new InputError(key, problem, value);
}

/** The block of `prefix` length at `base`: first, round ranges (10.10.0.0, 10.20.0.0, ...), then any in 10/8. */
function* candidateRanges(prefix: number): Generator<Cidr> {
  const size = 2 ** (32 - prefix);
  const ten = 10 * 2 ** 24;
  for (let second = 10; second <= 250; second += 10) yield { base: ten + second * 2 ** 16, prefix };
  for (let base = ten; base < ten + 2 ** 24; base += size) yield { base, prefix };
}

/** The first candidate range that overlaps none of `taken`. */
export function freeRange(taken: readonly Cidr[], prefix = 16): Cidr | undefined {
  const end = (c: Cidr) => c.base + 2 ** (32 - c.prefix) - 1;
  for (const candidate of candidateRanges(prefix)) {
    if (!taken.some((t) => t.base <= end(candidate) && candidate.base <= end(t))) return candidate;
  }
  return undefined;
}

const cidrText = formatCidr;

/** Every `secure:` leaf of the config map, as `key.path` (the form `pulumi config set --path` takes). */
function securePaths(config: YAMLMap): string[] {
  const found: string[] = [];
  const walk = (node: unknown, at: string) => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (key === "secure" && at !== "") {
        found.push(at);
        continue;
      }
      walk(pair.value, at === "" ? key : `${at}.${key}`);
    }
  };
  walk(config, "");
  return found;
}

/** Writes the new region's stack file; an InputError (one line) when the request does not fit the project. */
export function addRegion(projectRoot: string, request: AddRegionRequest): AddedRegion {
  const { name, awsRegion } = request;
  const label = regionLabel.safeParse(name);
  if (!label.success) refuse("name", label.error.issues[0].message, name);
  const facts = awsRegions[awsRegion];
  if (facts === undefined) {
    refuse("aws-region", "unknown AWS region, expected one such as eu-central-1 or us-east-1", awsRegion);
  }
  if (listStackNames(projectRoot).includes(name)) {
    refuse("name", `is a stack of this project already (${path.basename(stackFilePath(projectRoot, name))})`, name);
  }

  const { regions, globals } = discoverSiblingStacks(projectRoot);
  const sameRegion = regions.find((r) => r.settings.awsRegion === awsRegion);
  if (sameRegion !== undefined) {
    refuse("aws-region", `is the region of ${sameRegion.file} already; one region stack per AWS region`, awsRegion);
  }
  const sameLabel = regions.find((r) => r.settings.regionLabel === name);
  if (sameLabel !== undefined) refuse("name", `is the regionLabel of ${sameLabel.file} already`, name);
  const template: RegionStackFile | undefined =
    request.from === undefined ? regions[0] : regions.find((r) => r.settings.stackName === request.from);
  if (template === undefined) {
    refuse(
      "--from",
      request.from === undefined
        ? "no region stack file to start from (Pulumi.<stack>.yaml with role region)"
        : `must be a region stack of this project (${regions.map((r) => r.settings.stackName).join(", ")})`,
      request.from,
    );
  }
  const from = template.settings;

  const taken = regions
    .filter((r) => r.settings.network.existingVpc === undefined)
    .map((r) => parseCidr(r.settings.network.cidr)!);
  const range = freeRange(taken, parseCidr(from.network.cidr)!.prefix);
  if (range === undefined) refuse("network.cidr", "no free range left in 10.0.0.0/8 for another region", taken.length);

  const doc = parseDocument(fs.readFileSync(stackFilePath(projectRoot, from.stackName), "utf8"));
  const config = doc.get("config") as YAMLMap;
  const set = (key: string, ...pathAndValue: unknown[]) => {
    const value = pathAndValue.pop();
    doc.setIn(["config", key, ...pathAndValue], value);
  };
  const has = (key: string, ...at: string[]) => doc.hasIn(["config", key, ...at]);
  for (const key of PER_STACK_FILE_KEYS) doc.delete(key);
  // The other file's header describes the other region: this file gets its own.
  const root = doc.contents;
  if (isMap(root)) for (const pair of root.items) if (isScalar(pair.key)) pair.key.commentBefore = undefined;
  doc.commentBefore =
    ` Region stack: ${facts.city} (${awsRegion}), written by \`npm run region -- add\` from ${template.file}.\n` +
    ` Its settings are ${from.stackName}'s but for what each region has of its own: see docs/deploy.md, "Add a region".`;

  set("aws:region", awsRegion);
  set(`${PROJECT}:regionLabel`, name);
  // Tags that named the other region name this one.
  const tags = doc.getIn(["config", "aws:defaultTags", "tags"]);
  if (isMap(tags)) {
    for (const pair of tags.items) {
      if (!isScalar(pair.value)) continue;
      const value = pair.value.value;
      if (value === from.stackName || value === from.regionLabel) pair.value.value = name;
      else if (value === from.awsRegion) pair.value.value = awsRegion;
    }
  }

  // The global stack's domain and zone: every region serves its domain, and validates in its zone.
  const global = globals[0]?.settings;
  if (global !== undefined) {
    set(`${PROJECT}:domain`, global.domain);
    set(`${PROJECT}:dns`, "provider", global.dns.provider);
    set(`${PROJECT}:dns`, "zoneId", global.dns.zoneId);
    if (global.dns.cloudflareAccountId !== undefined) {
      set(`${PROJECT}:dns`, "cloudflareAccountId", global.dns.cloudflareAccountId);
    }
  }
  if (has(`${PROJECT}:dns`, "ownsGlobalNameValidation")) {
    doc.deleteIn(["config", `${PROJECT}:dns`, "ownsGlobalNameValidation"]);
  }

  doc.deleteIn(["config", `${PROJECT}:network`, "existingVpc"]);
  set(`${PROJECT}:network`, "cidr", cidrText(range));
  const zones = availabilityZoneIds[awsRegion]?.length ?? from.network.availabilityZones;
  if (from.network.availabilityZones > zones) set(`${PROJECT}:network`, "availabilityZones", zones);
  if (has(`${PROJECT}:capacity`, "vcpuQuota")) doc.deleteIn(["config", `${PROJECT}:capacity`, "vcpuQuota"]);

  // A ciphertext decrypts only in the stack that wrote it: placeholders, and steps that copy through Pulumi.
  const secrets = securePaths(config);
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === "secure") {
        pair.value = doc.createNode(PLACEHOLDER);
        return visit.SKIP;
      }
      return undefined;
    },
  });

  const copyKeys = `npm run keys -- copy ${from.stackName} ${name}`;
  const keysPair = config.items.find((pair) => isScalar(pair.key) && pair.key.value === APPLICATION_KEYS);
  if (keysPair !== undefined && isScalar(keysPair.key)) {
    keysPair.key.commentBefore =
      " The application's API key: the same in every region stack. Its secret here is a placeholder the offline\n" +
      ` plan reads; after \`pulumi stack init ${name}\`, \`${copyKeys}\` copies the real one through Pulumi.`;
  }

  const file = stackFilePath(projectRoot, name);
  fs.writeFileSync(file, withoutEmptySections(doc).toString({ lineWidth: 0, flowCollectionPadding: false }));
  try {
    const written = readStackFile(file, name);
    parseStackConfig(written.config, name, written.secretKeys) as RegionSettings;
    checkRegionAgainstSiblings(projectRoot, name, file, written.config, written.secretKeys);
  } catch (e) {
    // What it wrote must plan: anything else is this command's mistake, not the user's.
    fs.rmSync(file);
    if (e instanceof InputError) throw new Error(`the file written for ${name} does not validate: ${e.message}`);
    throw e;
  }

  const steps = [`pulumi stack init ${name}`];
  if (secrets.some((s) => s.startsWith(`${APPLICATION_KEYS}.`))) {
    steps.push(copyKeys);
  }
  for (const secret of secrets.filter((s) => !s.startsWith(`${APPLICATION_KEYS}.`))) {
    steps.push(
      `pulumi config get --stack ${from.stackName} --path ${quote(secret)} | pulumi config set --stack ${name} --path --secret ${quote(secret)}`,
    );
  }
  steps.push(
    `npm run plan -- --stack ${name} && npm run plan -- --stack global`,
    `pulumi up --stack ${name} && pulumi up --stack global`,
  );
  const names = regionHostnames(name, global?.domain ?? from.domain);
  return {
    file: path.basename(file),
    cidr: cidrText(range),
    from: from.stackName,
    steps,
    hostnames: [names.signalling, names.turn],
  };
}

/** A section the edits left empty (`network: {}` after existingVpc went) is dropped: its defaults apply. */
function withoutEmptySections(doc: Document): Document {
  const config = doc.get("config");
  if (isMap(config))
    config.items = config.items.filter((pair) => !(isMap(pair.value) && pair.value.items.length === 0));
  return doc;
}
