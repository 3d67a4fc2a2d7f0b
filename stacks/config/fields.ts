/**
 * Building blocks of the stack schemas: names (domain, DNS label, AWS region), ports and port ranges, CIDR
 * blocks, instance types and node groups, a DNS zone. Each fails with one line that says what the value must
 * be; the sections (region/, global.ts) describe where it is used.
 */
// The enum module alone: a plain object of every EC2 instance type the pinned SDK knows (`aws.ec2.InstanceType`
// re-exports it), without loading the provider SDK itself.
import { InstanceType as Ec2InstanceType } from "@pulumi/aws/types/enums/ec2";
import { z } from "zod";
import { awsRegionNames } from "../../lib/aws-regions";
import { SECRET_PLACEHOLDER_PREFIX, Unshown } from "../../lib/errors";
import { archOf } from "../../lib/instance-types";
import { parseCidr } from "../../lib/ip";
import { nodeCount, wholeNumber } from "../../lib/schema";
import { nearest } from "../stack-file-checks";

/**
 * A setting set as a secret whose form a pattern checks. The offline plan cannot decrypt a `secure:` value and
 * passes a stand-in (stacks/stack-files.ts secretPlaceholder): the stand-in passes here, and `pulumi preview`,
 * which decrypts, checks the real value. A value that breaks the pattern is not shown in the error line.
 */
export const secretMatching = (pattern: RegExp, error: string) =>
  z
    .string()
    .check((ctx) => {
      if (ctx.value.startsWith(SECRET_PLACEHOLDER_PREFIX) || pattern.test(ctx.value)) return;
      // The line names the key and the rule, never the value: it is a secret `pulumi up` has decrypted.
      ctx.issues.push({ code: "custom", message: error, input: new Unshown("a value not shown (a secret)") });
    })
    .meta({ pattern: pattern.source });

/** A DNS label's form, its length apart: lowercase letters, digits and hyphens, a letter or digit first and last. */
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
export const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const domain = z
  .string({ error: "must be a domain name such as livekit.example.com" })
  .regex(DOMAIN, { error: "must be a lowercase domain name such as livekit.example.com" });

/**
 * A DNS label of at most `maxLength` characters, `why` saying whose limit it is: DNS's own 63 (RFC 1035 2.3.4), or
 * fewer where the label goes into longer names. The length is checked first, and the form's line repeats it, so
 * every line gives the limit that holds for the setting.
 */
export const dnsLabelUpTo = (maxLength: number, why: string) =>
  z
    .string({ error: "must be a DNS label (lowercase letters, digits and hyphens)" })
    .max(maxLength, { error: `must be at most ${maxLength} characters (${why})` })
    .regex(DNS_LABEL, {
      error: `must be a DNS label (lowercase letters, digits and hyphens, at most ${maxLength})`,
    });

export const dnsLabel = dnsLabelUpTo(63, "a DNS label's limit");

export const awsRegion = z.enum(awsRegionNames as [string, ...string[]], {
  error: "unknown AWS region, expected one such as ap-south-1 or ap-southeast-1",
});

export const port = wholeNumber(1, 65535, "a port number (1-65535)");

export const ipv4Cidr = (minPrefix: number, maxPrefix: number) =>
  z.string({ error: "must be an IPv4 CIDR block" }).refine(
    (value) => {
      const cidr = parseCidr(value);
      return cidr !== undefined && cidr.prefix >= minPrefix && cidr.prefix <= maxPrefix;
    },
    { error: `must be an IPv4 CIDR block from /${minPrefix} to /${maxPrefix}, such as 10.20.0.0/16` },
  );

export const portRange = z
  .strictObject({
    start: port.describe("First port of the range; must not exceed end."),
    end: port.describe("Last port of the range."),
  })
  .refine((r) => r.start <= r.end, { error: "start must not exceed end" });

/** Every EC2 instance type of the pinned @pulumi/aws (`aws.ec2.InstanceType`): what EC2 would launch. */
export const EC2_INSTANCE_TYPES: ReadonlySet<string> = new Set(Object.values(Ec2InstanceType));

/** Why an EC2 instance type cannot launch, or undefined: a type EC2 does not have fails only at `pulumi up`. */
export function instanceTypeProblem(type: string): string | undefined {
  if (EC2_INSTANCE_TYPES.has(type)) return undefined;
  const guess = nearest(type, [...EC2_INSTANCE_TYPES]);
  return `is not an EC2 instance type (aws.ec2.InstanceType of the pinned @pulumi/aws)${guess ? `; did you mean ${guess}?` : ""}`;
}

export const instanceType = z
  // The string's error words its pattern's failure too (zod 4: a check without its own takes the schema's).
  .string({ error: "must be an EC2 instance type such as c6i.2xlarge" })
  .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/)
  .superRefine((type, ctx) => {
    const problem = instanceTypeProblem(type);
    if (problem !== undefined) ctx.addIssue({ code: "custom", input: type, message: problem });
  });

export const nodeGroup = (defaults: { instanceType: string; min: number; max: number }) =>
  z
    .strictObject({
      instanceType: instanceType.default(defaults.instanceType).describe("EC2 instance type of the group's nodes."),
      min: nodeCount.default(defaults.min).describe("Fewest nodes; must not exceed max."),
      max: nodeCount.default(defaults.max).describe("Most nodes."),
    })
    .prefault({})
    .superRefine((group, ctx) => {
      if (group.min > group.max) {
        ctx.addIssue({
          code: "custom",
          path: ["min"],
          input: group.min,
          message: `must not exceed max (${group.max})`,
        });
      }
      // The managed node group's AMI type is x86_64 (components/cluster/node-ami.ts); EKS refuses a Graviton type
      // with it when the group is created, so `pulumi up` would fail.
      if (archOf(group.instanceType) === "arm64") {
        ctx.addIssue({
          code: "custom",
          path: ["instanceType"],
          input: group.instanceType,
          message:
            "is an arm64 (Graviton) type: the managed node group runs the x86_64 EKS AMI (AL2023_x86_64_STANDARD)",
        });
      }
    });

/** A problem between settings: where (a path under the object whose rule it is), what, and the value at fault. */
export interface RuleIssue {
  path: (string | number)[];
  problem: string;
  value: unknown;
}

/** Adds each problem the rules found to a refinement, under `path`. */
export function addRuleIssues(ctx: z.RefinementCtx, issues: (RuleIssue | undefined)[], path: (string | number)[] = []) {
  for (const issue of issues) {
    if (issue !== undefined) {
      ctx.addIssue({ code: "custom", path: [...path, ...issue.path], input: issue.value, message: issue.problem });
    }
  }
}

const dnsProvider = z.enum(["route53", "cloudflare"], {
  error: 'unknown DNS provider, expected "route53" or "cloudflare"',
});

/** Where the region's own hostnames live; the global stack uses the same zone. */
export const dnsZone = z.strictObject({
  provider: dnsProvider.default("route53").describe("Who serves the DNS zone of `domain`: Route53 or Cloudflare."),
  zoneId: z
    .string({ error: "must be the id of the DNS zone that holds the domain" })
    .min(1)
    .describe("Route53 hosted zone id, or Cloudflare zone id, of the zone that holds `domain`."),
  cloudflareAccountId: z
    .string()
    .regex(/^[0-9a-f]{32}$/, { error: "must be a Cloudflare account id (32 hex characters)" })
    .optional()
    .describe("Cloudflare account id (32 hex characters); required when `provider` is cloudflare."),
});

type DnsZone = z.infer<typeof dnsZone>;

/** Cloudflare's API needs the account the zone is in. */
export function cloudflareAccountGiven(dns: DnsZone): RuleIssue | undefined {
  if (dns.provider !== "cloudflare" || dns.cloudflareAccountId !== undefined) return undefined;
  return { path: ["cloudflareAccountId"], problem: "is required when dns.provider is cloudflare", value: undefined };
}

const ZONE_ID: Record<string, { pattern: RegExp; what: string }> = {
  // Route53 hosted zone ids: "Z" and upper-case letters and digits (Z0EXAMPLEZONE00000000, Z1D633PJN98FT9).
  route53: {
    pattern: /^Z[0-9A-Z]{4,31}$/,
    what: "a Route53 hosted zone id (Z followed by capital letters and digits, such as Z0123456789ABCDEFGHIJ)",
  },
  // Cloudflare zone ids: 32 lower-case hex characters.
  cloudflare: { pattern: /^[0-9a-f]{32}$/, what: "a Cloudflare zone id (32 hex characters)" },
};

/** The problem with a zone id for its provider, or undefined. */
export function zoneIdProblem(provider: string, zoneId: string): string | undefined {
  const format = ZONE_ID[provider];
  if (format === undefined || format.pattern.test(zoneId)) return undefined;
  const other = Object.entries(ZONE_ID).find(([p, f]) => p !== provider && f.pattern.test(zoneId))?.[0];
  if (zoneId.startsWith("/hostedzone/")) return `must be ${format.what}, without the /hostedzone/ prefix`;
  return `must be ${format.what}${other ? `; this looks like a ${other} zone id (dns.provider is ${provider})` : ""}`;
}

/** The zone id's format depends on who serves the zone. */
export function zoneIdOfItsProvider(dns: DnsZone): RuleIssue | undefined {
  const problem = zoneIdProblem(dns.provider, dns.zoneId);
  return problem === undefined ? undefined : { path: ["zoneId"], problem, value: dns.zoneId };
}

/** The retention periods CloudWatch Logs accepts, in days. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Days a CloudWatch Logs group keeps its events: one of the periods CloudWatch accepts. */
export const cloudWatchRetentionDays = z
  .number({ error: "must be a number of days CloudWatch accepts" })
  .refine((d) => LOG_RETENTION_DAYS.includes(d), {
    error: `must be one of ${LOG_RETENTION_DAYS.join(", ")} (days CloudWatch accepts)`,
  });
