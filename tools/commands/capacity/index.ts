/**
 * The capacity command: `npm run capacity -- --participants 50000 [options]`.
 *
 * Sizes LiveKit SFU and egress nodes for a total of concurrent participants split across regions, with
 * lib/capacity/index.ts, and prints one row per region plus the total, the bounds a stack derives from them
 * (node group, Karpenter limits, HPA) and the load of each room kind, with a monthly cost per region
 * (lib/capacity/cost.ts, pinned prices in lib/prices/aws-prices.json) and its breakdown with `--cost`.
 * `--json` prints one JSON document on stdout and nothing else (run it as `npm run -s capacity -- ...` so
 * npm's own banner stays off stdout too).
 * Exit codes: 0 sized; 2 bad input (one `error: ...` line).
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { awsRegions } from "../../../lib/aws-regions";
import { InputError, keyPath, parseInput } from "../../../lib/errors";
import { INSTANCE_TYPES } from "../../../lib/instance-types";
import {
  boundsFields,
  CAPACITY_DEFAULTS,
  capacityFields,
  checkSanityBounds,
  costFields,
  DEFAULT_PLATFORM,
  DEFAULT_TURN_RELAY_SHARE,
  DEFAULT_USAGE,
  estimateCost,
  PINNED_PRICES,
  PriceTable,
  withPriceOverride,
  DEFAULT_BASE_SHARE,
  DEFAULT_PEAK_HEADROOM,
  planCapacity,
  RegionShare,
  regionSharesSchema,
  roomMixSchema,
  splitParticipants,
  SYSTEM_NODE_GROUP,
} from "../../../lib/capacity";
import { isPresetName, PRESET_NAMES } from "../../../lib/capacity/room-mix";
import { readFlags, UsageError } from "../flags";
import { formatPlans, formatTypes } from "./format";

export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 2;

export interface Output {
  log(line: string): void;
  error(line: string): void;
}

/** AWS region priced for a region name that is neither an AWS region nor a stack file. */
const DEFAULT_AWS_REGION = "us-east-1";

const USAGE = `usage: npm run capacity -- --participants <total> [options]
  --participants <n>      concurrent participants at peak, all regions together (required)
  --mix <preset|file>     ${PRESET_NAMES.join(", ")} (default ${CAPACITY_DEFAULTS.mix}), or a JSON file:
                          {"name": "ours", "kinds": [{"kind": "video-meeting", "share": 0.7},
                           {"name": "class", "share": 0.3, "publishers": 1, "subscribers": 30,
                            "audioKbps": 44, "videoLayersKbps": [160, 450, 1700],
                            "videoReceive": [{"tracks": 1, "kbps": 1700}], "dynacast": true}]}
  --node <type>           SFU node type (default ${CAPACITY_DEFAULTS.nodeType})
  --egress-node <type>    egress node type (default ${CAPACITY_DEFAULTS.egressNodeType})
  --regions <list>        e.g. mumbai,singapore (even split) or mumbai=0.6,singapore=0.4 (default one region)
  --utilisation <f>       target CPU and bandwidth utilisation at peak (default ${CAPACITY_DEFAULTS.targetUtilisation})
  --recording <f>         share of rooms recorded with room composite egress (default ${CAPACITY_DEFAULTS.recordingShare})
  --base-share <f>        minimum nodes as a share of peak (default ${DEFAULT_BASE_SHARE})
  --headroom <f>          maximum nodes as a multiple of peak (default ${DEFAULT_PEAK_HEADROOM})
  --cpu-efficiency <f>    SFU work per vCPU relative to LiveKit's benchmark node (default: the node
                          family's factor, 1 for c6i; see CPU_FACTOR_BY_FAMILY in lib/instance-types.ts)
cost (monthly, USD, from the pinned prices in lib/prices/aws-prices.json):
  --cost                  print the cost breakdown per region
  --aws-region <code>     prices for region names that are neither an AWS region (us-east-1) nor a stack
                          file (Pulumi.<name>.yaml gives aws:region) (default ${DEFAULT_AWS_REGION})
  --prices <file>         JSON laid over the pinned prices (same shape; each figure with source and read)
  --peak-hours <h>        hours a weekday at peak (default ${DEFAULT_USAGE.peakHoursPerDay})
  --off-peak-share <f>    load in a weekday's other hours as a share of peak (default ${DEFAULT_USAGE.offPeakShare})
  --weekend-share <f>     a weekend day's load as a share of a weekday's (default ${DEFAULT_USAGE.weekendShare}: every
                          day a weekday); always-on lines run at weekends either way
  --days <d>              days in the month, 28 to 31 (default ${DEFAULT_USAGE.daysPerMonth} = 730 hours)
  --recording-downloads <n>  full downloads of the average recording from S3 (default ${DEFAULT_USAGE.recordingDownloads})
  --negotiated-transfer <usd>  a negotiated internet transfer price, USD per GiB (2^30 bytes, AWS's GB), flat:
                          the month under it is printed beside the list price
  --savings-plan <f>      savings-plan discount on on-demand EC2 (default 0)
  --egress-spot <f>       share of egress node-hours on Spot, a what-if (default 0)
  --turn-share <f>        share of participants relayed by TURN: sizes the relay traffic on the SFU nodes
                          and prices it (a stack file's capacity.turnRelayShare) (default ${DEFAULT_TURN_RELAY_SHARE})
  --retention-days <d>    days S3 keeps a recording (default ${DEFAULT_PLATFORM.recordingRetentionDays})
bounds (an error saying how many the region needs):
  --max-sfu-nodes <n>     most SFU nodes a region may run (its node group max)
  --vcpu-quota <n>        the account's on-demand vCPU quota per region
  --types                 list the node types: vCPU, memory, bandwidth, internet cap, arch, CPU factor and
                          on-demand price in each priced region (then --participants is not needed)
  --json                  print the plans and costs as JSON on stdout, nothing else (npm run -s ...)`;

interface Args {
  participants: number;
  mix: string;
  node: string;
  egressNode: string;
  regions: RegionShare[];
  utilisation: number;
  recording: number;
  baseShare?: number;
  headroom?: number;
  cpuEfficiency?: number;
  cost: boolean;
  awsRegion: string;
  prices?: string;
  peakHours?: number;
  offPeakShare?: number;
  weekendShare?: number;
  days?: number;
  recordingDownloads?: number;
  negotiatedTransfer?: number;
  savingsPlan?: number;
  egressSpot?: number;
  turnRelayShare?: number;
  retentionDays?: number;
  maxSfuNodes?: number;
  vcpuQuota?: number;
  types: boolean;
  json: boolean;
  help: boolean;
}

function bad(message: string): never {
  throw new UsageError(message);
}

function number(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) bad(`${flag}: must be a number, got "${value}"`);
  return n;
}

function parseRegions(value: string): RegionShare[] {
  return value.split(",").map((part) => {
    const [name, share, extra] = part.trim().split("=");
    if (extra !== undefined || name === "")
      bad(`--regions: expected name or name=share, comma-separated, got "${value}"`);
    return share === undefined ? { name } : { name, share: number(`--regions ${name}`, share) };
  });
}

const text = { type: "string" } as const;
const toggle = { type: "boolean" } as const;

/** Every flag of USAGE; numbers are read as text and checked by `number()`. */
const FLAGS = {
  participants: text,
  mix: text,
  node: text,
  "egress-node": text,
  regions: text,
  utilisation: text,
  recording: text,
  "base-share": text,
  headroom: text,
  "cpu-efficiency": text,
  cost: toggle,
  "aws-region": text,
  prices: text,
  "peak-hours": text,
  "off-peak-share": text,
  "weekend-share": text,
  days: text,
  "recording-downloads": text,
  "negotiated-transfer": text,
  "savings-plan": text,
  "egress-spot": text,
  "turn-share": text,
  "retention-days": text,
  "max-sfu-nodes": text,
  "vcpu-quota": text,
  types: toggle,
  json: toggle,
  help: { type: "boolean", short: "h" },
} as const;

function parseArgs(argv: string[]): Args {
  const flags = readFlags(argv, FLAGS, (argument) => `unknown argument "${argument}" (see --help)`);
  /** The number a flag gives, undefined when it is not given. */
  const numberOf = (flag: keyof typeof FLAGS) => {
    const value = flags[flag];
    return typeof value === "string" ? number(`--${flag}`, value) : undefined;
  };
  const participants = numberOf("participants");
  if (participants !== undefined && (!Number.isInteger(participants) || participants < 1))
    bad(`--participants: must be a positive integer, got ${participants}`);
  const args: Args = {
    participants: participants!,
    mix: flags.mix ?? CAPACITY_DEFAULTS.mix,
    node: flags.node ?? CAPACITY_DEFAULTS.nodeType,
    egressNode: flags["egress-node"] ?? CAPACITY_DEFAULTS.egressNodeType,
    regions: flags.regions === undefined ? [{ name: "region" }] : parseRegions(flags.regions),
    utilisation: numberOf("utilisation") ?? CAPACITY_DEFAULTS.targetUtilisation,
    recording: numberOf("recording") ?? CAPACITY_DEFAULTS.recordingShare,
    baseShare: numberOf("base-share"),
    headroom: numberOf("headroom"),
    cpuEfficiency: numberOf("cpu-efficiency"),
    cost: flags.cost ?? false,
    awsRegion: flags["aws-region"] ?? DEFAULT_AWS_REGION,
    prices: flags.prices,
    peakHours: numberOf("peak-hours"),
    offPeakShare: numberOf("off-peak-share"),
    weekendShare: numberOf("weekend-share"),
    days: numberOf("days"),
    recordingDownloads: numberOf("recording-downloads"),
    negotiatedTransfer: numberOf("negotiated-transfer"),
    savingsPlan: numberOf("savings-plan"),
    egressSpot: numberOf("egress-spot"),
    turnRelayShare: numberOf("turn-share"),
    retentionDays: numberOf("retention-days"),
    maxSfuNodes: numberOf("max-sfu-nodes"),
    vcpuQuota: numberOf("vcpu-quota"),
    types: flags.types ?? false,
    json: flags.json ?? false,
    help: flags.help ?? false,
  };
  if (!args.help && !args.types && participants === undefined) bad("--participants <total> is required (see --help)");
  return args;
}

/** A preset name, or what the JSON file it names holds (the mix schema checks it). */
function readMix(mix: string): unknown {
  if (isPresetName(mix)) return mix;
  if (!fs.existsSync(mix)) bad(`--mix: not a preset (${PRESET_NAMES.join(", ")}) nor a file, got "${mix}"`);
  try {
    return JSON.parse(fs.readFileSync(mix, "utf8"));
  } catch (e) {
    return bad(`--mix ${mix}: not valid JSON (${(e as Error).message})`);
  }
}

/**
 * The values the flags give, parsed once with the capacity model's schemas; an error names the model's key
 * (`targetUtilisation`, `mix.kinds[0].share`, `usage.peakHoursPerDay`).
 */
const inputSchema = z.object({
  mix: roomMixSchema,
  nodeType: z.string(),
  egressNodeType: z.string(),
  targetUtilisation: capacityFields.targetUtilisation,
  recordingShare: capacityFields.recordingShare,
  baseShare: capacityFields.baseShare.optional(),
  peakHeadroom: capacityFields.peakHeadroom.optional(),
  cpuEfficiency: capacityFields.cpuEfficiency.optional(),
  regions: regionSharesSchema,
  usage: z.object({
    peakHoursPerDay: costFields.peakHoursPerDay.optional(),
    offPeakShare: costFields.offPeakShare.optional(),
    weekendShare: costFields.weekendShare.optional(),
    daysPerMonth: costFields.daysPerMonth.optional(),
    recordingDownloads: costFields.recordingDownloads.optional(),
  }),
  negotiatedDataTransferOutPerGiB: costFields.negotiatedDataTransferOutPerGiB.optional(),
  purchase: z.object({
    savingsPlanDiscount: costFields.savingsPlanDiscount.optional(),
    egressSpotShare: costFields.egressSpotShare.optional(),
  }),
  platform: z.object({ recordingRetentionDays: costFields.recordingRetentionDays.optional() }),
  turnRelayShare: capacityFields.turnRelayShare.optional(),
  maxSfuNodes: boundsFields.maxSfuNodes.optional(),
  vcpuQuota: boundsFields.vcpuQuota.optional(),
});

/** The flags given: a default of the cost model stays in force for each one left out. */
const given = <T extends object>(values: T) =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;

function parseInputs(args: Args) {
  const raw = {
    mix: readMix(args.mix),
    nodeType: args.node,
    egressNodeType: args.egressNode,
    targetUtilisation: args.utilisation,
    recordingShare: args.recording,
    baseShare: args.baseShare,
    peakHeadroom: args.headroom,
    cpuEfficiency: args.cpuEfficiency,
    regions: args.regions,
    usage: given({
      peakHoursPerDay: args.peakHours,
      offPeakShare: args.offPeakShare,
      weekendShare: args.weekendShare,
      daysPerMonth: args.days,
      recordingDownloads: args.recordingDownloads,
    }),
    negotiatedDataTransferOutPerGiB: args.negotiatedTransfer,
    purchase: given({ savingsPlanDiscount: args.savingsPlan, egressSpotShare: args.egressSpot }),
    platform: given({ recordingRetentionDays: args.retentionDays }),
    turnRelayShare: args.turnRelayShare,
    maxSfuNodes: args.maxSfuNodes,
    vcpuQuota: args.vcpuQuota,
  };
  return parseInput(inputSchema, raw, { keyOf: (path) => keyPath(path) });
}

/** The pinned prices, with the --prices file laid over them. */
function readPrices(file: string | undefined): PriceTable {
  if (file === undefined) return PINNED_PRICES;
  if (!fs.existsSync(file)) bad(`--prices: no such file, got "${file}"`);
  let override: unknown;
  try {
    override = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    bad(`--prices ${file}: not valid JSON (${(e as Error).message})`);
  }
  return withPriceOverride(PINNED_PRICES, override, `--prices ${file}`);
}

/**
 * The AWS region a region name stands for: the name itself when it is one, else `aws:region` of the stack
 * file Pulumi.<name>.yaml in the working directory, else the --aws-region default.
 */
export function awsRegionOf(name: string, fallback: string, dir = process.cwd()): string {
  if (awsRegions[name]) return name;
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  if (fs.existsSync(file)) {
    const doc = parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    const region = doc?.config?.["aws:region"];
    if (typeof region === "string") return region;
  }
  return fallback;
}

export function main(argv: string[], out: Output = console): number {
  try {
    const args = parseArgs(argv);
    if (args.help) {
      out.log(USAGE);
      return EXIT_OK;
    }
    const prices = readPrices(args.prices);
    if (args.types) {
      if (args.json)
        out.log(
          JSON.stringify(
            {
              instanceTypes: INSTANCE_TYPES,
              ec2PerHour: Object.fromEntries(Object.entries(prices.regions).map(([r, p]) => [r, p.ec2PerHour])),
            },
            null,
            2,
          ),
        );
      else for (const line of formatTypes(prices)) out.log(line);
      return EXIT_OK;
    }
    const input = parseInputs(args);
    const plans = splitParticipants(args.participants, input.regions).map(({ name, share, participants }) => {
      try {
        const plan = planCapacity({
          targetParticipants: participants,
          mix: input.mix,
          nodeType: input.nodeType,
          egressNodeType: input.egressNodeType,
          targetUtilisation: input.targetUtilisation,
          recordingShare: input.recordingShare,
          baseShare: input.baseShare,
          peakHeadroom: input.peakHeadroom,
          cpuEfficiency: input.cpuEfficiency,
          turnRelayShare: input.turnRelayShare,
        });
        checkSanityBounds(plan, {
          maxSfuNodes: input.maxSfuNodes,
          vcpuQuota: input.vcpuQuota,
          // The default system node group at its max.
          systemNodes: { count: SYSTEM_NODE_GROUP.max, vcpu: INSTANCE_TYPES[SYSTEM_NODE_GROUP.instanceType].vcpu },
        });
        const awsRegion = awsRegionOf(name, args.awsRegion);
        const cost = estimateCost(plan, {
          awsRegion,
          prices,
          usage: input.usage,
          purchase: input.purchase,
          platform: input.platform,
          negotiatedDataTransferOutPerGiB: input.negotiatedDataTransferOutPerGiB,
        });
        return { name, share, awsRegion, plan, cost };
      } catch (e) {
        if (e instanceof InputError && input.regions.length > 1) throw e.rekey((key) => `region ${name}: ${key}`);
        throw e;
      }
    });
    if (args.json) {
      const totalUsd = Math.round(plans.reduce((s, r) => s + r.cost.monthlyUsd, 0) * 100) / 100;
      out.log(JSON.stringify({ participants: args.participants, monthlyUsd: totalUsd, regions: plans }, null, 2));
    } else for (const line of formatPlans(plans, args.participants, args.cost)) out.log(line);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof InputError || e instanceof UsageError) {
      out.error(`error: ${e.message}`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
