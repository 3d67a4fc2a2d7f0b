/**
 * Reading a stack's config: the raw keys Pulumi hands the program, checked against the schema of the stack's
 * role, or the first problem as one line that names the key, says what is expected and shows what was given:
 * `<key>: <what is wrong>, got <value>`. It is an InputError (lib/errors.ts), which `pulumi up` prints without a
 * stack trace and the plan command prints as `error: ...` (exit 2).
 *
 * This is the only module that reads Pulumi config.
 */
import type * as Pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { awsAccessOf } from "../../lib/aws-access";
import { holdsPlaceholder, InputError, inputErrorOf, Unshown } from "../../lib/errors";
import { configSecretKeys } from "../../lib/pulumi-sdk-internals";
import { configKey, PROJECT } from "../config-key";
import { checkForeignKeys, nearest } from "../stack-file-checks";
import { globalSchema, GlobalSettings } from "./global";
import { regionSchema, RegionSettings } from "./region";

export type StackSettings = RegionSettings | GlobalSettings;

/** The settings of each role, by name. */
const REGION_SETTINGS = Object.keys(regionSchema.in.shape);
const GLOBAL_SETTINGS = Object.keys(globalSchema.shape);
export type StackRole = StackSettings["role"];

// ---------------------------------------------------------------------------------------------
// Reading and reporting
// ---------------------------------------------------------------------------------------------

/** Settings this program read once and no longer does, with what to do instead (keyed by their path). */
const REMOVED_SETTINGS: Record<string, string> = {
  "karpenter.createSpotServiceLinkedRole":
    "was removed: a region creates the account's EC2 Spot service-linked role itself when the account has none; delete the line",
  "cost.turnShare":
    "was removed: the relay share sizes the nodes' relay traffic and the bill alike; set livekit-platform:capacity.turnRelayShare instead",
};

/**
 * What a setting must be, by the type zod expected, for the settings that do not say it themselves (texts and
 * lists; every number and boolean setting words its own).
 */
const WRONG_TYPE: Partial<Record<string, string>> = { string: "must be a string", array: "must be a list" };

/**
 * Parses a stack's settings with `schema`, or throws the first problem as an InputError. A key the schema does
 * not know is "not a setting this stack reads" unless its object words that itself (a room mix's fields), or it
 * is a removed setting (said so, with what to do instead).
 */
function parseSettings<T extends z.ZodType>(schema: T, raw: unknown, settings: readonly string[]): z.output<T> {
  const result = schema.safeParse(raw, {
    reportInput: true,
    error: (issue) => {
      if (issue.code === "invalid_type") {
        // A section given a scalar (Pulumi passes every scalar as a string): say what a section holds.
        if (issue.expected === "object") return "must be a map of settings, or nothing under it for the defaults";
        // A setting without words of its own for a value of the wrong type (zod's would be "Invalid input: ...").
        return WRONG_TYPE[issue.expected];
      }
      if (issue.code !== "unrecognized_keys") return undefined;
      const removed = REMOVED_SETTINGS[[...(issue.path ?? []), issue.keys[0]].join(".")];
      if (removed !== undefined) return removed;
      const guess = issue.path?.length ? undefined : nearest(String(issue.keys[0]), settings);
      return `is not a setting this stack reads (${guess ? `did you mean ${configKey([guess])}?` : "a typo?"})`;
    },
  });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const error = inputErrorOf(issue, raw, { keyOf: configKey, missing: "is required" });
  if (issue.code !== "unrecognized_keys" && holdsPlaceholder(error.value)) {
    throw new InputError(
      error.key,
      "is a secure: value, which the offline plan cannot decrypt to check; keep this setting in plain text (it is not a secret) or check it with pulumi preview",
      error.value,
    );
  }
  throw error;
}

/** Pulumi passes structured config as JSON text and scalars as strings. */
function decodeConfigValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      // Not JSON after all: the text is the value, and the schema says what the setting holds.
    }
  }
  return text;
}

/**
 * Validates a stack's raw config (`{"aws:region": "ap-south-1", "livekit-platform:network": "{...}"}`,
 * as Pulumi hands it to the program) and returns typed settings, or throws an InputError. Settings only: what
 * a region's settings ask of its nodes is the next step (`sizedRegion`, stacks/sizing.ts).
 */
export function parseStackConfig(
  rawConfig: Record<string, string>,
  stackName: string,
  secretKeys: readonly string[] = [],
): StackSettings {
  // Keys of other namespaces first: a misspelt namespace would otherwise surface as a missing role.
  const settings = [...new Set([...REGION_SETTINGS, ...GLOBAL_SETTINGS])].filter((s) => s !== "awsRegion");
  const foreign = checkForeignKeys(rawConfig, { project: PROJECT, stackName, secretKeys, projectSettings: settings });
  if (foreign !== undefined) {
    throw new InputError(
      foreign.key,
      foreign.problem,
      foreign.hideValue && !(foreign.value instanceof Unshown)
        ? new Unshown("a secure: value (not shown)")
        : foreign.value,
    );
  }
  const raw: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(rawConfig)) {
    const [namespace, name] = splitKey(key);
    // A key with nothing under it (`livekit-platform:karpenter:`, YAML null, which Pulumi passes as "") is absent.
    if (namespace === PROJECT && text.trim() !== "") raw[name] = decodeConfigValue(text);
  }
  const region = rawConfig["aws:region"];
  if (region !== undefined) raw.awsRegion = region;

  const role = raw.role;
  if (role === undefined) {
    // A misspelt `role` key reads as no role at all: name the typo instead.
    const typo = Object.keys(raw).find((k) => k !== "awsRegion" && nearest(k, ["role"]) === "role");
    if (typo !== undefined) {
      throw new InputError(configKey([typo]), `is not a setting (did you mean ${configKey(["role"])}?)`, raw[typo]);
    }
  }
  if (role !== "region" && role !== "global") {
    throw new InputError(
      configKey(["role"]),
      role === undefined
        ? 'is required, expected "region" or "global"'
        : 'unknown stack role, expected "region" or "global"',
      role,
    );
  }
  // A role that does not fit the file (a region file marked global, or the reverse) is named as such.
  const [own, other] = role === "region" ? [REGION_SETTINGS, GLOBAL_SETTINGS] : [GLOBAL_SETTINGS, REGION_SETTINGS];
  const misplaced = Object.keys(raw).find((k) => !own.includes(k) && other.includes(k));
  if (misplaced !== undefined) {
    throw new InputError(
      configKey(["role"]),
      `is ${role}, but the file sets ${configKey([misplaced])}, a setting of ${role === "region" ? "the global" : "a region"} stack (wrong role?)`,
      role,
    );
  }
  if (role === "region" && raw.regionLabel === undefined) raw.regionLabel = stackName;

  if (role === "global") return { ...parseSettings(globalSchema, raw, GLOBAL_SETTINGS), stackName };
  return { ...parseSettings(regionSchema, raw, REGION_SETTINGS), stackName, awsAccess: awsAccessOf(rawConfig) };
}

function splitKey(key: string): [string, string] {
  const colon = key.indexOf(":");
  return colon < 0 ? [PROJECT, key] : [key.slice(0, colon), key.slice(colon + 1)];
}

/** Reads this stack's config from the Pulumi runtime. Call once, at the start of the program. */
export function loadStackConfig(): StackSettings {
  // The SDK is loaded here, not on import: parsing a stack file (the tools, the unit tests) does not need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use
  const pulumi = require("@pulumi/pulumi") as typeof Pulumi;
  const config = pulumi.runtime.allConfig();
  return parseStackConfig(config, pulumi.getStack(), configSecretKeys(config));
}
