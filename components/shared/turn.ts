/**
 * TURN facts that LiveKit (which advertises the TURN servers) and the endpoints and Coturn (which serve
 * them) must agree on.
 */

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
