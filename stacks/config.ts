/**
 * The stack configuration: one schema per stack role, read once, validated before any resource exists.
 *
 * This is the only module that reads Pulumi config. Components receive the plain, typed settings it
 * returns. A bad value stops the program with one line that names the key, says what is expected and
 * shows what was given: `<key>: <what is wrong>, got <value>`. It is a `pulumi.RunError`, so
 * `pulumi up` prints that line without a stack trace, and the plan command prints it as `error: ...`.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { awsRegionNames, route53HealthCheckerRegions } from "../lib/aws-regions";
import { parseCidr } from "../components/network/subnets";
import type { MixSpec } from "../lib/capacity";
import { versions } from "../lib/versions";
import { RegionSizing, sizeRegion, SizingError } from "./sizing";

/** The Pulumi project name; config keys of this program are `livekit-platform:<key>`. */
export const PROJECT = "livekit-platform";

/** A stack configuration value that the program cannot run with. */
export class ConfigError extends pulumi.RunError {
  constructor(
    readonly key: string,
    readonly problem: string,
    readonly value: unknown,
  ) {
    super(`${key}: ${problem}, got ${describeValue(value)}`);
    this.name = "ConfigError";
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  return JSON.stringify(value);
}

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
  .strictObject({ start: port, end: port })
  .refine((r) => r.start <= r.end, { error: "start must not exceed end" });

const instanceType = z
  .string({ error: "must be an EC2 instance type such as c6i.2xlarge" })
  .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "must be an EC2 instance type such as c6i.2xlarge" });

const nodeGroup = (defaults: { instanceType: string; min: number; max: number }) =>
  z
    .strictObject({
      instanceType: instanceType.default(defaults.instanceType),
      min: positiveInt.default(defaults.min),
      max: positiveInt.default(defaults.max),
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
  provider: dnsProvider.default("route53"),
  /** Route53 hosted zone id, or Cloudflare zone id, of the zone that holds `domain`. */
  zoneId: z.string({ error: "must be the id of the DNS zone that holds the domain" }).min(1),
  /** Cloudflare account id (32 hex characters); required with provider cloudflare. */
  cloudflareAccountId: z
    .string()
    .regex(/^[0-9a-f]{32}$/, { error: "must be a Cloudflare account id (32 hex characters)" })
    .optional(),
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
}

// ---------------------------------------------------------------------------------------------
// Region stacks
// ---------------------------------------------------------------------------------------------

const regionSchema = z
  .strictObject({
    role: z.literal("region"),
    awsRegion,
    domain,
    /**
     * Names this region in hostnames (`<regionLabel>.<domain>`, `turn-<regionLabel>.<domain>`) and in AWS
     * names derived from it (ElastiCache id `livekit-<label>`: 40 characters, no `--`; IAM roles and
     * EventBridge rules 64; S3 buckets 63): at most 25 characters, no `--`.
     */
    regionLabel: dnsLabel
      .max(REGION_LABEL_MAX, {
        error: `must be at most ${REGION_LABEL_MAX} characters (AWS names are derived from it)`,
      })
      .refine((label) => !label.includes("--"), {
        error: 'must not contain "--" (ElastiCache ids refuse consecutive hyphens)',
      }),
    network: z
      .strictObject({
        /** VPC CIDR; split into private subnets (first half) and public subnets (third quarter). */
        cidr: ipv4Cidr(16, 20).default("10.0.0.0/16"),
        availabilityZones: integer(2, 4, "an integer from 2 to 4").default(3),
        /** One NAT gateway per AZ survives an AZ outage; one in total is cheaper. */
        natGateways: z.enum(["perAz", "single"], { error: 'must be "perAz" or "single"' }).default("perAz"),
        /** Use an existing VPC instead of creating one. */
        existingVpc: z.strictObject({ vpcId, publicSubnetIds: subnetIds, privateSubnetIds: subnetIds }).optional(),
      })
      .prefault({}),
    cluster: z.strictObject(
      {
        kubernetesVersion: z
          .string()
          .regex(/^1\.\d{2}$/, { error: 'must be a Kubernetes minor version such as "1.35"' })
          .default(versions.kubernetes),
        /**
         * Who may reach the Kubernetes API endpoint from the internet; no default, so exposing it is a choice.
         * `[]`: private endpoint only (Pulumi and kubectl then run from inside the VPC or over a VPN).
         */
        publicAccessCidrs: z.array(ipv4Cidr(0, 32), {
          error: "must be set: a list of CIDRs allowed to reach the Kubernetes API, or [] for a private endpoint only",
        }),
        /** Cluster add-ons, Karpenter, monitoring: private subnets, at least one node per availability zone. */
        systemNodes: nodeGroup({ instanceType: "m6i.xlarge", min: 3, max: 6 }),
        /** Days CloudWatch keeps the control-plane logs (a value CloudWatch accepts). */
        logRetentionDays: z
          .number({ error: "must be a number of days CloudWatch accepts" })
          .refine((d) => LOG_RETENTION_DAYS.includes(d), {
            error: `must be one of ${LOG_RETENTION_DAYS.join(", ")} (days CloudWatch accepts)`,
          })
          .default(30),
        /** IAM roles of the team's admins and CI, given cluster-admin access (besides the creator of the cluster). */
        adminRoleArns: z
          .array(
            z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, {
              error: "must be an IAM role ARN such as arn:aws:iam::123456789012:role/platform-admin",
            }),
          )
          .default([]),
        /**
         * LiveKit SFU nodes: public subnets, one LiveKit pod per node. min and max come from the capacity
         * model; set them only to override it (the plan reports every override).
         */
        sfuNodes: z
          .strictObject({
            instanceType: instanceType.default("c6i.2xlarge"),
            min: positiveInt.optional(),
            max: positiveInt.optional(),
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
          }),
      },
      { error: "must be set (at least cluster.publicAccessCidrs)" },
    ),
    /**
     * The demand this region is sized for: participants at peak and the rooms they are in. The capacity
     * model (lib/capacity/index.ts) turns it into node group bounds, Karpenter limits and autoscaler bounds.
     */
    capacity: z
      .strictObject({
        /** Concurrent participants at peak in this region. */
        targetParticipants: integer(1, 1_000_000, "a positive integer (concurrent participants at peak)").default(
          25_000,
        ),
        /** A preset (meetings, webinar, livestream, audio, voice-calls, mixed) or a custom mix (see lib/capacity/room-mix.ts). */
        mix: z
          .union([z.string(), z.record(z.string(), z.unknown())], {
            error: "must be a room mix preset name or a custom mix object",
          })
          .default("mixed"),
        /** Share of a node's CPU and bandwidth used at peak; the rest is headroom for spikes. */
        targetUtilisation: z
          .number({ error: "must be a fraction above 0 and at most 1, such as 0.6" })
          .gt(0, { error: "must be a fraction above 0 and at most 1, such as 0.6" })
          .max(1, { error: "must be a fraction above 0 and at most 1, such as 0.6" })
          .default(0.6),
        /** Share of rooms recorded (room composite egress). */
        recordingShare: z
          .number({ error: "must be a fraction from 0 to 1" })
          .min(0, { error: "must be a fraction from 0 to 1" })
          .max(1, { error: "must be a fraction from 0 to 1" })
          .default(0.05),
        /** SFU work per vCPU relative to LiveKit's benchmark machine, from your own load test (1 = as benchmarked). */
        cpuEfficiency: z
          .number({ error: "must be a factor from 0.1 to 10" })
          .min(0.1, { error: "must be a factor from 0.1 to 10" })
          .max(10, { error: "must be a factor from 0.1 to 10" })
          .default(1),
        /** Instance type of the egress NodePool's nodes, for the egress sizing. */
        egressNodeType: instanceType.default("c6i.4xlarge"),
      })
      .prefault({}),
    /**
     * `protect` (and EKS deletion protection) on the cluster, the Redis replication group and the recordings
     * bucket: `pulumi destroy` and replacements stop at them. Set false (and `pulumi up`) before a teardown.
     */
    protect: z
      .preprocess(
        (v) => (v === "true" ? true : v === "false" ? false : v),
        z.boolean({ error: "must be true or false" }),
      )
      .default(true),
    /** Karpenter launches every SFU, egress and general node, up to these vCPU totals per NodePool. */
    karpenter: z
      .strictObject({
        /** SFU nodes (on-demand, public subnets); from the capacity model unless set. */
        sfuCpuLimit: cpuLimit.optional(),
        /** LiveKit Egress (recording) nodes; from the capacity model unless set. */
        egressCpuLimit: cpuLimit.optional(),
        /** Anything else that does not fit on system nodes (spot allowed). */
        generalCpuLimit: cpuLimit.default(32),
        /**
         * Create the account's EC2 Spot service-linked role, which the general pool needs for spot. Once per
         * account: true in one region stack file; false where the role exists already.
         */
        createSpotServiceLinkedRole: z.boolean({ error: "must be true or false" }).default(false),
      })
      .prefault({}),
    /** ElastiCache (Valkey) replication group shared by LiveKit and Egress. */
    redis: z
      .strictObject({
        nodeType: z
          .string({ error: "must be an ElastiCache node type such as cache.r7g.large" })
          .regex(/^cache\.[a-z0-9-]+\.[a-z0-9]+$/, {
            error: "must be an ElastiCache node type such as cache.r7g.large",
          })
          .default("cache.r7g.large"),
        /** A primary and its replicas, in different availability zones. */
        nodeCount: integer(
          2,
          6,
          "an integer from 2 to 6 (a primary and 1-5 replicas; failover needs a replica)",
        ).default(2),
      })
      .prefault({}),
    rtc: z
      .strictObject({
        /** ICE/UDP ports LiveKit binds on the node (two per participant). */
        udpPortRange: portRange.default({ start: 50000, end: 60000 }),
        /** ICE/TCP fallback port. */
        tcpPort: port.default(7881),
      })
      .prefault({}),
    turn: z
      .strictObject({
        /** Coturn relay ports; must not overlap rtc.udpPortRange (both bind the node's host network). */
        relayPortRange: portRange.default({ start: 40000, end: 49999 }),
        /** Concurrent relay allocations per TURN username (one participant); stops one client hogging ports. */
        userQuota: integer(1, 1000, "an integer from 1 to 1000").default(12),
        /** Concurrent relay allocations per Coturn node (each takes one relay port). */
        totalQuota: integer(1, 65535, "an integer from 1 to 65535").default(8000),
      })
      .prefault({}),
    livekit: z
      .strictObject({
        logLevel: z
          .enum(["debug", "info", "warn", "error"], { error: 'must be "debug", "info", "warn" or "error"' })
          .default("info"),
        /** Seconds an empty room stays open for its first participant. */
        emptyTimeoutSeconds: integer(0, 86_400, "seconds from 0 to 86400").default(300),
        /** Seconds a room stays open after its last participant left. */
        departureTimeoutSeconds: integer(0, 86_400, "seconds from 0 to 86400").default(20),
        /** Participants per room; 0 is no limit (the capacity model still refuses rooms larger than a node). */
        maxParticipantsPerRoom: integer(0, 100_000, "an integer from 0 (no limit) to 100000").default(0),
      })
      .prefault({}),
    egress: z
      .strictObject({
        /** Days S3 keeps a recording. */
        recordingRetentionDays: integer(1, 3650, "a number of days from 1 to 3650").default(30),
      })
      .prefault({}),
    monitoring: z
      .strictObject({
        retention: z
          .string()
          .regex(/^\d+[dhw]$/, { error: 'must be a Prometheus duration such as "15d"' })
          .default("15d"),
        retentionSize: z
          .string()
          .regex(/^\d+(GB|TB)$/, { error: 'must be a size such as "90GB"' })
          .default("90GB"),
        volumeSize: z
          .string()
          .regex(/^\d+Gi$/, { error: 'must be a volume size such as "100Gi"' })
          .default("100Gi"),
      })
      .prefault({}),
    /**
     * Where Alertmanager sends alerts: always an SNS topic the stack creates (subscribe to it, or list emails
     * here); optionally Slack and PagerDuty, and a dead-man's switch for the Watchdog heartbeat. Set the
     * URLs and keys as secrets: `pulumi config set --secret --path 'livekit-platform:alerting.slackWebhookUrl' <url>`.
     */
    alerting: z
      .strictObject({
        emailSubscriptions: z
          .array(z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: "must be an email address" }))
          .default([]),
        slackWebhookUrl: z
          .string()
          .regex(/^https:\/\/hooks\.slack\.com\//, {
            error: "must be a Slack incoming-webhook URL (https://hooks.slack.com/...)",
          })
          .optional(),
        pagerDutyRoutingKey: z
          .string()
          .regex(/^[a-zA-Z0-9]{32}$/, { error: "must be a PagerDuty Events API v2 routing key (32 characters)" })
          .optional(),
        heartbeatUrl: z
          .string()
          .regex(/^https:\/\//, { error: "must be an https:// URL" })
          .optional(),
      })
      .prefault({}),
    /** Checks before anything is created. */
    preflight: z
      .strictObject({
        /** Compare the EC2 On-Demand vCPU quota (Service Quotas, L-1216C47A) with the region's needs. */
        vcpuQuota: z.boolean({ error: "must be true or false" }).default(true),
      })
      .prefault({}),
    /** AWS FIS chaos drills (see README, "Chaos drills"); off unless enabled. */
    chaos: z
      .strictObject({
        enabled: z.boolean({ error: "must be true or false" }).default(false),
        sfuNodeTerminationPercent: integer(1, 100, "a percentage from 1 to 100").default(33),
        turnNodeTerminationPercent: integer(1, 100, "a percentage from 1 to 100").default(33),
        livekitPodDeletePercent: integer(1, 100, "a percentage from 1 to 100").default(33),
        logRetentionDays: integer(1, 3650, "a number of days from 1 to 3650").optional(),
      })
      .prefault({}),
    /** The suspended `lk perf load-test` Job (see README, "Load testing"). */
    loadTest: z
      .strictObject({
        rooms: integer(1, 1000, "an integer from 1 to 1000").default(10),
        videoPublishersPerRoom: integer(0, 100, "an integer from 0 to 100").default(2),
        subscribersPerRoom: integer(0, 10_000, "an integer from 0 to 10000").default(18),
        duration: z
          .string()
          .regex(/^\d+[smh]$/, { error: 'must be a duration such as "10m"' })
          .default("10m"),
      })
      .prefault({}),
    dns: dnsZone.extend({
      /**
       * Every region's certificate covers `<domain>`, and ACM asks each for the same validation record:
       * exactly one region stack (true) creates it, and keeps it when destroyed; the others only wait for it.
       */
      ownsGlobalNameValidation: z.boolean({ error: "must be true or false" }).default(false),
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
  });

export type RegionStackConfig = z.infer<typeof regionSchema> & {
  stackName: string;
  /** Sizes derived from `capacity` (and any sizes set by hand). */
  sizing: RegionSizing;
};

// ---------------------------------------------------------------------------------------------
// The global stack
// ---------------------------------------------------------------------------------------------

const globalSchema = z
  .strictObject({
    role: z.literal("global"),
    /** Region of the AWS provider; Route53 itself is global. */
    awsRegion,
    /** Users connect to wss://<domain>; DNS sends them to the nearest healthy region. */
    domain,
    dns: dnsZone.extend({
      healthCheck: z
        .strictObject({
          checkerRegions: z
            .array(
              z.enum(route53HealthCheckerRegions, {
                error: `not a Route53 health-checker region, expected one of ${route53HealthCheckerRegions.join(", ")}`,
              }),
            )
            .min(3, { error: "must list at least three Route53 health-checker regions" })
            .default(["ap-southeast-1", "ap-northeast-1", "eu-west-1"]),
          failureThreshold: integer(1, 10, "an integer from 1 to 10").default(3),
          requestInterval: z.union([z.literal(10), z.literal(30)], { error: "must be 10 or 30 (seconds)" }).default(30),
          /** Route53 latency graphs for each check: an extra charge, and fixed once the check exists. */
          measureLatency: z.boolean({ error: "must be true or false" }).default(false),
        })
        .prefault({}),
      cloudflareSteering: z
        .enum(["dynamic_latency", "proximity"], { error: 'must be "dynamic_latency" or "proximity"' })
        .default("dynamic_latency"),
      /**
       * Cloudflare regions each pool is checked from with dynamic_latency; default the regions nearest the
       * deployed regions. Never ALL_REGIONS (Enterprise plans only).
       */
      cloudflareCheckRegions: z
        .array(
          z.enum(CLOUDFLARE_CHECK_REGIONS, {
            error: `not a Cloudflare check region, expected one of ${CLOUDFLARE_CHECK_REGIONS.join(", ")}`,
          }),
        )
        .min(1, { error: "must list at least one Cloudflare check region" })
        .optional(),
      /** The Cloudflare monitor; `healthCheck.failureThreshold` is its consecutiveDown. */
      cloudflareMonitor: z
        .strictObject({
          /** Seconds between checks; the shortest allowed depends on the Cloudflare plan. */
          interval: integer(5, 3600, "an integer from 5 to 3600 (seconds)").default(60),
          timeout: integer(1, 10, "an integer from 1 to 10 (seconds)").default(5),
          /** Immediate retries after a timeout before a check counts as failed. */
          retries: integer(0, 5, "an integer from 0 to 5").default(2),
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
        }),
      /** Cloudflare's fallback pool (used when every pool is unhealthy): a region label; default the first region. */
      cloudflareFallbackRegion: dnsLabel.optional(),
      /**
       * A global TURN name, latency-routed to each region's NLB like <domain> is to its ALB; DNS-only.
       * Default none: LiveKit hands clients their region's own turn-<label>.<domain>.
       */
      turnHostname: z
        .string({ error: "must be a hostname such as turn.livekit.example.com" })
        .regex(DOMAIN, { error: "must be a lowercase hostname such as turn.livekit.example.com" })
        .optional(),
    }),
    /** Where the region stacks' outputs are read from. */
    stackReferences: z
      .strictObject({
        /** `organization` on a self-managed backend; your org on Pulumi Cloud. */
        organization: z.string().min(1).default("organization"),
        project: z.string().min(1).default(PROJECT),
      })
      .prefault({}),
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

/** Config keys outside this project's namespace that the program reads, by schema field. */
const foreignKeys: Record<string, string> = { awsRegion: "aws:region" };

/** The config key (with path) a schema path refers to, as the user writes it in the stack file. */
function configKey(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  if (head === undefined) return `${PROJECT}:<config>`;
  let key = foreignKeys[head] ?? `${PROJECT}:${head}`;
  for (const part of rest) key += /^\d+$/.test(part) ? `[${part}]` : `.${part}`;
  return key;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = root;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function toConfigError(issue: z.core.$ZodIssue, raw: unknown): ConfigError {
  if (issue.code === "unrecognized_keys") {
    const path = [...issue.path, issue.keys[0]];
    return new ConfigError(configKey(path), "is not a setting this stack reads (a typo?)", valueAt(raw, path));
  }
  const value = "input" in issue ? issue.input : valueAt(raw, issue.path);
  const problem = value === undefined && issue.code !== "custom" ? "is required" : issue.message;
  return new ConfigError(configKey(issue.path), problem, value);
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
 * as Pulumi hands it to the program) and returns typed settings, or throws a ConfigError.
 */
export function parseStackConfig(rawConfig: Record<string, string>, stackName: string): StackConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(rawConfig)) {
    const [namespace, name] = splitKey(key);
    if (namespace === PROJECT) raw[name] = decodeConfigValue(text);
  }
  const region = rawConfig["aws:region"];
  if (region !== undefined) raw.awsRegion = region;

  const role = raw.role;
  if (role !== "region" && role !== "global") {
    throw new ConfigError(
      configKey(["role"]),
      role === undefined
        ? 'is required, expected "region" or "global"'
        : 'unknown stack role, expected "region" or "global"',
      role,
    );
  }
  if (role === "region" && raw.regionLabel === undefined) raw.regionLabel = stackName;

  const schema = role === "region" ? regionSchema : globalSchema;
  const result = schema.safeParse(raw, { reportInput: true });
  if (!result.success) throw toConfigError(result.error.issues[0], raw);
  if (result.data.role === "global") return { ...result.data, stackName };
  return { ...result.data, stackName, sizing: sizeRegionOrThrow(result.data) };
}

/** The region's sizes; a demand the model cannot place (a room larger than a node) is a config error. */
function sizeRegionOrThrow(cfg: z.infer<typeof regionSchema>): RegionSizing {
  try {
    return sizeRegion({
      capacity: { ...cfg.capacity, mix: cfg.capacity.mix as MixSpec },
      sfuNodes: cfg.cluster.sfuNodes,
      karpenter: cfg.karpenter,
    });
  } catch (e) {
    if (e instanceof SizingError) throw new ConfigError(`${PROJECT}:${e.key}`, e.problem, e.value);
    throw e;
  }
}

function splitKey(key: string): [string, string] {
  const colon = key.indexOf(":");
  return colon < 0 ? [PROJECT, key] : [key.slice(0, colon), key.slice(colon + 1)];
}

/** Reads this stack's config from the Pulumi runtime. Call once, at the start of the program. */
export function loadStackConfig(): StackConfig {
  return parseStackConfig(pulumi.runtime.allConfig(), pulumi.getStack());
}
