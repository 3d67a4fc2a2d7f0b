/**
 * `livekit-platform:domain`, `regionLabel` and `dns`: the names a region serves (`<regionLabel>.<domain>`,
 * `turn-<regionLabel>.<domain>`, the global `<domain>`) and the zone they live in.
 */
import { z } from "zod";
import { dnsLabelUpTo, dnsZone, domain as domainName } from "../fields";

/** Longest region label: every AWS name derived from it then fits its limit. */
export const REGION_LABEL_MAX = 25;

export const domain = domainName.describe(
  "The platform's domain, the same in every stack: this region serves `<regionLabel>.<domain>`, `turn-<regionLabel>.<domain>` and the global name `<domain>`. `turn-<regionLabel>.<domain>` is a certificate's first name: at most 64 characters (ACM).",
);

export const regionLabel = dnsLabelUpTo(REGION_LABEL_MAX, "AWS names are derived from it")
  .refine((label) => !label.includes("--"), {
    error: 'must not contain "--" (ElastiCache ids refuse consecutive hyphens)',
  })
  .meta({
    description:
      "Names this region in hostnames (`<regionLabel>.<domain>`, `turn-<regionLabel>.<domain>`) and in AWS names derived from it (ElastiCache id `livekit-<label>`: 40 characters; IAM roles and EventBridge rules 64; S3 buckets 63): at most 25 characters, no `--`.",
    defaultText: "the stack's name",
  });

export const dns = dnsZone
  .extend({
    ownsGlobalNameValidation: z
      .boolean({ error: "must be true or false" })
      .default(false)
      .describe(
        "Every region's certificate covers `<domain>`, and ACM asks each for the same validation record: exactly one region stack (true) creates it, and keeps it when destroyed; the others only wait for it.",
      ),
  })
  .describe("Where the region's own hostnames live; the global stack uses the same zone.");
