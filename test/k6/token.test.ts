/**
 * k6/lib/token.js in Node (k6/crypto and k6/encoding shimmed with Node's crypto): the tokens it mints are
 * the JWTs livekit-server accepts, and the URL is the one its signalling endpoint reads.
 */
import { createHmac, timingSafeEqual } from "crypto";
import * as path from "path";
import { k6Crypto, k6Encoding, loadK6Module } from "../support/k6";
import { projectRoot } from "../support/stack-config";

const token = loadK6Module(path.join(projectRoot, "k6", "lib", "token.js"), {
  "k6/crypto": k6Crypto,
  "k6/encoding": k6Encoding,
});

const API_KEY = "APIk6LoadTest1";
const API_SECRET = "s3cr3t-0123456789abcdefghijklmnopqrstuvwxyz";
const NOW = 1_760_000_000;

const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
const mint = (over: Record<string, unknown> = {}) =>
  token.mintJoinToken({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    identity: "k6-abc123-7",
    room: "k6-signalling-0",
    nowSeconds: NOW,
    ...over,
  }) as string;

/** HS256 verification, independent of the module: what livekit-server's verifier does with the secret. */
function verifies(jwt: string, secret: string): boolean {
  const [header, payload, signature] = jwt.split(".");
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe("k6 LiveKit access tokens", () => {
  it("are compact JWTs signed HS256 with the API secret", () => {
    const jwt = mint();
    expect(jwt.split(".")).toHaveLength(3);
    expect(decode(jwt.split(".")[0])).toEqual({ alg: "HS256", typ: "JWT" });
    expect(verifies(jwt, API_SECRET)).toBe(true);
    expect(verifies(jwt, `${API_SECRET}x`)).toBe(false);
  });

  it("use base64url without padding in every part, whatever the lengths", () => {
    for (let n = 1; n <= 12; n++) {
      const jwt = mint({ identity: "x".repeat(n), room: "r".repeat(n) });
      expect(jwt).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      expect(verifies(jwt, API_SECRET)).toBe(true);
    }
  });

  it("carry exactly LiveKit's claims: iss = API key, sub = identity, nbf/exp, and a room-join video grant", () => {
    const claims = decode(mint().split(".")[1]);
    expect(claims).toEqual({
      iss: API_KEY,
      sub: "k6-abc123-7",
      nbf: NOW - token.CLOCK_SKEW_SECONDS,
      exp: NOW + token.DEFAULT_TTL_SECONDS,
      video: { room: "k6-signalling-0", roomJoin: true },
    });
  });

  it("name their grants as livekit/protocol's VideoGrant JSON tags do", () => {
    // auth/grants.go: `json:"roomJoin,omitempty"`, `json:"room,omitempty"`; ClaimGrants: `json:"video,omitempty"`, `json:"name,omitempty"`.
    const videoGrantTags = [
      "roomCreate",
      "roomList",
      "roomRecord",
      "roomAdmin",
      "roomJoin",
      "room",
      "canPublish",
      "canSubscribe",
      "canPublishData",
      "canPublishSources",
      "canUpdateOwnMetadata",
      "ingressAdmin",
      "hidden",
      "recorder",
      "agent",
    ];
    const claims = decode(mint({ name: "Load tester", ttlSeconds: 120 }).split(".")[1]);
    for (const key of Object.keys(claims.video)) expect(videoGrantTags).toContain(key);
    expect(claims.name).toBe("Load tester");
    expect(claims.exp - NOW).toBe(120);
  });

  it("encode non-ASCII identities as UTF-8", () => {
    expect(decode(mint({ identity: "тест-участник" }).split(".")[1]).sub).toBe("тест-участник");
  });

  it("refuse to mint without a key, secret, identity or room", () => {
    expect(() => mint({ apiKey: "" })).toThrow(/apiKey is required/);
    expect(() => mint({ apiSecret: undefined })).toThrow(/apiSecret is required/);
    expect(() => mint({ identity: "" })).toThrow(/identity/);
    expect(() => mint({ room: "" })).toThrow(/room/);
  });
});

describe("k6 signalling URL", () => {
  const jwt = "aaa.bbb.ccc";

  it("is /rtc on the server's WebSocket origin with the token and LiveKit's query parameters", () => {
    expect(token.signalUrl("wss://mumbai.livekit.example.com", jwt)).toBe(
      `wss://mumbai.livekit.example.com/rtc?access_token=aaa.bbb.ccc&auto_subscribe=1&protocol=${token.LIVEKIT_PROTOCOL_VERSION}&sdk=js&version=k6-signalling`,
    );
    expect(token.LIVEKIT_PROTOCOL_VERSION).toBe(16);
  });

  it("accepts the URL as users write it", () => {
    expect(token.signalUrl("https://mumbai.livekit.example.com/", jwt)).toMatch(
      /^wss:\/\/mumbai\.livekit\.example\.com\/rtc\?/,
    );
    expect(token.signalUrl("http://localhost:7880", jwt)).toMatch(/^ws:\/\/localhost:7880\/rtc\?/);
  });

  it("takes auto-subscribe and protocol options, and encodes values", () => {
    const url = new URL(
      token.signalUrl("wss://x.example.com", "a+b/c", { autoSubscribe: false, protocol: 15, version: "1.0 beta" }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      access_token: "a+b/c",
      auto_subscribe: "0",
      protocol: "15",
      sdk: "js",
      version: "1.0 beta",
    });
  });

  it("rejects what is not a server URL", () => {
    expect(() => token.signalUrl("mumbai.livekit.example.com", jwt)).toThrow(/expected wss:\/\/host/);
    expect(() => token.signalUrl("", jwt)).toThrow(/serverUrl is required/);
  });
});
