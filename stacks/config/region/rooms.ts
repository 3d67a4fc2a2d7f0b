/**
 * `livekit-platform:rooms`: where a room can be joined from (docs/rooms-across-regions.md).
 *
 * - `regional` (the default): every region has its own Redis and its rooms are its own; the application pins
 *   each room to a region (examples/token-service).
 * - `global`: LiveKit's distributed mode. Every region's SFU and egress nodes share the Redis of one region
 *   stack, the hub, over inter-region VPC peering; a participant joins through the nearest region's signalling
 *   and a new room is placed in the region nearest its first participant (`node_selector: regionaware`).
 *
 * stacks/rooms.ts builds what it asks for.
 */
import { z } from "zod";

const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export const rooms = z
  .strictObject({
    mode: z
      .enum(["regional", "global"], { error: 'must be "regional" or "global"' })
      .default("regional")
      .describe(
        "`regional`: each region has its own Redis and its own rooms (pin rooms with the token service); `global`: LiveKit's distributed mode, every region shares the hub's Redis and a room can be joined from any region. The same in every region file.",
      ),
    hub: z
      // The string's error words its pattern's failure too (zod 4: a check without its own takes the schema's).
      .string({ error: "must be the stack name of the hub region, such as mumbai" })
      .regex(STACK_NAME)
      .optional()
      .meta({
        description:
          "With mode global, required: the stack name of the region stack whose Redis every region shares (deploy it first). The same in every region file.",
        defaultText: "none",
      }),
  })
  .prefault({})
  .superRefine((rooms, ctx) => {
    if (rooms.mode === "global" && rooms.hub === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["hub"],
        input: undefined,
        message: "is required with mode global (the stack name of the region whose Redis every region shares)",
      });
    }
    if (rooms.mode === "regional" && rooms.hub !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["hub"],
        input: rooms.hub,
        message: "is only read with mode global (set mode: global, or remove hub)",
      });
    }
  })
  .describe(
    "Rooms per region (`regional`, the default) or across regions through one shared Redis hub (`global`); see docs/rooms-across-regions.md.",
  );
