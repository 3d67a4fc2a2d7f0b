/** `livekit-platform:auditLogs`: who touched what in the region (components/audit-logs). */
import { z } from "zod";
import { DEFAULT_PLATFORM } from "../../../lib/capacity";
import { keptDays } from "../../../lib/schema";
import { cloudWatchRetentionDays } from "../fields";

export const auditLogs = z
  .strictObject({
    retentionDays: keptDays
      .default(365)
      .describe(
        "Days S3 keeps an access log (who read or deleted a recording, the ALB's requests, the NLB's TLS connections); at least egress.recordingRetentionDays.",
      ),
    flowLogRetentionDays: cloudWatchRetentionDays
      .default(DEFAULT_PLATFORM.flowLogRetentionDays)
      .describe("Days CloudWatch Logs keeps the VPC's flow log (a value CloudWatch accepts)."),
  })
  .prefault({})
  .describe("The region's audit trail: access logs in a log bucket, and the VPC's flow log (docs/security.md).");
