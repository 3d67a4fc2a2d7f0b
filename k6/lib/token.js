// LiveKit access tokens and signalling URLs, for k6. Pure: it needs only k6/crypto's hmac and
// k6/encoding's b64encode (test/k6/token.test.ts runs it in Node with those two shimmed).
//
// Token format (livekit/protocol auth/accesstoken.go, verifier.go): a JWT signed HS256 with the API secret;
// iss = API key, sub = participant identity, nbf/exp (exp is required), grants as top-level claims:
// `name`, `video: { room, roomJoin, ... }`.
// Signalling URL (livekit/livekit pkg/service/rtcservice.go, utils.go ParseClientInfo): `/rtc` with the
// token in `access_token`, plus `auto_subscribe`, `protocol`, `sdk`, `version`. (`/rtc/v1` wants a
// protobuf join_request instead, which k6 cannot build.)
import crypto from "k6/crypto";
import encoding from "k6/encoding";

/** The signalling protocol version the JS client SDK speaks (client-sdk-js src/version.ts). */
export const LIVEKIT_PROTOCOL_VERSION = 16;

/** Default token lifetime: long enough for one join, short enough to be useless if leaked. */
export const DEFAULT_TTL_SECONDS = 600;

/** Tokens count from a little in the past, so a laptop clock behind the server's does not fail joins. */
export const CLOCK_SKEW_SECONDS = 30;

function base64UrlJson(value) {
  return encoding.b64encode(JSON.stringify(value), "rawurl");
}

function required(name, value) {
  if (typeof value !== "string" || value === "") throw new Error(`livekit token: ${name} is required`);
  return value;
}

/**
 * The claims of a token that lets `identity` join `room`.
 * @param {{apiKey: string, identity: string, room: string, name?: string, nowSeconds: number, ttlSeconds?: number}} o
 */
export function joinClaims(o) {
  const now = Math.floor(o.nowSeconds);
  const claims = {
    iss: required("apiKey", o.apiKey),
    sub: required("identity", o.identity),
    nbf: now - CLOCK_SKEW_SECONDS,
    exp: now + (o.ttlSeconds ?? DEFAULT_TTL_SECONDS),
    video: { room: required("room", o.room), roomJoin: true },
  };
  if (o.name) claims.name = o.name;
  return claims;
}

/** Signs `claims` as a compact JWT (HS256, base64url without padding). */
export function signToken(claims, apiSecret) {
  const signingInput = `${base64UrlJson({ alg: "HS256", typ: "JWT" })}.${base64UrlJson(claims)}`;
  const signature = crypto.hmac("sha256", required("apiSecret", apiSecret), signingInput, "base64rawurl");
  return `${signingInput}.${signature}`;
}

/** A token for one participant joining one room. */
export function mintJoinToken(o) {
  return signToken(joinClaims(o), o.apiSecret);
}

/**
 * The WebSocket URL a client opens to join: `wss://<host>/rtc?access_token=...&auto_subscribe=1&...`.
 * Accepts the server URL as users write it (`https://`, `wss://`, with or without a trailing slash).
 */
export function signalUrl(serverUrl, token, opts = {}) {
  const base = required("serverUrl", serverUrl)
    .trim()
    .replace(/\/+$/, "")
    .replace(/^http(s?):\/\//, "ws$1://");
  if (!/^wss?:\/\/[^/]+/.test(base))
    throw new Error(`livekit url: expected wss://host or https://host, got ${serverUrl}`);
  const params = [
    ["access_token", required("token", token)],
    ["auto_subscribe", opts.autoSubscribe === false ? "0" : "1"],
    ["protocol", String(opts.protocol ?? LIVEKIT_PROTOCOL_VERSION)],
    ["sdk", opts.sdk ?? "js"],
    ["version", opts.version ?? "k6-signalling"],
  ];
  return `${base}/rtc?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")}`;
}
