/**
 * `livekit-platform:rtc`, `turn` and `livekit`: LiveKit's WebRTC ports, Coturn beside it on the SFU nodes, and
 * the LiveKit server's own settings.
 */
import { z } from "zod";
import { SFU_EPHEMERAL_PORTS } from "../../../components/cluster/node-user-data";
import { LIVEKIT_DEFAULT_ROOM } from "../../../components/livekit/server-config";
import { wholeNumber } from "../../../lib/schema";
import { port, portRange } from "../fields";
import { turnSharedSecret } from "./credentials";

/** LiveKit webhook receivers: https only (the body is signed, not encrypted), no credentials in the URL. */
const webhookUrl = z.string({ error: "must be an https:// URL" }).refine(
  (value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    // A URL with a special scheme always has a host (the URL parser refuses "https://" without one).
    return url.protocol === "https:" && url.username === "" && url.password === "";
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

const EPHEMERAL = `${SFU_EPHEMERAL_PORTS.start}-${SFU_EPHEMERAL_PORTS.end}`;

/** The media ports' defaults, clear of the host network's fixed ports and of the nodes' ephemeral ports. */
export const MEDIA_PORTS_DEFAULT = {
  rtcUdp: { start: 50000, end: 60000 },
  rtcTcp: 7881,
  turnRelay: { start: 40000, end: 49999 },
} as const;

export const rtc = z
  .strictObject({
    udpPortRange: portRange
      .default(MEDIA_PORTS_DEFAULT.rtcUdp)
      .describe(
        `ICE/UDP ports LiveKit binds on the node (two per participant); clear of the nodes' ephemeral ports ${EPHEMERAL}.`,
      ),
    tcpPort: port.default(MEDIA_PORTS_DEFAULT.rtcTcp).describe("ICE/TCP fallback port."),
  })
  .prefault({})
  .describe("LiveKit's WebRTC ports on the SFU nodes' host network, open to the internet.");

export const turn = z
  .strictObject({
    relayPortRange: portRange
      .default(MEDIA_PORTS_DEFAULT.turnRelay)
      .describe(
        `Coturn relay ports; must not overlap rtc.udpPortRange (both bind the node's host network) nor the nodes' ephemeral ports ${EPHEMERAL}.`,
      ),
    userQuota: wholeNumber(1, 1000, "an integer from 1 to 1000")
      .default(12)
      .describe("Concurrent relay allocations per TURN username (one participant); stops one client hogging ports."),
    totalQuota: wholeNumber(1, 65535, "an integer from 1 to 65535").optional().meta({
      description:
        "Concurrent allocations per Coturn node (each takes one relay port), overriding the capacity model: every participant makes up to four (two PeerConnections, two TURN servers), relayed or not; at least the allocations of a node's participants at peak.",
      defaultText: "from the capacity model: the allocations of a node's participants at peak, twice over",
    }),
    sharedSecret: turnSharedSecret.describe(
      'Generations of the shared secret LiveKit mints TURN credentials with and Coturn checks them with. Rotate in three `pulumi up`s without refusing a relay: add the new one to alsoAccepted, make it current, drop the old one (docs/credentials.md, "The TURN shared secret").',
    ),
  })
  .prefault({})
  .describe("Coturn, the TURN server on the SFU nodes.");

export const livekit = z
  .strictObject({
    logLevel: z
      .enum(["debug", "info", "warn", "error"], { error: 'must be "debug", "info", "warn" or "error"' })
      .default("info")
      .describe("LiveKit server log level."),
    emptyTimeoutSeconds: wholeNumber(0, 86_400, "seconds from 0 to 86400")
      .default(LIVEKIT_DEFAULT_ROOM.emptyTimeoutSeconds)
      .describe("Seconds an empty room stays open for its first participant."),
    departureTimeoutSeconds: wholeNumber(0, 86_400, "seconds from 0 to 86400")
      .default(LIVEKIT_DEFAULT_ROOM.departureTimeoutSeconds)
      .describe("Seconds a room stays open after its last participant left."),
    maxParticipantsPerRoom: wholeNumber(0, 100_000, "an integer from 0 (the mix's largest room) to 100000")
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
  .describe("LiveKit server settings.");
