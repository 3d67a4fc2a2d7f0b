/**
 * The capacity model's inputs as a person writes them (a stack file, the capacity command's flags, a mix
 * file), as zod schemas. Callers parse once with these (stacks/config/, tools/commands/capacity/); the model
 * trusts what they return and refuses only what follows from several inputs together (a room larger than a
 * node, a node type the catalogue lacks, a demand above a bound).
 */
import { z } from "zod";
import { keyPath, parseInput } from "../errors";
import { fraction, keptDays, nodeCount, numberSchema, strictFields, wholeNumber } from "../schema";
import { isPresetName, PRESET_NAMES, PresetName, presetMix, ROOM_KINDS, RoomMix } from "./room-mix";
import { ICE_PORTS_PER_PARTICIPANT } from "./rules";

// ---------------------------------------------------------------------------------------------
// The room mix
// ---------------------------------------------------------------------------------------------

const KIND_NAMES = Object.keys(ROOM_KINDS) as [string, ...string[]];
const ENTRY_FIELDS = [
  "kind",
  "name",
  "share",
  "publishers",
  "subscribers",
  "publishersSubscribe",
  "audioKbps",
  "videoLayersKbps",
  "videoReceive",
  "dynacast",
];
const TIER = '{ "tracks": integer >= 0, "kbps": number > 0 }';

const videoReceiveTier = strictFields(
  {
    tracks: numberSchema("must be an integer of at least 0 (videos rendered at this tier)", { int: true, min: 0 }),
    kbps: numberSchema("must be kbps above 0", { gt: 0 }),
  },
  `must be ${TIER}`,
);

/** A room kind complete with its share: what an entry is once its `kind` preset is laid under it. */
const entryFields = strictFields(
  {
    name: z.string({ error: "must be a non-empty string" }).min(1, { error: "must be a non-empty string" }),
    share: numberSchema("must be a fraction of participants above 0 and at most 1", { gt: 0, max: 1 }),
    publishers: numberSchema("must be an integer of at least 1", { int: true, min: 1 }),
    subscribers: numberSchema("must be an integer of at least 0", { int: true, min: 0 }),
    publishersSubscribe: z.boolean({ error: "must be true or false" }).optional(),
    audioKbps: numberSchema("must be kbps of at least 0 (0 = no audio)", { min: 0 }),
    videoLayersKbps: z
      .array(numberSchema("must be a simulcast layer's kbps, above 0", { gt: 0 }), {
        error: "must be a list of simulcast layer kbps, each above 0 ([] = no video)",
      })
      .default([]),
    videoReceive: z.array(videoReceiveTier, { error: `must be a list of ${TIER}` }).default([]),
    dynacast: z.boolean({ error: "must be true or false" }).optional(),
  },
  "must be an object",
  ENTRY_FIELDS,
).superRefine((entry, ctx) => {
  if (entry.videoLayersKbps.length === 0 && entry.videoReceive.length > 0) {
    ctx.addIssue({
      code: "custom",
      path: ["videoReceive"],
      input: entry.videoReceive,
      message: "must be empty when the room publishes no video (videoLayersKbps is [])",
    });
  }
  if (entry.audioKbps === 0 && entry.videoLayersKbps.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: [],
      input: { audioKbps: 0, videoLayersKbps: [] },
      message: "publishes nothing: set audioKbps above 0 or videoLayersKbps",
    });
  }
});

/** `{ kind: "<ROOM_KINDS name>", share, ...overrides }`: the kind's fields, then the ones given over them. */
const entry = z
  .looseObject(
    { kind: z.enum(KIND_NAMES, { error: `unknown room kind (known: ${KIND_NAMES.join(", ")})` }).optional() },
    { error: "must be an object" },
  )
  .transform(({ kind, ...given }) =>
    kind === undefined ? given : { ...ROOM_KINDS[kind], ...given, name: given.name ?? kind },
  )
  .pipe(entryFields);

const customMix = strictFields(
  {
    name: z.string({ error: "must be a string" }).optional(),
    description: z.string({ error: "must be a string" }).optional(),
    kinds: z
      .array(entry, { error: "must be a non-empty list of room kinds" })
      .min(1, { error: "must be a non-empty list of room kinds" }),
  },
  'must be a preset name or { "name": ..., "kinds": [ ... ] }',
)
  .superRefine((mix, ctx) => {
    const names = mix.kinds.map((k) => k.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) {
      ctx.addIssue({ code: "custom", path: ["kinds"], input: dup, message: "room kind names must be unique" });
    }
    const total = mix.kinds.reduce((s, k) => s + k.share, 0);
    if (Math.abs(total - 1) > 0.001) {
      ctx.addIssue({
        code: "custom",
        path: ["kinds"],
        input: Number(total.toFixed(4)),
        message: "shares must sum to 1",
      });
    }
  })
  .transform((mix): RoomMix => ({
    name: mix.name ?? "custom",
    ...(mix.description !== undefined ? { description: mix.description } : {}),
    kinds: mix.kinds,
  }));

const preset = z
  .string()
  .refine(isPresetName, {
    error: `unknown room mix preset (known: ${PRESET_NAMES.join(", ")}; or a custom mix object)`,
  })
  .transform((name): RoomMix => ({ ...presetMix(name as PresetName), preset: name as PresetName }));

/**
 * The rooms participants are in: a preset's name (`PRESET_NAMES`), or a custom mix
 * `{ name?, description?, kinds: [{ kind?, name?, share, ...room kind fields }] }` whose shares sum to 1
 * (within 0.001). An entry with `kind` starts from that room kind of `ROOM_KINDS`; its own fields win.
 */
export const roomMixSchema = z.union([preset, customMix], {
  error: 'must be a preset name or { "name": ..., "kinds": [ ... ] }',
});

/** A mix as the model takes it, or the InputError of what is wrong with it, under `key` (`mix` by default). */
export function parseRoomMix(spec: unknown, key = "mix"): RoomMix {
  return parseInput(roomMixSchema, spec, { keyOf: (path) => keyPath(path, key) });
}

// ---------------------------------------------------------------------------------------------
// Demand, sizing and cost settings
// ---------------------------------------------------------------------------------------------

/**
 * What the model assumes of a region when a setting is left out, in one place: the stack schema's defaults
 * (stacks/config/region/), `npm run capacity`'s, and `planCapacity`'s for the egress node type. Defaults of
 * the model's finer settings (relay share, node bounds, ICE ports) are rules (rules.ts), and the region's fixed
 * pieces the cost reads are `DEFAULT_PLATFORM` (cost.ts).
 */
export const CAPACITY_DEFAULTS = {
  targetParticipants: 25_000,
  mix: "mixed" satisfies PresetName,
  /** The SFU nodes' instance type. */
  nodeType: "c6i.2xlarge",
  /** Egress pods run on their own NodePool; 16-vCPU nodes fit three 5-vCPU pods (`EGRESS_POD_CPU`). */
  egressNodeType: "c6i.4xlarge",
  targetUtilisation: 0.6,
  /** Share of rooms recorded: an assumption, printed with every table of `npm run capacity`. */
  recordingShare: 0.05,
} as const;

/** The model's settings beside the mix and node types; `CapacityInput` documents each. */
export const capacityFields = {
  targetParticipants: wholeNumber(1, 1_000_000, "a positive integer (concurrent participants at peak)"),
  targetUtilisation: numberSchema("must be a fraction above 0 and at most 1, such as 0.6", { gt: 0, max: 1 }),
  recordingShare: fraction(),
  baseShare: fraction(),
  peakHeadroom: numberSchema("must be a multiple of peak nodes from 1 to 10", { min: 1, max: 10 }),
  cpuEfficiency: numberSchema("must be a factor from 0.1 to 10", { min: 0.1, max: 10 }),
  turnRelayShare: fraction(),
  icePorts: numberSchema(`must be an integer of at least ${ICE_PORTS_PER_PARTICIPANT}`, {
    int: true,
    min: ICE_PORTS_PER_PARTICIPANT,
  }),
};

/** Ceilings a sized region must stay under (`SanityBounds`). */
export const boundsFields = {
  maxSfuNodes: nodeCount,
  vcpuQuota: wholeNumber(1, 10_000_000, "a positive integer (vCPUs)"),
};

/** The cost model's usage profile and purchase options (`UsageProfile`, `PurchaseOptions`). */
export const costFields = {
  peakHoursPerDay: numberSchema("must be hours from 0 to 24", { min: 0, max: 24 }),
  offPeakShare: fraction(),
  weekendShare: fraction(),
  // The month's length, not its working days: the always-on lines run all of them (weekends: weekendShare).
  daysPerMonth: numberSchema("must be the days in a month, from 28 to 31 (weekends are weekendShare)", {
    min: 28,
    max: 31,
  }),
  recordingDownloads: numberSchema("must be the downloads of the average recording, from 0 to 100", {
    min: 0,
    max: 100,
  }),
  negotiatedDataTransferOutPerGiB: numberSchema("must be a price in USD per GiB of at least 0", { min: 0 }),
  savingsPlanDiscount: numberSchema("must be a fraction from 0 to 0.9", { min: 0, max: 0.9 }),
  egressSpotShare: fraction(),
  recordingRetentionDays: keptDays,
};

/**
 * Regions to split a total across: `[{ name, share? }]`, each name once; given shares sum to 1, or leave
 * something for the regions without one.
 */
export const regionSharesSchema = z
  .array(
    strictFields(
      {
        name: z
          .string({ error: "must be a region name" })
          .regex(/^[a-z0-9][a-z0-9-]*$/, { error: "region names are lowercase letters, digits and hyphens" }),
        share: numberSchema("must be a fraction above 0 and at most 1", { gt: 0, max: 1 }).optional(),
      },
      "must be { name, share? }",
    ),
    { error: "must be a list of regions" },
  )
  .min(1, { error: "must name at least one region" })
  .superRefine((regions, ctx) => {
    const names = regions.map((r) => r.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) {
      ctx.addIssue({ code: "custom", path: [], input: dup, message: "region names must be unique" });
      return;
    }
    const given = regions.reduce((s, r) => s + (r.share ?? 0), 0);
    const unset = regions.filter((r) => r.share === undefined).length;
    if (unset === 0 && Math.abs(given - 1) > 0.001) {
      ctx.addIssue({ code: "custom", path: [], input: Number(given.toFixed(4)), message: "shares must sum to 1" });
    } else if (unset > 0 && given > 1 - 0.001) {
      ctx.addIssue({
        code: "custom",
        path: [],
        input: Number(given.toFixed(4)),
        message: "shares leave nothing for the regions without one",
      });
    }
  });
