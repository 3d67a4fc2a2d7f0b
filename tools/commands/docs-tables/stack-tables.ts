/**
 * The docs' tables read from the shipped stack files, through the program's own config schema and the code that
 * uses the figures: the vCPU quota each region stack needs, as the quota preflight (`vcpuNeeds`) counts it; and
 * the least round trip between AWS regions, as the global rooms plan prints it (`regionRttFloorMs`); and how long
 * drift takes to replace a media pool, from the NodePools the stack renders (`nodePoolSpecs`) and the nodes its
 * budget replaces at once (`nodesReplacedAtOnce`).
 */
import {
  MEDIA_DISRUPTION_BUDGET_PERCENT,
  nodePoolSpecs,
  nodesReplacedAtOnce,
} from "../../../components/karpenter/node-pools";
import { durationSeconds } from "../../../lib/aws-access";
import { awsRegions, regionRttFloorMs } from "../../../lib/aws-regions";
import { parseStackConfig } from "../../../stacks/config";
import { nodePoolDrains } from "../../../stacks/node-drains";
import { vcpuNeeds } from "../../../stacks/quotas";
import { sizedRegion } from "../../../stacks/sizing";
import { findProjectRoot, readStackFile, stackFilePath } from "../../../stacks/stack-files";
import { markdownTable } from "./markdown";
import { DocTable, int, list, TableInputError, takeFlag } from "./tables";

/** A region stack's settings, from its stack file. */
function regionSettings(stack: string, table: string) {
  const file = readStackFile(stackFilePath(findProjectRoot(), stack), stack);
  const config = parseStackConfig(file.config, stack, file.secretKeys);
  if (config.role !== "region") throw new TableInputError(`${table}: ${stack} is not a region stack`);
  return config;
}

/** A region stack's need of the vCPU quota, from its stack file. */
function regionQuotaNeeds(stack: string) {
  const config = regionSettings(stack, "vcpu-quota");
  return { awsRegion: config.awsRegion, ...vcpuNeeds(sizedRegion(config)) };
}

/** "36 h 45 min" */
const hoursAndMinutes = (seconds: number) => {
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
};

/**
 * Drift's turnover of a region's SFU and egress pools, at the workload's floor and ceiling: the budget replaces
 * `nodesReplacedAtOnce` nodes at a time, and each wave lasts at most the pool's terminationGracePeriod once its
 * replacements are up.
 */
function driftWaves(stack: string): string[][] {
  const { settings, sizing } = sizedRegion(regionSettings(stack, "drift-waves"));
  const pools = nodePoolSpecs({
    ...nodePoolDrains(settings),
    cpuLimits: { ...sizing.karpenterCpuLimits, general: settings.karpenter.generalCpuLimit },
    sfuInstanceType: settings.cluster.sfuNodes.instanceType,
    egressInstanceType: sizing.plan.egress.nodeType,
  });
  const egressNodes = (pods: number) => Math.ceil(pods / sizing.plan.egress.podsPerNode);
  const sizes = {
    sfu: { floor: sizing.sfuNodes.min, ceiling: sizing.sfuNodes.max },
    egress: {
      floor: egressNodes(sizing.egressAutoscaling.minReplicas),
      ceiling: egressNodes(sizing.egressAutoscaling.maxReplicas),
    },
  };
  return (["sfu", "egress"] as const).flatMap((pool) => {
    const grace = durationSeconds(pools[pool].spec.template.spec.terminationGracePeriod!);
    return (["floor", "ceiling"] as const).map((at) => {
      const nodes = sizes[pool][at];
      const atOnce = nodesReplacedAtOnce(nodes, MEDIA_DISRUPTION_BUDGET_PERCENT);
      const waves = Math.ceil(nodes / atOnce);
      return [
        stack,
        `${pool} (${at})`,
        int(nodes),
        int(atOnce),
        int(waves),
        hoursAndMinutes(grace),
        hoursAndMinutes(waves * grace),
      ];
    });
  });
}

export const STACK_TABLES: Record<string, DocTable> = {
  "vcpu-quota": {
    help: "the On-Demand vCPUs each region stack needs of the quota (the preflight's count): --stacks <a,b,...>",
    render(args) {
      const { value, rest } = takeFlag(args, "--stacks", "vcpu-quota");
      if (rest.length > 0) throw new TableInputError(`vcpu-quota: takes --stacks only, got ${rest.join(" ")}`);
      return markdownTable(
        [
          "region stack",
          "AWS region",
          "steady: floors, a rollout's surge, drift's replacements",
          "peak: every pool at its limit",
        ],
        list(value).map((stack) => {
          const { awsRegion, steady, peak } = regionQuotaNeeds(stack);
          return [stack, awsRegion, int(steady), int(peak)];
        }),
        ["left", "left", "right", "right"],
      );
    },
  },
  "drift-waves": {
    help: "how long drift takes to replace each region stack's SFU and egress nodes, wave by wave: --stacks <a,b,...>",
    render(args) {
      const { value, rest } = takeFlag(args, "--stacks", "drift-waves");
      if (rest.length > 0) throw new TableInputError(`drift-waves: takes --stacks only, got ${rest.join(" ")}`);
      return markdownTable(
        ["region stack", "pool (nodes at)", "nodes", "replaced at once", "waves", "a wave at most", "drift at most"],
        list(value).flatMap(driftWaves),
        ["left", "left", "right", "right", "right", "right", "right"],
      );
    },
  },
  "rtt-floors": {
    help: "the least round trip (ms) between AWS regions, in fibre at the speed of light: --rows <a,b,...> --columns <a,b,...>",
    render(args) {
      const rows = takeFlag(args, "--rows", "rtt-floors");
      const columns = takeFlag(rows.rest, "--columns", "rtt-floors");
      if (columns.rest.length > 0)
        throw new TableInputError(`rtt-floors: takes --rows and --columns only, got ${columns.rest.join(" ")}`);
      const regions = [...list(rows.value), ...list(columns.value)];
      const unknown = regions.filter((r) => !(r in awsRegions));
      if (unknown.length > 0) throw new TableInputError(`rtt-floors: unknown AWS region ${unknown.join(", ")}`);
      return markdownTable(
        ["pair (fibre floor, ms)", ...list(columns.value)],
        list(rows.value).map((row) => [
          `${row} (${awsRegions[row].city})`,
          ...list(columns.value).map((column) => int(regionRttFloorMs(row, column))),
        ]),
        ["left", ...list(columns.value).map(() => "right" as const)],
      );
    },
  },
};
