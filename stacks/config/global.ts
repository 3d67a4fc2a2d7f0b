/**
 * The global stack's settings: the one domain users connect to, the DNS zone that holds it, how the name is
 * routed to the nearest healthy region (Route53 health checks, or Cloudflare steering and monitors), and where
 * the region stacks' outputs are read from.
 */
import { z } from "zod";
import { partitionOfRegion } from "../../lib/aws-partitions";
import { route53HealthCheckerRegions } from "../../lib/aws-regions";
import { wholeNumber } from "../../lib/schema";
import { PROJECT } from "../config-key";
import {
  addRuleIssues,
  awsRegion,
  cloudflareAccountGiven,
  dnsLabel,
  dnsZone,
  DOMAIN,
  domain,
  RuleIssue,
  zoneIdOfItsProvider,
} from "./fields";

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

/** Signalling and TURN go to different load balancers. */
function turnHostnameApart(cfg: { domain: string; dns: { turnHostname?: string } }): RuleIssue | undefined {
  if (cfg.dns.turnHostname !== cfg.domain) return undefined;
  return {
    path: ["dns", "turnHostname"],
    problem: "must differ from domain (signalling and TURN go to different load balancers)",
    value: cfg.dns.turnHostname,
  };
}

/**
 * Route53 routing health-checks each region from the commercial health-checker regions
 * (dns.healthCheck.checkerRegions); which checker regions a GovCloud or China hosted zone's checks run from is not
 * verified, so the global stack routes with Route53 from a commercial region only.
 */
function route53GlobalInCommercialPartition(cfg: {
  awsRegion: string;
  dns: { provider: string };
}): RuleIssue | undefined {
  const partition = partitionOfRegion(cfg.awsRegion);
  if (cfg.dns.provider !== "route53" || partition === "aws") return undefined;
  return {
    path: ["awsRegion"],
    problem: `is in the ${partition} partition, where Route53 health checks' checker regions are not verified: run the global stack in a commercial region, or route with dns.provider cloudflare`,
    value: cfg.awsRegion,
  };
}

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
            failureThreshold: wholeNumber(1, 10, "an integer from 1 to 10")
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
            interval: wholeNumber(5, 3600, "an integer from 5 to 3600 (seconds)")
              .default(60)
              .describe("Seconds between checks; the shortest allowed depends on the Cloudflare plan."),
            timeout: wholeNumber(1, 10, "an integer from 1 to 10 (seconds)")
              .default(5)
              .describe("Seconds before a check times out; must be shorter than interval."),
            retries: wholeNumber(0, 5, "an integer from 0 to 5")
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
          .string({ error: "must be a Pulumi organization name" })
          .min(1)
          .default("organization")
          .describe("`organization` on a self-managed backend; your org on Pulumi Cloud."),
        project: z
          .string({ error: "must be a Pulumi project name" })
          .min(1)
          .default(PROJECT)
          .describe("Pulumi project of the region stacks."),
      })
      .prefault({})
      .describe("Where the region stacks' outputs are read from: `<organization>/<project>/<stack>`."),
  })
  .superRefine((cfg, ctx) => {
    addRuleIssues(ctx, [cloudflareAccountGiven(cfg.dns), zoneIdOfItsProvider(cfg.dns)], ["dns"]);
    addRuleIssues(ctx, [turnHostnameApart(cfg), route53GlobalInCommercialPartition(cfg)]);
  });

export type GlobalSettings = z.output<typeof globalSchema> & { stackName: string };
