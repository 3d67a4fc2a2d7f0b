/**
 * `livekit-platform:capacity`, `cost` and `preflight`: the demand the region is sized for, how its monthly cost
 * is estimated, and the quota checked before anything is created. Each setting is the capacity model's own field
 * (lib/capacity/input.ts) with the model's default.
 */
import { z } from "zod";
import {
  boundsFields,
  CAPACITY_DEFAULTS,
  capacityFields,
  costFields,
  DEFAULT_PURCHASE,
  DEFAULT_TURN_RELAY_SHARE,
  DEFAULT_USAGE,
  roomMixSchema,
} from "../../../lib/capacity";
import { instanceType } from "../fields";

export const capacity = z
  .strictObject({
    targetParticipants: capacityFields.targetParticipants
      .default(CAPACITY_DEFAULTS.targetParticipants)
      .describe("Concurrent participants at peak in this region."),
    mix: roomMixSchema
      .prefault(CAPACITY_DEFAULTS.mix)
      .describe(
        "The rooms participants are in: a preset (meetings, webinar, livestream, audio, voice-calls, mixed) or a custom mix `{ name, kinds: [{ kind, share, ... }] }` whose shares sum to 1 (roomMixSchema in lib/capacity/input.ts).",
      ),
    targetUtilisation: capacityFields.targetUtilisation
      .default(CAPACITY_DEFAULTS.targetUtilisation)
      .describe("Share of a node's CPU and bandwidth used at peak; the rest is headroom for spikes."),
    recordingShare: capacityFields.recordingShare
      .default(CAPACITY_DEFAULTS.recordingShare)
      .describe("Share of rooms recorded (room composite egress)."),
    turnRelayShare: capacityFields.turnRelayShare.optional().meta({
      description:
        "Share of participants whose media goes through TURN: the relay traffic on the SFU nodes' network and in the cost estimate. Measure it (docs/runbooks.md, TurnRelayTrafficAboveBudget).",
      defaultText: `DEFAULT_TURN_RELAY_SHARE in lib/capacity/rules.ts (${DEFAULT_TURN_RELAY_SHARE})`,
    }),
    cpuEfficiency: capacityFields.cpuEfficiency.optional().meta({
      description:
        "SFU work per vCPU relative to LiveKit's benchmark machine, from your own load test (1 = as benchmarked, 1.2 = 20% more).",
      defaultText: "the node family's documented factor (CPU_FACTOR_BY_FAMILY in lib/instance-types.ts; 1 for c6i)",
    }),
    egressNodeType: instanceType
      .default(CAPACITY_DEFAULTS.egressNodeType)
      .describe("Instance type of the egress NodePool's nodes, for the egress sizing."),
    maxSfuNodes: boundsFields.maxSfuNodes
      .optional()
      .describe("Most SFU nodes this region may run; a plan needing more is an error saying how many."),
    vcpuQuota: boundsFields.vcpuQuota
      .optional()
      .describe("The account's on-demand vCPU quota in this region (Service Quotas L-1216C47A); more is an error."),
  })
  .prefault({})
  .describe(
    "The demand this region is sized for: participants at peak and the rooms they are in. The capacity model (lib/capacity/) turns it into node group bounds, Karpenter limits and autoscaler bounds; a room larger than one node is refused.",
  );

export const cost = z
  .strictObject({
    peakHoursPerDay: costFields.peakHoursPerDay
      .default(DEFAULT_USAGE.peakHoursPerDay)
      .describe("Hours a weekday at peak load."),
    offPeakShare: costFields.offPeakShare
      .default(DEFAULT_USAGE.offPeakShare)
      .describe("Load in a weekday's other hours as a share of the peak."),
    weekendShare: costFields.weekendShare
      .default(DEFAULT_USAGE.weekendShare)
      .describe(
        "A weekend day's load as a share of a weekday's, hour by hour (1: every day a weekday). The always-on lines run at weekends either way.",
      ),
    daysPerMonth: costFields.daysPerMonth
      .default(DEFAULT_USAGE.daysPerMonth)
      .describe("Days in the month (30.42 = 730 hours); weekends are weekendShare, not fewer days."),
    recordingDownloads: costFields.recordingDownloads
      .default(DEFAULT_USAGE.recordingDownloads)
      .describe("Times the average recording is downloaded in full to the internet from S3 (0.5: half of them once)."),
    negotiatedDataTransferOutPerGiB: costFields.negotiatedDataTransferOutPerGiB
      .optional()
      .describe(
        "A negotiated internet transfer price, USD per GiB (2^30 bytes, AWS's GB) flat: the estimate shows the month under it beside the list price.",
      ),
    savingsPlanDiscount: costFields.savingsPlanDiscount
      .default(DEFAULT_PURCHASE.savingsPlanDiscount)
      .describe("Savings-plan (or reserved) discount on on-demand EC2."),
    egressSpotShare: costFields.egressSpotShare
      .default(DEFAULT_PURCHASE.egressSpotShare)
      .describe("Share of egress node-hours on Spot: a what-if, the egress NodePool is on-demand."),
    priceFile: z
      .string({ error: "must be a path to a JSON price file" })
      .min(1)
      .optional()
      .describe("JSON laid over the pinned prices (lib/prices/aws-prices.json), path relative to the project."),
  })
  .prefault({})
  .describe(
    "The monthly cost estimate in the `sizing` output (lib/capacity/cost.ts): usage profile and purchase options.",
  );

export const preflight = z
  .strictObject({
    vcpuQuota: z
      .boolean({ error: "must be true or false" })
      .default(true)
      .describe("Compare the EC2 On-Demand vCPU quota (Service Quotas, L-1216C47A) with the region's needs."),
  })
  .prefault({})
  .describe("Checks before anything is created.");
