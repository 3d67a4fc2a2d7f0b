/** The capacity model: validation. */
import { INSTANCE_TYPES, InstanceType } from "../instance-types";
import { isPresetName, PRESET_NAMES, presetMix, ROOM_KINDS, RoomKind, RoomMix, RoomMixEntry } from "./room-mix";
import { InputError } from "../errors";
export function fail(key: string, problem: string, value: unknown): never {
  throw new InputError(key, problem, value);
}

export function isInt(v: unknown, min: number): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= min;
}

export function isNum(v: unknown, min: number, max = Infinity): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= min && v <= max;
}

/** The instance type's facts, or an error listing the known types. */
export function lookupInstanceType(name: string, key = "nodeType"): InstanceType {
  const type = INSTANCE_TYPES[name];
  if (!type) fail(key, `unknown node type (known: ${Object.keys(INSTANCE_TYPES).join(", ")})`, name);
  return type;
}

const ENTRY_KEYS = new Set([
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
]);

function resolveEntry(spec: unknown, key: string): RoomMixEntry {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) fail(key, "must be an object", spec);
  const raw = spec as Record<string, unknown>;
  for (const k of Object.keys(raw))
    if (!ENTRY_KEYS.has(k)) fail(`${key}.${k}`, `unknown field (expected ${[...ENTRY_KEYS].join(", ")})`, raw[k]);
  let base: Partial<RoomKind> = {};
  if (raw.kind !== undefined) {
    if (typeof raw.kind !== "string" || !ROOM_KINDS[raw.kind]) {
      fail(`${key}.kind`, `unknown room kind (known: ${Object.keys(ROOM_KINDS).join(", ")})`, raw.kind);
    }
    base = ROOM_KINDS[raw.kind];
  }
  const e = { ...base, ...raw, name: raw.name ?? raw.kind ?? base.name } as Record<string, unknown>;
  const at = (k: string) => `${key}.${k}`;
  if (typeof e.name !== "string" || e.name === "") fail(at("name"), "must be a non-empty string", e.name);
  if (!isNum(e.share, 0, 1) || e.share === 0)
    fail(at("share"), "must be a fraction of participants above 0 and at most 1", e.share);
  if (!isInt(e.publishers, 1)) fail(at("publishers"), "must be an integer of at least 1", e.publishers);
  if (!isInt(e.subscribers, 0)) fail(at("subscribers"), "must be an integer of at least 0", e.subscribers);
  if (e.publishersSubscribe !== undefined && typeof e.publishersSubscribe !== "boolean")
    fail(at("publishersSubscribe"), "must be true or false", e.publishersSubscribe);
  if (e.dynacast !== undefined && typeof e.dynacast !== "boolean")
    fail(at("dynacast"), "must be true or false", e.dynacast);
  if (!isNum(e.audioKbps, 0)) fail(at("audioKbps"), "must be kbps of at least 0 (0 = no audio)", e.audioKbps);
  const layers = e.videoLayersKbps ?? [];
  if (!Array.isArray(layers) || !layers.every((l) => isNum(l, 0) && l > 0))
    fail(at("videoLayersKbps"), "must be a list of simulcast layer kbps, each above 0 ([] = no video)", layers);
  const tiers = e.videoReceive ?? [];
  const tierOk = (t: unknown) => {
    const tier = t as Record<string, unknown>;
    return (
      typeof t === "object" &&
      t !== null &&
      Object.keys(tier).every((k) => k === "tracks" || k === "kbps") &&
      isInt(tier.tracks, 0) &&
      isNum(tier.kbps, 0) &&
      (tier.kbps as number) > 0
    );
  };
  if (!Array.isArray(tiers) || !tiers.every(tierOk))
    fail(at("videoReceive"), 'must be a list of { "tracks": integer >= 0, "kbps": number > 0 }', tiers);
  if (layers.length === 0 && tiers.length > 0)
    fail(at("videoReceive"), "must be empty when the room publishes no video (videoLayersKbps is [])", tiers);
  if (e.audioKbps === 0 && layers.length === 0)
    fail(key, "publishes nothing: set audioKbps above 0 or videoLayersKbps", { audioKbps: 0, videoLayersKbps: [] });
  return {
    name: e.name,
    share: e.share,
    publishers: e.publishers,
    subscribers: e.subscribers,
    ...(e.publishersSubscribe !== undefined ? { publishersSubscribe: e.publishersSubscribe as boolean } : {}),
    audioKbps: e.audioKbps,
    videoLayersKbps: [...(layers as number[])],
    videoReceive: (tiers as { tracks: number; kbps: number }[]).map((t) => ({ tracks: t.tracks, kbps: t.kbps })),
    ...(e.dynacast !== undefined ? { dynacast: e.dynacast as boolean } : {}),
  };
}

/** A preset by name, or a validated custom mix. Shares must sum to 1 (within 0.001). */
export function resolveMix(spec: unknown, key = "mix"): RoomMix {
  if (typeof spec === "string") {
    if (!isPresetName(spec))
      fail(key, `unknown room mix preset (known: ${PRESET_NAMES.join(", ")}; or a custom mix object)`, spec);
    return presetMix(spec);
  }
  if (typeof spec !== "object" || spec === null || Array.isArray(spec))
    fail(key, 'must be a preset name or { "name": ..., "kinds": [ ... ] }', spec);
  const raw = spec as Record<string, unknown>;
  for (const k of Object.keys(raw))
    if (!["name", "description", "kinds"].includes(k))
      fail(`${key}.${k}`, "unknown field (expected name, description, kinds)", raw[k]);
  if (raw.name !== undefined && typeof raw.name !== "string") fail(`${key}.name`, "must be a string", raw.name);
  if (!Array.isArray(raw.kinds) || raw.kinds.length === 0)
    fail(`${key}.kinds`, "must be a non-empty list of room kinds", raw.kinds);
  const kinds = raw.kinds.map((k, i) => resolveEntry(k, `${key}.kinds[${i}]`));
  const names = kinds.map((k) => k.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) fail(`${key}.kinds`, "room kind names must be unique", dup);
  const total = kinds.reduce((s, k) => s + k.share, 0);
  if (Math.abs(total - 1) > 0.001) fail(`${key}.kinds`, "shares must sum to 1", Number(total.toFixed(4)));
  return {
    name: (raw.name as string | undefined) ?? "custom",
    ...(typeof raw.description === "string" ? { description: raw.description } : {}),
    kinds,
  };
}
