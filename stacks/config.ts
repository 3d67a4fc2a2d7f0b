/**
 * The stack configuration: one schema per stack role, read once, validated before any resource exists.
 *
 * This is the only module that reads Pulumi config. Components receive the plain, typed settings it
 * returns. A bad value stops the program with one line that names the key, says what is expected and
 * shows what was given: `<key>: <what is wrong>, got <value>`. It is an InputError (lib/errors.ts), which
 * `pulumi up` prints without a stack trace and the plan command prints as `error: ...` (exit 2).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { awsRegionNames, route53HealthCheckerRegions } from "../lib/aws-regions";
import { parseCidr } from "../components/network/subnets";
import { INITIAL_TURN_SECRET_GENERATION } from "../components/shared/turn";
import { SERVICE_KEY_PREFIXES, ServiceKeyConsumer } from "../components/credentials/api-keys";
import { capacityFields, costFields, roomMixSchema } from "../lib/capacity";
import { holdsPlaceholder, InputError, inputErrorOf, Unshown } from "../lib/errors";
import { configSecretKeys } from "../lib/pulumi-sdk-internals";
import { versions } from "../lib/versions";
import { configKey, PROJECT } from "./config-key";
import { RegionSizing, sizeRegion, SizingSettings } from "./sizing";
import { AwsAccess, awsAccessOf } from "../lib/aws-access";
import { regionHostnames } from "./region-outputs";
import { roomsSchema } from "./rooms-config";
import { checkForeignKeys, nearest, regionCrossFieldIssue, zoneIdProblem } from "./stack-file-checks";

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const domain = z
  .string({ error: "must be a domain name such as livekit.example.com" })
  .regex(DOMAIN, { error: "must be a lowercase domain name such as livekit.example.com" });

const dnsLabel = z
  .string({ error: "must be a DNS label (lowercase letters, digits and hyphens)" })
  .regex(DNS_LABEL, { error: "must be a DNS label (lowercase letters, digits and hyphens, at most 63)" });

/** Cloudflare's load-balancer check regions a plan without Enterprise may name (no ALL_REGIONS). */
const CLOUDFLARE_CHECK_REGIONS = [
  "WNAM",
  "ENAM",
  "WEU",
  "EEU",
  "NSAM",
  "SSAM",
  "OC",
  "ME",
  "NAF",
  "SAF",
  "SAS",
  "SEAS",
  "NEAS",
] as const;

/** Longest first name (Common Name) of an ACM certificate. */
const ACM_FIRST_NAME_MAX = 64;

/** Longest region label: every AWS name derived from it then fits its limit. */
export const REGION_LABEL_MAX = 25;

/** The retention periods CloudWatch Logs accepts, in days. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const awsRegion = z.enum(awsRegionNames as [string, ...string[]], {
  error: "unknown AWS region, expected one such as ap-south-1 or ap-southeast-1",
});

const integer = (min: number, max: number, what: string) =>
  z
    .number({ error: `must be ${what}` })
    .int({ error: `must be ${what}` })
    .min(min, { error: `must be ${what}` })
    .max(max, { error: `must be ${what}` });

const positiveInt = integer(1, 100_000, "a positive integer");
const port = integer(1, 65535, "a port number (1-65535)");

const ipv4Cidr = (minPrefix: number, maxPrefix: number) =>
  z.string({ error: "must be an IPv4 CIDR block" }).refine(
    (value) => {
      const cidr = parseCidr(value);
      return cidr !== undefined && cidr.prefix >= minPrefix && cidr.prefix <= maxPrefix;
    },
    { error: `must be an IPv4 CIDR block from /${minPrefix} to /${maxPrefix}, such as 10.20.0.0/16` },
  );

const portRange = z
  .strictObject({
    start: port.describe("First port of the range; must not exceed end."),
    end: port.describe("Last port of the range."),
  })
  .refine((r) => r.start <= r.end, { error: "start must not exceed end" });

const instanceType = z
  .string({ error: "must be an EC2 instance type such as c6i.2xlarge" })
  .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "must be an EC2 instance type such as c6i.2xlarge" });

const nodeGroup = (defaults: { instanceType: string; min: number; max: number }) =>
  z
    .strictObject({
      instanceType: instanceType.default(defaults.instanceType).describe("EC2 instance type of the group's nodes."),
      min: positiveInt.default(defaults.min).describe("Fewest nodes; must not exceed max."),
      max: positiveInt.default(defaults.max).describe("Most nodes."),
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
    });

/** A NodePool's `limits.cpu`: it must leave room for at least one node, or the pool can never launch one. */
const cpuLimit = integer(8, 100_000, "a whole number of vCPUs, at least 8 (one 8-vCPU node)");

const vpcId = z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { error: "must be a VPC id such as vpc-0abc12345def67890" });
const subnetIds = z
  .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { error: "must be a subnet id such as subnet-0abc1234" }), {
    error: "must be a list of subnet ids",
  })
  .min(2, { error: "must list subnets in at least two availability zones" });

const dnsProvider = z.enum(["route53", "cloudflare"], {
  error: 'unknown DNS provider, expected "route53" or "cloudflare"',
});

/** Where the region's own hostnames live; the global stack uses the same zone. */
const dnsZone = z.strictObject({
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

function requireCloudflareAccount(dns: z.infer<typeof dnsZone>, ctx: z.RefinementCtx, path: (string | number)[]) {
  if (dns.provider === "cloudflare" && dns.cloudflareAccountId === undefined) {
    ctx.addIssue({
      code: "custom",
      path: [...path, "cloudflareAccountId"],
      input: undefined,
      message: "is required when dns.provider is cloudflare",
    });
  }
  // The zone id's format depends on who serves the zone (stacks/stack-file-checks.ts).
  const zoneProblem = zoneIdProblem(dns.provider, dns.zoneId);
  if (zoneProblem !== undefined) {
    ctx.addIssue({ code: "custom", path: [...path, "zoneId"], input: dns.zoneId, message: zoneProblem });
  }
}

/**
 * An API key id as livekit-server's key file takes it: a YAML map key, so plain letters and digits (LiveKit's
 * own `generate-keys` makes `API` + 12 alphanumerics).
 */
const API_KEY_ID = /^[A-Za-z0-9]{3,64}$/;
/** LiveKit logs an error for API secrets shorter than 32 characters (pkg/config/config.go, v1.13.5). */
const MIN_API_SECRET_LENGTH = 32;

/**
 * The application's API keys: the one it signs tokens (and LiveKit its webhooks) with, and during a
 * rotation one more that every region still accepts. Set with `npm run keys` (tools/commands/keys.ts); the secrets
 * are `secure:` values in the stack file. A secret is never echoed in an error, only its length.
 */
const applicationKeysSchema = z
  .strictObject({
    /** Id of the key the application signs with, and LiveKit signs webhooks with; one of `keys`. */
    signing: z
      .string({ error: "must be an API key id" })
      .regex(API_KEY_ID, { error: "must be an API key id (3-64 letters and digits)" })
      .describe("Id of the key the application signs with, and LiveKit signs webhooks with; one of `keys`."),
    /** Key id -> secret: the signing key, and at most one other (the old or new key of a rotation). */
    keys: z
      .record(z.string(), z.unknown(), { error: "must map each API key id to its secret" })
      .describe(
        "Key id -> secret (`secure:`): the signing key, and at most one other (the old or new key of a rotation).",
      ),
  })
  .superRefine((app, ctx) => {
    const ids = Object.keys(app.keys);
    if (ids.length < 1 || ids.length > 2) {
      ctx.addIssue({
        code: "custom",
        path: ["keys"],
        input: ids,
        message: "must hold one key, or two while rotating (the old and the new)",
      });
    }
    for (const id of ids) {
      if (!API_KEY_ID.test(id)) {
        ctx.addIssue({
          code: "custom",
          path: ["keys"],
          input: id,
          message: "has a key id that is not 3-64 letters and digits",
        });
      }
      const secret = app.keys[id];
      if (typeof secret !== "string" || secret.length < MIN_API_SECRET_LENGTH || /\s/.test(secret)) {
        ctx.addIssue({
          code: "custom",
          path: ["keys", id],
          // Never the secret itself.
          input: typeof secret === "string" ? `[secret of ${secret.length} characters]` : typeof secret,
          message: `must be a secret of at least ${MIN_API_SECRET_LENGTH} characters without blanks (set it with --secret)`,
        });
      }
    }
    if (!Object.hasOwn(app.keys, app.signing)) {
      ctx.addIssue({
        code: "custom",
        path: ["signing"],
        input: app.signing,
        message: `must be one of the ids in applicationKeys.keys (${ids.join(", ")})`,
      });
    }
  })
  .transform((app) => ({ signing: app.signing, keys: app.keys as Record<string, string> }));

export type ApplicationKeys = z.infer<typeof applicationKeysSchema>;

/** A key pair of egress or the load tests: an id with the consumer's prefix, a `secure:` secret. */
function serviceKeyPair(consumer: ServiceKeyConsumer) {
  const prefix = SERVICE_KEY_PREFIXES[consumer];
  return z
    .strictObject({
      id: z
        .string({ error: `must be an API key id starting with ${prefix}` })
        .regex(new RegExp(`^${prefix}[A-Za-z0-9]{3,${64 - prefix.length}}$`), {
          error: `must be ${prefix} and 3-${64 - prefix.length} letters and digits`,
        })
        .describe(`The key id: ${prefix} and letters and digits, the same in every region file.`),
      secret: z
        .unknown()
        .superRefine((secret, ctx) => {
          if (typeof secret !== "string" || secret.length < MIN_API_SECRET_LENGTH || /\s/.test(secret)) {
            ctx.addIssue({
              code: "custom",
              // Never the secret itself.
              input: typeof secret === "string" ? `[secret of ${secret.length} characters]` : typeof secret,
              message: `must be a secret of at least ${MIN_API_SECRET_LENGTH} characters without blanks (set it with --secret)`,
            });
          }
        })
        .transform((secret) => secret as string)
        .describe("Its secret (`secure:`), the same in every region file."),
    })
    .describe(`The ${consumer === "egress" ? "egress" : "load tests'"} key pair.`);
}

/**
 * Egress's and the load tests' key pairs from config instead of generated per region. Required in global rooms
 * mode: livekit-server signs participants' refreshed tokens with any key of its key file
 * (components/credentials/api-keys.ts), and there a participant can reconnect through any region, which must then
 * hold the same keys.
 */
const serviceKeysSchema = z.strictObject({
  egress: serviceKeyPair("egress"),
  loadTest: serviceKeyPair("loadTest"),
});

export type ServiceKeys = z.infer<typeof serviceKeysSchema>;

/**
 * A generation label of the TURN shared secret: it names a RandomPassword (`<region>-livekit-turn-secret-<label>`)
 * and goes into pod annotations, so short and DNS-label-like. A YAML number (`current: 2`) is read as its digits.
 */
const TURN_SECRET_GENERATION = /^[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?$/;
const turnSecretGeneration = z.preprocess(
  (v) => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? String(v) : v),
  z
    .string({ error: "must be a generation label (1-16 lowercase letters, digits and hyphens, such as 2)" })
    .regex(TURN_SECRET_GENERATION, {
      error: "must be a generation label (1-16 lowercase letters, digits and hyphens, such as 2)",
    }),
);

/**
 * Which generations of the TURN shared secret are in use (docs/credentials.md, "The TURN shared secret"): LiveKit mints
 * with `current`, Coturn accepts it and at most one other, so a rotation never refuses a valid credential.
 */
const turnSharedSecretSchema = z
  .strictObject({
    // .meta, not .describe: the number-to-label step hides the default from the reference generator.
    current: turnSecretGeneration.default(INITIAL_TURN_SECRET_GENERATION).meta({
      description:
        "The generation LiveKit mints TURN credentials with; Coturn accepts it too. A label of 1-16 lowercase letters, digits and hyphens; a number (`2`) is read as its digits.",
      defaultText: `\`${INITIAL_TURN_SECRET_GENERATION}\`, the secret the stack was created with`,
    }),
    alsoAccepted: z
      .array(turnSecretGeneration, { error: "must be a list of generation labels" })
      .max(1, {
        error:
          "must name at most one generation besides current (Coturn accepts two secrets at once: the current one and the one coming or going)",
      })
      .default([])
      .meta({
        description:
          "During a rotation, the one other generation Coturn accepts: the next one before it becomes current, then the old one until no credential minted with it is left. Empty otherwise; never current itself.",
        defaultText: "`[]`",
      }),
  })
  .prefault({})
  .superRefine((secret, ctx) => {
    if (secret.alsoAccepted.includes(secret.current)) {
      ctx.addIssue({
        code: "custom",
        path: ["alsoAccepted"],
        input: secret.alsoAccepted,
        message: `must not name current (${secret.current}) again`,
      });
    }
  });

/** LiveKit webhook receivers: https only (the body is signed, not encrypted), no credentials in the URL. */
const webhookUrl = z.string({ error: "must be an https:// URL" }).refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === "https:" && url.hostname !== "" && url.username === "" && url.password === "";
    } catch {
      return false;
    }
  },
  { error: "must be an https:// URL without user or password (LiveKit signs each request instead)" },
);

const webhookSchema = z.strictObject({
  urls: z
    .array(webhookUrl, { error: "must be a list of https:// URLs" })
    .min(1, { error: "must list at least one https:// URL (omit webhook to turn webhooks off)" })
    .max(10, { error: "must list at most 10 URLs" })
    .refine((urls) => new Set(urls).size === urls.length, { error: "must not list a URL twice" })
    .describe("HTTPS endpoints of your application that receive LiveKit's signed webhook events (1-10)."),
});

// ---------------------------------------------------------------------------------------------
// Region stacks
// ---------------------------------------------------------------------------------------------

export const regionSchema = z
  .strictObject({
    role: z
      .literal("region")
      .describe("The stack's role; the global stack routes to every stack file whose role is region."),
    awsRegion: awsRegion.describe("AWS region of this region stack; one region stack per AWS region."),
    domain: domain.describe(
      "The platform's domain, the same in every stack: this region serves `<regionLabel>.<domain>`, `turn-<regionLabel>.<domain>` and the global name `<domain>`. `turn-<regionLabel>.<domain>` is a certificate's first name: at most 64 characters (ACM).",
    ),
    regionLabel: dnsLabel
      .max(REGION_LABEL_MAX, {
        error: `must be at most ${REGION_LABEL_MAX} characters (AWS names are derived from it)`,
      })
      .refine((label) => !label.includes("--"), {
        error: 'must not contain "--" (ElastiCache ids refuse consecutive hyphens)',
      })
      .meta({
        description:
          "Names this region in hostnames (`<regionLabel>.<domain>`, `turn-<regionLabel>.<domain>`) and in AWS names derived from it (ElastiCache id `livekit-<label>`: 40 characters; IAM roles and EventBridge rules 64; S3 buckets 63): at most 25 characters, no `--`.",
        defaultText: "the stack's name",
      }),
    network: z
      .strictObject({
        cidr: ipv4Cidr(16, 20)
          .default("10.0.0.0/16")
          .describe(
            "VPC CIDR, /16 to /20; split into private subnets (first half) and public subnets (third quarter). Keep it distinct across regions.",
          ),
        availabilityZones: integer(2, 4, "an integer from 2 to 4")
          .default(3)
          .describe("Availability zones the subnets span."),
        natGateways: z
          .enum(["perAz", "single"], { error: 'must be "perAz" or "single"' })
          .default("perAz")
          .describe("`perAz`: one NAT gateway per AZ, which survives an AZ outage; `single`: one in total, cheaper."),
        existingVpc: z
          .strictObject({
            vpcId: vpcId.describe("Id of the existing VPC."),
            publicSubnetIds: subnetIds.describe(
              "Public subnets (SFU and TURN, egress and load-test nodes, load balancers), in at least two availability zones.",
            ),
            privateSubnetIds: subnetIds.describe(
              "Private subnets (system and general nodes, Redis), in at least two availability zones.",
            ),
          })
          .optional()
          .describe("Use an existing VPC instead of creating one."),
      })
      .prefault({})
      .describe("The region's VPC."),
    cluster: z
      .strictObject(
        {
          kubernetesVersion: z
            .string()
            .regex(/^1\.\d{2}$/, { error: 'must be a Kubernetes minor version such as "1.35"' })
            .default(versions.kubernetes)
            .describe("EKS Kubernetes minor version; keep it in EKS standard support. Default from lib/versions.ts."),
          publicAccessCidrs: z
            .array(ipv4Cidr(0, 32), {
              error:
                "must be set: a list of CIDRs allowed to reach the Kubernetes API, or [] for a private endpoint only",
            })
            .describe(
              "Who may reach the Kubernetes API endpoint from the internet; no default, so exposing it is a choice. `[]`: private endpoint only (Pulumi and kubectl then run from inside the VPC or over a VPN).",
            ),
          systemNodes: nodeGroup({ instanceType: "m6i.xlarge", min: 3, max: 6 }).describe(
            "Managed node group for cluster add-ons, Karpenter and monitoring, in private subnets: at least one node per availability zone.",
          ),
          logRetentionDays: z
            .number({ error: "must be a number of days CloudWatch accepts" })
            .refine((d) => LOG_RETENTION_DAYS.includes(d), {
              error: `must be one of ${LOG_RETENTION_DAYS.join(", ")} (days CloudWatch accepts)`,
            })
            .default(30)
            .describe("Days CloudWatch keeps the control-plane logs (a value CloudWatch accepts)."),
          adminRoleArns: z
            .array(
              z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, {
                error: "must be an IAM role ARN such as arn:aws:iam::123456789012:role/platform-admin",
              }),
            )
            .default([])
            .describe(
              "IAM roles of the team's admins and CI, given cluster-admin access (besides the creator of the cluster).",
            ),
          sfuNodes: z
            .strictObject({
              instanceType: instanceType
                .default("c6i.2xlarge")
                .describe("EC2 instance type of the SFU nodes; the capacity model sizes the region for it."),
              min: positiveInt.optional().meta({
                description:
                  "Fewest SFU nodes, overriding the capacity model (the plan reports it); must not exceed max.",
                defaultText: "from the capacity model",
              }),
              max: positiveInt.optional().meta({
                description: "Most SFU nodes, overriding the capacity model (the plan reports it).",
                defaultText: "from the capacity model",
              }),
            })
            .prefault({})
            .superRefine((group, ctx) => {
              if (group.min !== undefined && group.max !== undefined && group.min > group.max) {
                ctx.addIssue({
                  code: "custom",
                  path: ["min"],
                  input: group.min,
                  message: `must not exceed max (${group.max})`,
                });
              }
            })
            .describe(
              "LiveKit SFU nodes: public subnets, one LiveKit pod per node, launched by Karpenter's `sfu` NodePool.",
            ),
        },
        // Only for the object itself: a key it does not know is worded like every other (parseSettings).
        {
          error: (issue) =>
            issue.code === "invalid_type" ? "must be set (at least cluster.publicAccessCidrs)" : undefined,
        },
      )
      .describe("The EKS cluster and its system node group."),
    capacity: z
      .strictObject({
        targetParticipants: integer(1, 1_000_000, "a positive integer (concurrent participants at peak)")
          .default(25_000)
          .describe("Concurrent participants at peak in this region."),
        mix: roomMixSchema
          .prefault("mixed")
          .describe(
            "The rooms participants are in: a preset (meetings, webinar, livestream, audio, voice-calls, mixed) or a custom mix `{ name, kinds: [{ kind, share, ... }] }` whose shares sum to 1 (roomMixSchema in lib/capacity/input.ts).",
          ),
        targetUtilisation: capacityFields.targetUtilisation
          .default(0.6)
          .describe("Share of a node's CPU and bandwidth used at peak; the rest is headroom for spikes."),
        recordingShare: capacityFields.recordingShare
          .default(0.05)
          .describe("Share of rooms recorded (room composite egress)."),
        turnRelayShare: capacityFields.turnRelayShare.optional().meta({
          description:
            "Share of participants whose media goes through TURN: the relay traffic on the SFU nodes' network and in the cost estimate. Measure it (docs/runbooks.md, TurnRelayTrafficAboveBudget).",
          defaultText: "DEFAULT_TURN_RELAY_SHARE in lib/capacity/rules.ts (0.1)",
        }),
        cpuEfficiency: capacityFields.cpuEfficiency.optional().meta({
          description:
            "SFU work per vCPU relative to LiveKit's benchmark machine, from your own load test (1 = as benchmarked, 1.2 = 20% more).",
          defaultText: "the node family's documented factor (CPU_FACTOR_BY_FAMILY in lib/instance-types.ts; 1 for c6i)",
        }),
        egressNodeType: instanceType
          .default("c6i.4xlarge")
          .describe("Instance type of the egress NodePool's nodes, for the egress sizing."),
        maxSfuNodes: positiveInt
          .optional()
          .describe("Most SFU nodes this region may run; a plan needing more is an error saying how many."),
        vcpuQuota: integer(1, 10_000_000, "a positive integer (vCPUs)")
          .optional()
          .describe("The account's on-demand vCPU quota in this region (Service Quotas L-1216C47A); more is an error."),
      })
      .prefault({})
      .describe(
        "The demand this region is sized for: participants at peak and the rooms they are in. The capacity model (lib/capacity/) turns it into node group bounds, Karpenter limits and autoscaler bounds; a room larger than one node is refused.",
      ),
    cost: z
      .strictObject({
        peakHoursPerDay: costFields.peakHoursPerDay.default(8).describe("Hours a weekday at peak load."),
        offPeakShare: costFields.offPeakShare
          .default(0.3)
          .describe("Load in a weekday's other hours as a share of the peak."),
        weekendShare: costFields.weekendShare
          .default(1)
          .describe(
            "A weekend day's load as a share of a weekday's, hour by hour (1: every day a weekday). The always-on lines run at weekends either way.",
          ),
        daysPerMonth: costFields.daysPerMonth
          .default(30.42)
          .describe("Days in the month (30.42 = 730 hours); weekends are weekendShare, not fewer days."),
        recordingDownloads: costFields.recordingDownloads
          .default(1)
          .describe(
            "Times the average recording is downloaded in full to the internet from S3 (0.5: half of them once).",
          ),
        negotiatedDataTransferOutPerGiB: costFields.negotiatedDataTransferOutPerGiB
          .optional()
          .describe(
            "A negotiated internet transfer price, USD per GiB (2^30 bytes, AWS's GB) flat: the estimate shows the month under it beside the list price.",
          ),
        savingsPlanDiscount: costFields.savingsPlanDiscount
          .default(0)
          .describe("Savings-plan (or reserved) discount on on-demand EC2."),
        egressSpotShare: costFields.egressSpotShare
          .default(0)
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
      ),
    protect: z
      .preprocess(
        (v) => (v === "true" ? true : v === "false" ? false : v),
        z.boolean({ error: "must be true or false" }),
      )
      .default(true)
      .describe(
        "`protect` (and EKS deletion protection) on the cluster, the Redis replication group and the recordings bucket: `pulumi destroy` and replacements stop at them. Set false (and `pulumi up`) before a teardown.",
      ),
    karpenter: z
      .strictObject({
        sfuCpuLimit: cpuLimit.optional().meta({
          description: "vCPUs of the `sfu` NodePool (on-demand, public subnets), overriding the capacity model.",
          defaultText: "from the capacity model",
        }),
        egressCpuLimit: cpuLimit.optional().meta({
          description: "vCPUs of the `egress` NodePool (LiveKit Egress recorders), overriding the capacity model.",
          defaultText: "from the capacity model",
        }),
        generalCpuLimit: cpuLimit
          .default(32)
          .describe("vCPUs of the `general` NodePool: anything that does not fit on system nodes (spot allowed)."),
      })
      .prefault({})
      .describe("Karpenter adds nodes beside the node groups, up to these vCPU totals per NodePool (each at least 8)."),
    redis: z
      .strictObject({
        nodeType: z
          .string({ error: "must be an ElastiCache node type such as cache.r7g.large" })
          .regex(/^cache\.[a-z0-9-]+\.[a-z0-9]+$/, {
            error: "must be an ElastiCache node type such as cache.r7g.large",
          })
          .optional()
          .meta({
            description:
              "ElastiCache node type, overriding the capacity model (lib/capacity/redis.ts: the smallest r7g that carries the region's signalling, node stats and joins, and in global rooms mode the hub's members' too, at 60%).",
            defaultText: "from the capacity model",
          }),
        nodeCount: integer(2, 6, "an integer from 2 to 6 (a primary and 1-5 replicas; failover needs a replica)")
          .default(2)
          .describe("A primary and its replicas, in different availability zones; failover needs a replica."),
      })
      .prefault({})
      .describe("ElastiCache (Valkey) replication group shared by LiveKit and Egress."),
    rtc: z
      .strictObject({
        udpPortRange: portRange
          .default({ start: 50000, end: 60000 })
          .describe("ICE/UDP ports LiveKit binds on the node (two per participant)."),
        tcpPort: port.default(7881).describe("ICE/TCP fallback port."),
      })
      .prefault({})
      .describe("LiveKit's WebRTC ports on the SFU nodes' host network, open to the internet."),
    turn: z
      .strictObject({
        relayPortRange: portRange
          .default({ start: 40000, end: 49999 })
          .describe("Coturn relay ports; must not overlap rtc.udpPortRange (both bind the node's host network)."),
        userQuota: integer(1, 1000, "an integer from 1 to 1000")
          .default(12)
          .describe(
            "Concurrent relay allocations per TURN username (one participant); stops one client hogging ports.",
          ),
        totalQuota: integer(1, 65535, "an integer from 1 to 65535").optional().meta({
          description:
            "Concurrent allocations per Coturn node (each takes one relay port), overriding the capacity model: every participant makes up to four (two PeerConnections, two TURN servers), relayed or not.",
          defaultText: "from the capacity model: the allocations of a node's participants at peak, twice over",
        }),
        sharedSecret: turnSharedSecretSchema.describe(
          'Generations of the shared secret LiveKit mints TURN credentials with and Coturn checks them with. Rotate in three `pulumi up`s without refusing a relay: add the new one to alsoAccepted, make it current, drop the old one (docs/credentials.md, "The TURN shared secret").',
        ),
      })
      .prefault({})
      .describe("Coturn, the TURN server on the SFU nodes."),
    livekit: z
      .strictObject({
        logLevel: z
          .enum(["debug", "info", "warn", "error"], { error: 'must be "debug", "info", "warn" or "error"' })
          .default("info")
          .describe("LiveKit server log level."),
        emptyTimeoutSeconds: integer(0, 86_400, "seconds from 0 to 86400")
          .default(300)
          .describe("Seconds an empty room stays open for its first participant."),
        departureTimeoutSeconds: integer(0, 86_400, "seconds from 0 to 86400")
          .default(20)
          .describe("Seconds a room stays open after its last participant left."),
        maxParticipantsPerRoom: integer(0, 100_000, "an integer from 0 (the mix's largest room) to 100000")
          .default(0)
          .describe(
            "Participants per room; 0 takes the capacity mix's largest room (the model refuses rooms larger than a node).",
          ),
        webhook: webhookSchema
          .optional()
          .describe(
            "LiveKit's webhooks (room_finished, egress_ended, ...), signed with the application key; off when unset.",
          ),
      })
      .prefault({})
      .describe("LiveKit server settings."),
    egress: z
      .strictObject({
        recordingRetentionDays: integer(1, 3650, "a number of days from 1 to 3650")
          .default(30)
          .describe("Days S3 keeps a recording."),
        maxRecordingHours: integer(1, 24, "a number of hours from 1 to 24")
          .default(6)
          .describe(
            "Longest recording, hours: egress ends any recording (file, stream, segments) at this length, and drained egress pods and nodes wait this long plus the upload before they go.",
          ),
      })
      .prefault({})
      .describe("LiveKit Egress (recording to S3)."),
    monitoring: z
      .strictObject({
        retention: z
          .string()
          .regex(/^\d+[dhw]$/, { error: 'must be a Prometheus duration such as "15d"' })
          .default("15d")
          .describe("How long Prometheus keeps metrics."),
        retentionSize: z
          .string()
          .regex(/^\d+(GB|TB)$/, { error: 'must be a size such as "90GB"' })
          .default("90GB")
          .describe("Most disk space Prometheus' metrics may take before the oldest are dropped."),
        volumeSize: z
          .string()
          .regex(/^\d+Gi$/, { error: 'must be a volume size such as "100Gi"' })
          .default("100Gi")
          .describe("Size of Prometheus' gp3 volume; keep it above retentionSize."),
        runbookUrl: z
          .url({ error: "must be a URL such as https://github.com/<org>/<repo>/blob/main/docs/runbooks.md" })
          .optional()
          .meta({
            description:
              "Where alerts link for their runbooks: the URL of docs/runbooks.md in your copy of this repository, such as `https://github.com/<org>/<repo>/blob/main/docs/runbooks.md`; each alert links to `<runbookUrl>#alert-<alert name in lower case>`.",
            defaultText: "the repository path `docs/runbooks.md`",
          }),
      })
      .prefault({})
      .describe("Prometheus (kube-prometheus-stack) in the region."),
    alerting: z
      .strictObject({
        emailSubscriptions: z
          .array(z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: "must be an email address" }))
          .default([])
          .describe("Email addresses subscribed to the region's alert SNS topic."),
        slackWebhookUrl: z
          .string()
          .regex(/^https:\/\/hooks\.slack\.com\//, {
            error: "must be a Slack incoming-webhook URL (https://hooks.slack.com/...)",
          })
          .optional()
          .describe("Slack incoming-webhook URL for alerts (set as a secret)."),
        pagerDutyRoutingKey: z
          .string()
          .regex(/^[a-zA-Z0-9]{32}$/, { error: "must be a PagerDuty Events API v2 routing key (32 characters)" })
          .optional()
          .describe("PagerDuty Events API v2 routing key for alerts (set as a secret)."),
        heartbeatUrl: z
          .string()
          .regex(/^https:\/\//, { error: "must be an https:// URL" })
          .optional()
          .describe("Dead-man's switch URL that receives the Watchdog heartbeat every minute (set as a secret)."),
      })
      .prefault({})
      .describe(
        "Where Alertmanager sends alerts: always an SNS topic the stack creates (subscribe to it, or list emails here); optionally Slack and PagerDuty, and a dead-man's switch for the Watchdog heartbeat. Set URLs and keys as secrets: `pulumi config set --secret --path 'livekit-platform:alerting.slackWebhookUrl' <url>`.",
      ),
    preflight: z
      .strictObject({
        vcpuQuota: z
          .boolean({ error: "must be true or false" })
          .default(true)
          .describe("Compare the EC2 On-Demand vCPU quota (Service Quotas, L-1216C47A) with the region's needs."),
      })
      .prefault({})
      .describe("Checks before anything is created."),
    chaos: z
      .strictObject({
        enabled: z.boolean({ error: "must be true or false" }).default(false).describe("Create the drills."),
        sfuNodeTerminationPercent: integer(1, 100, "a percentage from 1 to 100")
          .default(33)
          .describe("Share of SFU nodes the SFU drill terminates."),
        turnNodeTerminationPercent: integer(1, 100, "a percentage from 1 to 100")
          .default(33)
          .describe("Share of the nodes running Coturn the TURN drill terminates."),
        livekitPodDeletePercent: integer(1, 100, "a percentage from 1 to 100")
          .default(33)
          .describe("Share of LiveKit pods the pod drill deletes."),
        logRetentionDays: integer(1, 3650, "a number of days from 1 to 3650").optional().meta({
          description: "Keep experiment logs in CloudWatch Logs for this many days.",
          defaultText: "no experiment logs",
        }),
      })
      .prefault({})
      .describe("AWS FIS chaos drills (see docs/chaos.md); off unless enabled."),
    loadTest: z
      .strictObject({
        rooms: integer(1, 1000, "an integer from 1 to 1000").default(10).describe("Rooms, one tester pod each."),
        videoPublishersPerRoom: integer(0, 100, "an integer from 0 to 100")
          .default(2)
          .describe("Simulated video publishers per room."),
        subscribersPerRoom: integer(0, 10_000, "an integer from 0 to 10000")
          .default(18)
          .describe("Simulated subscribers per room."),
        duration: z
          .string()
          .regex(/^\d+[smh]$/, { error: 'must be a duration such as "10m"' })
          .default("10m")
          .describe("How long the test runs."),
      })
      .prefault({})
      .describe("The suspended `lk perf load-test` Job (see docs/load-testing.md)."),
    dns: dnsZone
      .extend({
        ownsGlobalNameValidation: z
          .boolean({ error: "must be true or false" })
          .default(false)
          .describe(
            "Every region's certificate covers `<domain>`, and ACM asks each for the same validation record: exactly one region stack (true) creates it, and keeps it when destroyed; the others only wait for it.",
          ),
      })
      .describe("Where the region's own hostnames live; the global stack uses the same zone."),
    rooms: roomsSchema.describe(
      "Rooms per region (`regional`, the default) or across regions through one shared Redis hub (`global`); see docs/rooms-across-regions.md.",
    ),
    applicationKeys: applicationKeysSchema
      .optional()
      .describe(
        'The application\'s API keys, the same in every region (see docs/credentials.md, "API keys"); required.',
      ),
    serviceKeys: serviceKeysSchema.optional().meta({
      description:
        "Egress's and the load tests' API key pairs, the same in every region file, instead of a pair generated per region; required with rooms.mode global, where a participant's token, which livekit-server refreshes with any key of its key file, can reach every region (see docs/credentials.md, \"API keys\").",
      defaultText: "generated per region",
    }),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.cluster.systemNodes.min < cfg.network.availabilityZones) {
      ctx.addIssue({
        code: "custom",
        path: ["cluster", "systemNodes", "min"],
        input: cfg.cluster.systemNodes.min,
        message: `must be at least network.availabilityZones (${cfg.network.availabilityZones}): monitoring volumes are zonal, every zone needs a system node`,
      });
    }
    if (cfg.applicationKeys === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["applicationKeys"],
        input: undefined,
        message:
          "is required (the application's API key, the same in every region): run `npm run keys -- new` and the `pulumi config set` lines it prints",
      });
    }
    const sfu = cfg.rtc.udpPortRange;
    const relay = cfg.turn.relayPortRange;
    if (relay.start <= sfu.end && sfu.start <= relay.end) {
      ctx.addIssue({
        code: "custom",
        path: ["turn", "relayPortRange"],
        input: relay,
        message: `overlaps rtc.udpPortRange ${sfu.start}-${sfu.end}; Coturn and LiveKit share the node's host network`,
      });
    }
    requireCloudflareAccount(cfg.dns, ctx, ["dns"]);
    if (cfg.rooms.mode === "global" && cfg.serviceKeys === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["serviceKeys"],
        input: undefined,
        message:
          "is required with rooms.mode global (egress's and the load tests' key pairs, the same in every region file): livekit-server signs participants' refreshed tokens with any key of its key file, and a participant can reconnect through any region",
      });
    }
    const serviceKeyIds = cfg.serviceKeys ? [cfg.serviceKeys.egress.id, cfg.serviceKeys.loadTest.id] : [];
    const reused = serviceKeyIds.find(
      (id) => cfg.applicationKeys !== undefined && Object.hasOwn(cfg.applicationKeys.keys, id),
    );
    if (reused !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["serviceKeys", reused === serviceKeyIds[0] ? "egress" : "loadTest", "id"],
        input: reused,
        message: "is also an application key id; every consumer needs a key of its own",
      });
    }
    if (cfg.rooms.mode === "global" && cfg.network.existingVpc !== undefined) {
      // Peering routes go into the region's own route tables, which only a VPC this stack creates has.
      ctx.addIssue({
        code: "custom",
        path: ["rooms", "mode"],
        input: cfg.rooms.mode,
        message:
          "global needs a VPC this stack creates (network.existingVpc is set): its route tables get the peering routes",
      });
    }
    // ACM writes a certificate's first name into its Common Name: at most 64 characters (RFC 5280's
    // ub-common-name; ACM RequestCertificate, DomainName). The longer of the region's two first names is TURN's.
    const turnName = regionHostnames(cfg.regionLabel, cfg.domain).turn;
    if (turnName.length > ACM_FIRST_NAME_MAX) {
      ctx.addIssue({
        code: "custom",
        path: ["domain"],
        input: cfg.domain,
        message: `makes the TURN certificate's name ${turnName} ${turnName.length} characters, over the ${ACM_FIRST_NAME_MAX} ACM allows (shorten domain or regionLabel)`,
      });
    }
    const crossField = regionCrossFieldIssue(cfg);
    if (crossField !== undefined) {
      ctx.addIssue({ code: "custom", path: crossField.path, input: crossField.value, message: crossField.problem });
    }
  });

export type RegionStackConfig = Omit<z.infer<typeof regionSchema>, "applicationKeys"> & {
  /** Required (checked above); zod types it as optional only to word the missing-key error. */
  applicationKeys: ApplicationKeys;
  stackName: string;
  /** Sizes derived from `capacity` (and any sizes set by hand). */
  sizing: RegionSizing;
  /** How the stack reaches AWS (`aws:profile`, `aws:assumeRoles`, ...): for providers and SDK clients it makes. */
  awsAccess: AwsAccess;
};

// ---------------------------------------------------------------------------------------------
// The global stack
// ---------------------------------------------------------------------------------------------

export const globalSchema = z
  .strictObject({
    role: z.literal("global").describe("The stack's role: the global stack, one per project."),
    awsRegion: awsRegion.describe("Region of the AWS provider; Route53 itself is global."),
    domain: domain.describe("Users connect to `wss://<domain>`; DNS sends them to the nearest healthy region."),
    dns: dnsZone
      .extend({
        healthCheck: z
          .strictObject({
            checkerRegions: z
              .array(
                z.enum(route53HealthCheckerRegions, {
                  error: `not a Route53 health-checker region, expected one of ${route53HealthCheckerRegions.join(", ")}`,
                }),
              )
              .min(3, { error: "must list at least three Route53 health-checker regions" })
              .refine((regions) => new Set(regions).size === regions.length, {
                error: "must list each Route53 health-checker region once (at least three different ones)",
              })
              .default(["ap-southeast-1", "ap-northeast-1", "eu-west-1"])
              .describe("Route53 health-checker regions the checks run from, at least three (ap-south-1 is not one)."),
            failureThreshold: integer(1, 10, "an integer from 1 to 10")
              .default(3)
              .describe("Consecutive failed checks before a region counts as unhealthy."),
            requestInterval: z
              .union([z.literal(10), z.literal(30)], { error: "must be 10 or 30 (seconds)" })
              .default(30)
              .describe("Seconds between Route53 checks, 10 or 30; fixed once the check exists."),
            measureLatency: z
              .boolean({ error: "must be true or false" })
              .default(false)
              .describe("Route53 latency graphs for each check: an extra charge, and fixed once the check exists."),
          })
          .prefault({})
          .describe(
            "HTTPS health checks of each region's own hostname (Route53; with Cloudflare, see cloudflareMonitor).",
          ),
        cloudflareSteering: z
          .enum(["dynamic_latency", "proximity"], { error: 'must be "dynamic_latency" or "proximity"' })
          .default("dynamic_latency")
          .describe(
            "Cloudflare steering: dynamic_latency (by the round trip measured from the user's Cloudflare region) or proximity (by the pools' coordinates).",
          ),
        cloudflareCheckRegions: z
          .array(
            z.enum(CLOUDFLARE_CHECK_REGIONS, {
              error: `not a Cloudflare check region, expected one of ${CLOUDFLARE_CHECK_REGIONS.join(", ")}`,
            }),
          )
          .min(1, { error: "must list at least one Cloudflare check region" })
          .optional()
          .meta({
            description:
              "Cloudflare regions each pool is checked from with dynamic_latency. Never ALL_REGIONS (Enterprise plans only).",
            defaultText: "the check regions nearest the deployed regions",
          }),
        cloudflareMonitor: z
          .strictObject({
            interval: integer(5, 3600, "an integer from 5 to 3600 (seconds)")
              .default(60)
              .describe("Seconds between checks; the shortest allowed depends on the Cloudflare plan."),
            timeout: integer(1, 10, "an integer from 1 to 10 (seconds)")
              .default(5)
              .describe("Seconds before a check times out; must be shorter than interval."),
            retries: integer(0, 5, "an integer from 0 to 5")
              .default(2)
              .describe("Immediate retries after a timeout before a check counts as failed."),
          })
          .prefault({})
          .superRefine((m, ctx) => {
            if (m.timeout >= m.interval) {
              ctx.addIssue({
                code: "custom",
                path: ["timeout"],
                input: m.timeout,
                message: `must be shorter than interval (${m.interval} s)`,
              });
            }
          })
          .describe("The Cloudflare monitor; `healthCheck.failureThreshold` is its consecutiveDown."),
        cloudflareFallbackRegion: dnsLabel.optional().meta({
          description: "Cloudflare's fallback pool (used when every pool is unhealthy): a region label.",
          defaultText: "the first region by stack name",
        }),
        turnHostname: z
          .string({ error: "must be a hostname such as turn.livekit.example.com" })
          .regex(DOMAIN, { error: "must be a lowercase hostname such as turn.livekit.example.com" })
          .optional()
          .meta({
            description:
              "A global TURN name, latency-routed to each region's NLB like `<domain>` is to its ALB; DNS-only; must differ from `domain`. Without it, LiveKit hands clients their region's own `turn-<label>.<domain>`.",
            defaultText: "none",
          }),
      })
      .describe("The DNS zone that holds `domain`, and how the global name is routed."),
    stackReferences: z
      .strictObject({
        organization: z
          .string()
          .min(1)
          .default("organization")
          .describe("`organization` on a self-managed backend; your org on Pulumi Cloud."),
        project: z.string().min(1).default(PROJECT).describe("Pulumi project of the region stacks."),
      })
      .prefault({})
      .describe("Where the region stacks' outputs are read from: `<organization>/<project>/<stack>`."),
  })
  .superRefine((cfg, ctx) => {
    requireCloudflareAccount(cfg.dns, ctx, ["dns"]);
    if (cfg.dns.turnHostname === cfg.domain) {
      ctx.addIssue({
        code: "custom",
        path: ["dns", "turnHostname"],
        input: cfg.dns.turnHostname,
        message: "must differ from domain (signalling and TURN go to different load balancers)",
      });
    }
  });

export type GlobalStackConfig = z.infer<typeof globalSchema> & { stackName: string };
export type StackConfig = RegionStackConfig | GlobalStackConfig;
export type StackRole = StackConfig["role"];

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
 * Parses a stack's settings with `schema`, or throws the first problem as an InputError. A key the schema does
 * not know is "not a setting this stack reads" unless its object words that itself (a room mix's fields), or it
 * is a removed setting (said so, with what to do instead).
 */
function parseSettings<T extends z.ZodType>(schema: T, raw: unknown, settings: readonly string[]): z.output<T> {
  const result = schema.safeParse(raw, {
    reportInput: true,
    error: (issue) => {
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
      return text;
    }
  }
  return text;
}

/**
 * Validates a stack's raw config (`{"aws:region": "ap-south-1", "livekit-platform:network": "{...}"}`,
 * as Pulumi hands it to the program) and returns typed settings, or throws an InputError.
 */
export function parseStackConfig(
  rawConfig: Record<string, string>,
  stackName: string,
  secretKeys: readonly string[] = [],
): StackConfig {
  // Keys of other namespaces first: a misspelt namespace would otherwise surface as a missing role.
  const settings = [...new Set([...Object.keys(regionSchema.shape), ...Object.keys(globalSchema.shape)])].filter(
    (s) => s !== "awsRegion",
  );
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
    if (namespace === PROJECT) raw[name] = decodeConfigValue(text);
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
  const [own, other] = role === "region" ? [regionSchema, globalSchema] : [globalSchema, regionSchema];
  const misplaced = Object.keys(raw).find((k) => !(k in own.shape) && k in other.shape);
  if (misplaced !== undefined) {
    throw new InputError(
      configKey(["role"]),
      `is ${role}, but the file sets ${configKey([misplaced])}, a setting of ${role === "region" ? "the global" : "a region"} stack (wrong role?)`,
      role,
    );
  }
  if (role === "region" && raw.regionLabel === undefined) raw.regionLabel = stackName;

  if (role === "global") return { ...parseSettings(globalSchema, raw, Object.keys(globalSchema.shape)), stackName };
  const cfg = parseSettings(regionSchema, raw, Object.keys(regionSchema.shape));
  // The superRefine above has made sure applicationKeys is there.
  const applicationKeys = cfg.applicationKeys!;
  // A global-rooms member runs no Redis of its own (it shares the hub's): none in its cost either. The hub's
  // Redis is sized for its members too once the region stack has read their files (stacks/rooms.ts).
  const member = cfg.rooms.mode === "global" && cfg.rooms.hub !== stackName;
  return {
    ...cfg,
    applicationKeys,
    stackName,
    sizing: regionSizing(cfg, member ? { role: "member" } : undefined),
    awsAccess: awsAccessOf(rawConfig),
  };
}

/** The region's sizes; a demand the model cannot place (a room larger than a node) is an InputError. */
export function regionSizing(cfg: z.infer<typeof regionSchema>, rooms?: SizingSettings["rooms"]): RegionSizing {
  return sizeRegion({
    capacity: cfg.capacity,
    turn: cfg.turn,
    sfuNodes: cfg.cluster.sfuNodes,
    karpenter: cfg.karpenter,
    redis: cfg.redis,
    rooms,
    cost: {
      ...cfg.cost,
      awsRegion: cfg.awsRegion,
      availabilityZones: cfg.network.availabilityZones,
      natGateways: cfg.network.natGateways === "single" ? 1 : cfg.network.availabilityZones,
      systemNodes: cfg.cluster.systemNodes,
      recordingRetentionDays: cfg.egress.recordingRetentionDays,
      prometheusVolumeGiB: Number.parseInt(cfg.monitoring.volumeSize, 10),
    },
  });
}

function splitKey(key: string): [string, string] {
  const colon = key.indexOf(":");
  return colon < 0 ? [PROJECT, key] : [key.slice(0, colon), key.slice(colon + 1)];
}

/** Reads this stack's config from the Pulumi runtime. Call once, at the start of the program. */
export function loadStackConfig(): StackConfig {
  const config = pulumi.runtime.allConfig();
  return parseStackConfig(config, pulumi.getStack(), configSecretKeys(config));
}
