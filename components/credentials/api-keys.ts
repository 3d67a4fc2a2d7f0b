/**
 * The API keys in livekit-server's key file: the application's, and one pair per other consumer (egress, the load
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
 * Pure (no Pulumi): the config schema, the Credentials component and the stacks' checks all read it.
 */
import { createHash } from "crypto";
import { invariant } from "../shared/invariant";
import { toYaml } from "../shared/yaml";

/** Prefixes of the egress and load-test key ids: the id alone says which consumer a key belongs to. */
export const SERVICE_KEY_PREFIXES = { egress: "EGRESS", loadTest: "LOADTEST" } as const;

export type ServiceKeyConsumer = keyof typeof SERVICE_KEY_PREFIXES;

/**
 * Data keys of the API key Secret: the key file livekit-server reads (every consumer's keys), and the load
 * tests' own pair (the Job and k6 read it from here). Egress's pair goes into egress's own config Secret;
 * the application's comes from stack config and never needs the cluster.
 */
export const API_KEY_SECRET_KEYS = {
  keyFile: "keys.yaml",
  loadTestApiKey: "load-test-api-key",
  loadTestApiSecret: "load-test-api-secret",
  egressApiKey: "egress-api-key",
  egressApiSecret: "egress-api-secret",
} as const;

/** An API key with its secret, once every value is known. */
export interface ApiKey {
  id: string;
  secret: string;
}

/**
 * Every key of a region's key file, key id -> secret: the application's and the other consumers'. One id twice
 * would leave one of the two secrets out of the file, so it is refused (the config schema already refuses a
 * configured service key that reuses an application key's id; a generated one could only collide by chance).
 */
export function keyFileKeys(application: readonly ApiKey[], services: readonly ApiKey[]): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const { id, secret } of services) keys[id] = secret;
  for (const { id, secret } of application) {
    invariant(!Object.hasOwn(keys, id), "credentials applicationKeys", "must not reuse another key's id", id);
    keys[id] = secret;
  }
  return keys;
}

/**
 * The API keys file that livekit-server's `key_file` points at: one `<key>: <secret>` line per key, sorted.
 * livekit-server refuses to start without a key.
 */
export function renderKeyFile(keys: Readonly<Record<string, string>>): string {
  const names = Object.keys(keys).sort();
  invariant(names.length > 0, "API keys", "must hold at least one API key", names);
  const sorted: Record<string, string> = {};
  for (const name of names) sorted[name] = keys[name];
  return toYaml(sorted);
}

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
