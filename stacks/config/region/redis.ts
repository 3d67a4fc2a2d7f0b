/** `livekit-platform:redis`: the ElastiCache replication group LiveKit and Egress share. */
import { z } from "zod";
import { DEFAULT_PLATFORM } from "../../../lib/capacity";
import { wholeNumber } from "../../../lib/schema";

export const redis = z
  .strictObject({
    nodeType: z
      // The string's error words its pattern's failure too (zod 4: a check without its own takes the schema's).
      .string({ error: "must be an ElastiCache node type such as cache.r7g.large" })
      .regex(/^cache\.[a-z0-9-]+\.[a-z0-9]+$/)
      .optional()
      .meta({
        description:
          "ElastiCache node type, overriding the capacity model (lib/capacity/redis.ts: the smallest r7g that carries the region's signalling, node stats and joins, and in global rooms mode the hub's members' too, at 60%); a type that would run past 100% of its engine, network or memory is refused.",
        defaultText: "from the capacity model",
      }),
    nodeCount: wholeNumber(2, 6, "an integer from 2 to 6 (a primary and 1-5 replicas; failover needs a replica)")
      .default(DEFAULT_PLATFORM.redis.nodeCount)
      .describe("A primary and its replicas, in different availability zones; failover needs a replica."),
  })
  .prefault({})
  .describe("ElastiCache (Valkey) replication group shared by LiveKit and Egress.");
