/**
 * The docs' tables read from the shipped stack files, through the program's own config schema and the code that
 * uses the figures: the vCPU quota each region stack needs, as the quota preflight (`vcpuNeeds`) counts it; and
 * the least round trip between AWS regions, as the global rooms plan prints it (`regionRttFloorMs`).
 */
import { awsRegions, regionRttFloorMs } from "../../../lib/aws-regions";
import { parseStackConfig } from "../../../stacks/config";
import { vcpuNeeds } from "../../../stacks/quotas";
import { sizedRegion } from "../../../stacks/sizing";
import { findProjectRoot, readStackFile, stackFilePath } from "../../../stacks/stack-files";
import { markdownTable } from "./markdown";
import { DocTable, int, list, TableInputError, takeFlag } from "./tables";

/** A region stack's need of the vCPU quota, from its stack file. */
function regionQuotaNeeds(stack: string) {
  const file = readStackFile(stackFilePath(findProjectRoot(), stack), stack);
  const config = parseStackConfig(file.config, stack, file.secretKeys);
  if (config.role !== "region") throw new TableInputError(`vcpu-quota: ${stack} is not a region stack`);
  return { awsRegion: config.awsRegion, ...vcpuNeeds(sizedRegion(config)) };
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
