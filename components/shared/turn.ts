/**
 * TURN facts that LiveKit (which advertises the TURN servers) and the endpoints and Coturn (which serve
 * them) must agree on.
 */
import type { SecretKeyRef } from "./pods";

/** Coturn's plain TURN/STUN listener advertised to clients as `turn:<host>:3478?transport=udp`. */
export const TURN_UDP_PORT = 3478;
/** TURN over TLS as clients reach it: the NLB's TLS listener, advertised as `turns:<host>:443?transport=tcp`. */
export const TURN_TLS_PORT = 443;

/** Key of the TURN shared secret in its Secret: Coturn's static-auth-secret, LiveKit's `rtc.turn_servers[].secret`. */
export const TURN_SECRET_KEY = "static-auth-secret";

/**
 * Secret key holding every TURN secret Coturn accepts, one per line, the current one first. Present only while
 * two generations are accepted (a rotation); Coturn then reads it instead of {@link TURN_SECRET_KEY}.
 */
export const TURN_ACCEPTED_SECRETS_KEY = "static-auth-secrets";

/**
 * The generations of the TURN shared secret, by label (docs/credentials.md, "The TURN shared secret"). LiveKit mints
 * credentials with the current one only; Coturn accepts a credential minted with any accepted one, since it
 * takes several `static-auth-secret` lines (src/apps/relay/mainrelay.c and userdb.c at coturn 4.17.0).
 */
export interface TurnSecretGenerations {
  /** The generation LiveKit mints TURN credentials with. */
  current: string;
  /** During a rotation, the one other generation Coturn accepts: the next one, or the one being retired. */
  alsoAccepted: readonly string[];
}

/**
 * The generation every stack had before generations were named. Its RandomPassword keeps the name the single
 * secret always had, and pods running it alone carry no generation annotation, so upgrading replaces and rolls
 * nothing.
 */
export const INITIAL_TURN_SECRET_GENERATION = "1";

/** The generations Coturn accepts, the current one first. */
export function acceptedTurnSecretGenerations(generations: TurnSecretGenerations): string[] {
  return [generations.current, ...generations.alsoAccepted.filter((label) => label !== generations.current)];
}

/** LiveKit pod annotation: the generation it mints with (it reads the secret at start, so a change rolls it). */
export const TURN_SECRET_GENERATION_ANNOTATION = "livekit-platform/turn-secret-generation";
/** Coturn pod annotation: the set of generations it accepts (it reads them at start, so a change rolls it). */
export const TURN_SECRET_GENERATIONS_ANNOTATION = "livekit-platform/turn-secret-generations";

/**
 * The pod annotation `name` naming the generations `labels` as a set (sorted, comma-separated): labels only,
 * never a secret. Empty for the initial generation alone, which is what every pod ran before generations were
 * named; absence stands for it, so any change of the set still changes the pod template.
 */
export function turnSecretGenerationsAnnotation(name: string, labels: readonly string[]): Record<string, string> {
  const set = [...new Set(labels)].sort();
  if (set.length === 1 && set[0] === INITIAL_TURN_SECRET_GENERATION) return {};
  return { [name]: set.join(",") };
}

/** Where Coturn reads the TURN secrets it accepts: the credentials' TURN Secret and key, and their generations. */
export interface AcceptedTurnSecrets extends SecretKeyRef {
  /**
   * The accepted generations, the current one first. With one, `key` holds the secret itself; with two (a
   * rotation), `key` is {@link TURN_ACCEPTED_SECRETS_KEY}, one secret per line in this order.
   */
  generations: readonly string[];
}
