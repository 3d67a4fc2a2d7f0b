/**
 * What a stack file can get wrong beyond this program's own settings: keys of other namespaces (the providers'
 * `aws:*`, `cloudflare:*`), a misspelt namespace, tags copied from another stack, `secure:` values that are no
 * ciphertext. (The rules of the program's own settings are its schema's, stacks/config/.)
 *
 * Pure: each check returns the first problem as `{ key, problem, value }` (or undefined), and
 * stacks/config/parse.ts turns it into the one-line InputError. No Pulumi import here.
 */
import { Unshown } from "../lib/errors";

export interface KeyIssue {
  /** The config key as the user writes it, with a path inside it (`aws:defaultTags.tags.stack`). */
  key: string;
  problem: string;
  value: unknown;
  /** The value must not be shown (a secret, or a credential written in plain text). */
  hideValue?: boolean;
}

/**
 * Provider config keys: the exported config variables of the pinned @pulumi/aws and @pulumi/cloudflare
 * (`config/vars.d.ts`); test/stacks/stack-file-checks.test.ts keeps the lists in step with the SDKs.
 */
export const PROVIDER_KEYS: Record<string, readonly string[]> = {
  aws: [
    "accessKey",
    "allowedAccountIds",
    "assumeRoleWithWebIdentity",
    "assumeRoles",
    "customCaBundle",
    "defaultTags",
    "ec2MetadataServiceEndpoint",
    "ec2MetadataServiceEndpointMode",
    "endpoints",
    "forbiddenAccountIds",
    "httpProxy",
    "httpsProxy",
    "ignoreTags",
    "insecure",
    "maxRetries",
    "noProxy",
    "profile",
    "region",
    "retryMode",
    "s3UsEast1RegionalEndpoint",
    "s3UsePathStyle",
    "secretKey",
    "sharedConfigFiles",
    "sharedCredentialsFiles",
    "skipCredentialsValidation",
    "skipMetadataApiCheck",
    "skipRegionValidation",
    "skipRequestingAccountId",
    "stsRegion",
    "tagPolicyCompliance",
    "token",
    "tokenBucketRateLimiterCapacity",
    "useDualstackEndpoint",
    "useFipsEndpoint",
    "userAgents",
  ],
  cloudflare: ["apiKey", "apiToken", "apiUserServiceKey", "baseUrl", "email", "userAgentOperatorSuffix"],
};

/** Credentials: a stack file may hold them only encrypted (`pulumi config set --secret`). */
export const CREDENTIAL_KEYS = new Set([
  "aws:accessKey",
  "aws:secretKey",
  "aws:token",
  "cloudflare:apiKey",
  "cloudflare:apiToken",
  "cloudflare:apiUserServiceKey",
]);

/** The Pulumi CLI's own namespace (`pulumi:tags`, `pulumi:disable-default-providers`): the CLI checks it. */
const CLI_NAMESPACE = "pulumi";

/** Tag keys that name the stack or the region: a copied stack file that keeps them mislabels every resource. */
const STACK_TAGS = ["stack", "Stack", "pulumi-stack"];
const LABEL_TAGS = ["region", "Region", "regionLabel", "region-label", "label"];

/** Edit distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The closest candidate, if it is close enough to be a typo. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

const didYouMean = (key: string | undefined) => (key === undefined ? "" : ` (did you mean ${key}?)`);

export interface StackKeyContext {
  project: string;
  stackName: string;
  /** Keys whose value was `secure:` in the stack file (or that Pulumi marks secret). */
  secretKeys: readonly string[];
  /** This program's setting names for the stack's role (`capacity`, `dns`, ...). */
  projectSettings: readonly string[];
}

/**
 * Every key outside this program's namespace: a provider key this program's providers read, valid for
 * that provider; credentials only encrypted; no other namespace.
 */
export function checkForeignKeys(raw: Record<string, string>, ctx: StackKeyContext): KeyIssue | undefined {
  const known = [
    ...ctx.projectSettings.map((s) => `${ctx.project}:${s}`),
    ...Object.entries(PROVIDER_KEYS).flatMap(([ns, keys]) => keys.map((k) => `${ns}:${k}`)),
  ];
  for (const key of Object.keys(raw)) {
    const colon = key.indexOf(":");
    const namespace = colon < 0 ? ctx.project : key.slice(0, colon);
    if (namespace === ctx.project || namespace === CLI_NAMESPACE) continue;
    const providerKeys = PROVIDER_KEYS[namespace];
    if (providerKeys === undefined) {
      return {
        key,
        problem: `is in no namespace this program reads (${ctx.project}, ${Object.keys(PROVIDER_KEYS).join(", ")})${didYouMean(nearest(key, known))}`,
        value: decode(raw[key]),
        hideValue: ctx.secretKeys.includes(key),
      };
    }
    const name = key.slice(colon + 1);
    if (!providerKeys.includes(name)) {
      return {
        key,
        problem: `is not a setting of the ${namespace} provider${didYouMean(nearest(key, known))}`,
        value: decode(raw[key]),
        hideValue: ctx.secretKeys.includes(key),
      };
    }
    if (CREDENTIAL_KEYS.has(key) && !ctx.secretKeys.includes(key)) {
      return {
        key,
        problem: `is a credential: set it with \`pulumi config set --secret ${key} <value>\` so the stack file holds it encrypted`,
        value: new Unshown("a plain-text value (not shown)"),
        hideValue: true,
      };
    }
  }
  return checkDefaultTags(raw, ctx);
}

function decode(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return /^\s*[[{]/.test(text) ? JSON.parse(text) : text;
  } catch {
    return text;
  }
}

/** `aws:defaultTags` is `{ tags: { <key>: <string> } }`, and its stack and region tags name this stack. */
function checkDefaultTags(raw: Record<string, string>, ctx: StackKeyContext): KeyIssue | undefined {
  const text = raw["aws:defaultTags"];
  if (text === undefined) return undefined;
  const value = decode(text);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { key: "aws:defaultTags", problem: "must be a map with one key, tags", value };
  }
  for (const k of Object.keys(value)) {
    if (k !== "tags") {
      return {
        key: `aws:defaultTags.${k}`,
        problem: `is not a field of aws:defaultTags${didYouMean(nearest(k, ["tags"]))}`,
        value: (value as Record<string, unknown>)[k],
      };
    }
  }
  const tags = (value as { tags?: unknown }).tags;
  if (tags === undefined) return undefined;
  if (tags === null || typeof tags !== "object" || Array.isArray(tags)) {
    return { key: "aws:defaultTags.tags", problem: "must be a map of tag names to strings", value: tags };
  }
  for (const [k, v] of Object.entries(tags)) {
    if (typeof v !== "string") {
      return { key: `aws:defaultTags.tags.${k}`, problem: "must be a string (quote numbers and booleans)", value: v };
    }
  }
  const regionLabel = decode(raw[`${ctx.project}:regionLabel`]) ?? ctx.stackName;
  const t = tags as Record<string, string>;
  for (const k of STACK_TAGS) {
    if (t[k] !== undefined && t[k] !== ctx.stackName) {
      return {
        key: `aws:defaultTags.tags.${k}`,
        problem: `must name this stack, ${ctx.stackName} (a stack file copied from another stack?)`,
        value: t[k],
      };
    }
  }
  if (decode(raw[`${ctx.project}:role`]) === "region") {
    for (const k of LABEL_TAGS) {
      if (t[k] !== undefined && t[k] !== regionLabel && t[k] !== raw["aws:region"]) {
        return {
          key: `aws:defaultTags.tags.${k}`,
          problem: `must name this region, ${String(regionLabel)} (a stack file copied from another region?)`,
          value: t[k],
        };
      }
    }
  }
  return undefined;
}

/** Every tag value of a stack file's `aws:defaultTags`. */
export function defaultTagValues(raw: Record<string, string>): Record<string, string> {
  const value = decode(raw["aws:defaultTags"]) as { tags?: Record<string, unknown> } | undefined;
  const tags = value?.tags ?? {};
  return Object.fromEntries(Object.entries(tags).filter((e): e is [string, string] => typeof e[1] === "string"));
}

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

/**
 * The ciphertext of a `secure:` value: what `pulumi config set --secret` writes (base64, and for the
 * passphrase provider `v1:<nonce>:<ciphertext>`). Anything else cannot be decrypted by any secrets provider.
 */
export function secureValueProblem(ciphertext: unknown): string | undefined {
  if (typeof ciphertext !== "string" || ciphertext.trim() === "") {
    return "must be the ciphertext `pulumi config set --secret` writes, not empty";
  }
  if (!/^[A-Za-z0-9+/=:_.-]+$/.test(ciphertext) || ciphertext.length < 8) {
    return "is not a ciphertext `pulumi config set --secret` writes (a plain value under secure:?); set it again with `pulumi config set --secret`";
  }
  return undefined;
}
