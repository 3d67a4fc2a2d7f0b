/**
 * The API keys in livekit-server's key file, beside the application's: one pair per consumer (egress, the load
 * tests), generated per region unless stack config gives them.
 *
 * Any key of the file signs participants' tokens. livekit-server v1.13.5 refreshes every connected
 * participant's token at join, every 5 minutes and when its grants change (`RoomManager.refreshToken`,
 * pkg/service/roommanager.go), signing it with `getFirstKeyPair`, which returns the first entry of a range over
 * `conf.Keys`, a Go map (`Keys map[string]string`, pkg/config/config.go, filled from `key_file`): Go randomises
 * map iteration order, so each refresh signs with any key of the file. The client keeps the refreshed token and
 * presents it on its next resume or reconnect, to the URL it connected to (livekit-client v2.21.0
 * src/room/RTCEngine.ts: `onTokenRefresh`, `resumeConnection`, `restartConnection`); the server there accepts it only if its own key file holds that key id with the same secret
 * (pkg/service/auth.go `APIKeyAuthMiddleware`). So every key of a region's file must be valid wherever its
 * participants can reconnect: in its own region always, in every region in global rooms mode.
 *
 * Pure (no Pulumi): the config schema, the LiveKit component and the stacks' checks all read it.
 */
import { createHash } from "crypto";

/** Prefixes of the egress and load-test key ids: the id alone says which consumer a key belongs to. */
export const SERVICE_KEY_PREFIXES = { egress: "EGRESS", loadTest: "LOADTEST" } as const;

export type ServiceKeyConsumer = keyof typeof SERVICE_KEY_PREFIXES;

/**
 * A fingerprint of an API secret: its SHA-256, hex. Regions compare fingerprints to prove they hold the same
 * secret under a key id without handing the secret around; the stacks still export them only as secrets.
 */
export function apiKeyFingerprint(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Key id -> fingerprint of every key of a key file. */
export function apiKeyFingerprints(keys: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(keys)
      .sort()
      .map((id) => [id, apiKeyFingerprint(keys[id])]),
  );
}
