/**
 * The region output contract: what every region stack exports and the global stack reads through a
 * StackReference. Both sides use this file, so a rename breaks the type-check, not production DNS.
 *
 * The region stack exports (at least) these keys; `S` is `pulumi.Input<string>` there:
 *
 *   const outputs: RegionOutputs<pulumi.Input<string>> = { awsRegion, regionLabel, ... };
 *
 * The global stack reads them back as plain strings with `readRegionOutputs`.
 */
import { z } from "zod";
import { InputError } from "../lib/errors";
import { SERVICE_KEY_PREFIXES, ServiceKeyConsumer } from "../components/credentials/api-keys";

import type { LoadBalancerTarget, RoutedRegion } from "../components/shared/routed-region";

export type { LoadBalancerTarget };

/** The region output contract is the shape latency routing takes (one definition for both sides). */
export type RegionOutputs<S = string> = RoutedRegion<S>;

/** The output keys, in the order they are read and reported. */
export const REGION_OUTPUT_KEYS = [
  "awsRegion",
  "regionLabel",
  "signallingHostname",
  "turnHostname",
  "signallingLoadBalancer",
  "turnLoadBalancer",
] as const satisfies readonly (keyof RegionOutputs)[];

export type RegionOutputKey = (typeof REGION_OUTPUT_KEYS)[number];

// Every key of the interface is listed above (a missing one fails the type-check here).
const everyKeyListed: Record<Exclude<keyof RegionOutputs, RegionOutputKey>, never> = {};
void everyKeyListed;

/**
 * What every region stack exports for the application, beside the routing contract: the application's API
 * key (the same in every region), so a token service can read it where it reads everything else. The ids are
 * plain; the secrets are Pulumi secrets (`pulumi stack output --show-secrets`, or a StackReference's
 * `getOutputDetails(...).secretValue`). During a rotation the list holds both keys, the signing one first.
 */
export interface ApplicationKeyOutputs {
  /** The key the application signs tokens with (and LiveKit its webhooks). */
  applicationKeyId: string;
  /** Its secret (a Pulumi secret). */
  applicationKeySecret: unknown;
  /** Every application key the region accepts: the signing one first, then the old or new one of a rotation. */
  applicationKeyIds: string[];
  /** Key id -> secret of every accepted key (a Pulumi secret). */
  applicationKeySecrets: unknown;
}

/** A region's signing key id, as the global stack read it (undefined: deployed before it exported one). */
export interface RegionApplicationKey {
  stack: string;
  /** The stack file, as errors name it. */
  file: string;
  keyId: string | undefined;
}

/**
 * The signing key id every region agrees on, or undefined when no region exports one yet. Regions that
 * disagree are an error naming the region that differs from the rest (the smaller group; on a tie, the
 * later stack by name), as the bad-input error the plan exits 2 on.
 */
export function agreedApplicationKeyId(regions: RegionApplicationKey[]): string | undefined {
  const known = regions.filter((r): r is RegionApplicationKey & { keyId: string } => r.keyId !== undefined);
  if (known.length === 0) return undefined;
  const count = new Map<string, number>();
  for (const r of known) count.set(r.keyId, (count.get(r.keyId) ?? 0) + 1);
  // The most common id; on a tie, the one of the first region by stack name.
  const agreed = [...count.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const differs = known.find((r) => r.keyId !== agreed);
  if (differs === undefined) return agreed;
  const others = known.filter((r) => r.keyId === agreed).map((r) => r.stack);
  throw new InputError(
    `${differs.file} livekit-platform:applicationKeys.signing`,
    `region stack ${differs.stack} signs with another application key than ${others.join(", ")} (${agreed}); ` +
      "every region must sign with the same key: set the same applicationKeys in every region file and `pulumi up` it",
    differs.keyId,
  );
}

/**
 * The output with every key a region's livekit-server accepts: key id -> SHA-256 of its secret
 * (components/credentials/api-keys.ts), exported as a Pulumi secret.
 */
export const API_KEY_FINGERPRINTS_OUTPUT = "apiKeyFingerprints";

/** A region's API keys, as a check across regions compares them. */
export interface RegionApiKeys {
  stack: string;
  /** The stack file, as errors name it. */
  file: string;
  /** Key id -> fingerprint of its secret, for every key of the region's key file. */
  fingerprints: Record<string, string>;
  /** The region file's application key ids (the rest come from `serviceKeys` or are generated). */
  applicationKeyIds: readonly string[];
}

/** The config key of `file` that holds key `id` where `region` has it, as an error names it. */
function keySetting(file: string, region: RegionApiKeys, id: string): string {
  if (region.applicationKeyIds.includes(id)) return `${file} livekit-platform:applicationKeys.keys`;
  const consumer = (Object.keys(SERVICE_KEY_PREFIXES) as ServiceKeyConsumer[]).find((c) =>
    id.startsWith(SERVICE_KEY_PREFIXES[c]),
  );
  return `${file} livekit-platform:${consumer ? `serviceKeys.${consumer}` : "applicationKeys.keys"}`;
}

/**
 * A key id means the same secret in every region that holds it: a token one region signs with it verifies in
 * the others. With `everywhere` (global rooms mode, where a participant reconnects through any region with a
 * token its room's server refreshed with any key of its key file) every region also holds every key. Each
 * region is compared with the first (by the caller's order); the first difference is an InputError naming the
 * region that lacks a key or holds another secret, and the key id (never a secret).
 */
export function checkApiKeysAgree(regions: readonly RegionApiKeys[], everywhere: boolean): void {
  const [first, ...rest] = regions;
  for (const other of rest) {
    for (const [a, b] of [
      [first, other],
      [other, first],
    ]) {
      for (const [id, fingerprint] of Object.entries(a.fingerprints)) {
        const theirs = b.fingerprints[id];
        if (theirs !== undefined && theirs !== fingerprint) {
          throw new InputError(
            keySetting(other.file, other, id),
            `region stack ${other.stack} holds another secret for API key ${id} than ${first.stack}; a token signed ` +
              "with it in one region fails in the other: set the same secret in every region file and `pulumi up` each region",
            id,
          );
        }
        if (theirs === undefined && everywhere) {
          throw new InputError(
            keySetting(b.file, a, id),
            `region stack ${b.stack} does not accept API key ${id}, which ${a.stack} holds; in global rooms mode ` +
              "livekit-server refreshes participants' tokens with any key of its key file and they reconnect through " +
              "any region, so every region must hold the same keys: set them in every region file and `pulumi up` " +
              "every region, the hub first",
            id,
          );
        }
      }
    }
  }
}

/** The hostnames a region answers on, from its label and the shared domain. */
export function regionHostnames(regionLabel: string, domain: string): { signalling: string; turn: string } {
  return { signalling: `${regionLabel}.${domain}`, turn: `turn-${regionLabel}.${domain}` };
}

/** `wss://<signallingHostname>`: the URL the application hands to every participant of a room pinned here. */
export function signallingUrl(outputs: Pick<RegionOutputs, "signallingHostname">): string {
  return `wss://${outputs.signallingHostname}`;
}

const text = z.string().min(1);
const loadBalancer = z.object({ dnsName: text, zoneId: text });
const schema = z.object({
  awsRegion: text,
  regionLabel: text,
  signallingHostname: text,
  turnHostname: text,
  signallingLoadBalancer: loadBalancer,
  turnLoadBalancer: loadBalancer,
}) satisfies z.ZodType<RegionOutputs>;

export type RegionOutputsRead =
  /** Every key is there and well-formed. */
  | { deployed: true; outputs: RegionOutputs }
  /** Some keys are missing: the stack is not deployed yet, or was deployed before it exported them. */
  | { deployed: false; missing: RegionOutputKey[] };

/**
 * Checks a region stack's outputs (`undefined` for a key the stack does not export) against the
 * contract. A missing key means "not deployed yet"; a key that is there but malformed means the
 * two stacks disagree on the contract, which is an error.
 */
export function readRegionOutputs(
  stackName: string,
  values: Partial<Record<RegionOutputKey, unknown>>,
): RegionOutputsRead {
  const missing = REGION_OUTPUT_KEYS.filter((key) => values[key] === undefined || values[key] === null);
  if (missing.length > 0) return { deployed: false, missing };
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const value = issue.path.reduce<unknown>((v, p) => (v as Record<PropertyKey, unknown> | undefined)?.[p], values);
    const loadBalancerKey = issue.path.length === 1 && String(issue.path[0]).endsWith("LoadBalancer");
    throw new Error(
      `region stack ${stackName}: output ${issue.path.join(".")} does not follow the region output contract ` +
        `(stacks/region-outputs.ts): expected ${loadBalancerKey ? "{ dnsName, zoneId }" : "a non-empty string"}, got ${JSON.stringify(value)}`,
    );
  }
  return { deployed: true, outputs: parsed.data };
}
