/** The example token service over HTTP: tokens, the demo redirect, and LiveKit's signed webhooks. */
import { createHash } from "crypto";
import type { AddressInfo } from "net";
import { AccessToken, TokenVerifier, WebhookReceiver } from "livekit-server-sdk";
import { RegionHealth } from "../../../examples/token-service/health";
import { InMemoryPinStore } from "../../../examples/token-service/pins";
import { RoomDirectory } from "../../../examples/token-service/room-directory";
import { createServer } from "../../../examples/token-service/server";
import { TokenService } from "../../../examples/token-service/token-service";

const platform = {
  regionUrls: { mumbai: "wss://mumbai.livekit.example.com", singapore: "wss://singapore.livekit.example.com" },
  apiKey: "APPexamplekey0001",
  apiSecret: "application-secret-0123456789abcdef0123456789",
};
const down = new Set<string>();
const health: RegionHealth = { status: async (r) => (down.has(r) ? "down" : "up") };
/** Room name -> SID in singapore, as its ListRooms would answer. */
const singaporeRooms = new Map<string, string>();
const rooms: RoomDirectory = {
  lookup: async (region, room) =>
    region === "singapore" && singaporeRooms.has(room) ? { sid: singaporeRooms.get(room)! } : "absent",
};
const pins = new InMemoryPinStore();
const events: string[] = [];
const server = createServer(
  new TokenService({ platform, pins, health, rooms, log: () => {} }),
  new WebhookReceiver(platform.apiKey, platform.apiSecret),
  {
    allowedOrigin: "https://app.example.com",
    onEvent: (e) => events.push(`${e.event} ${e.room ?? ""} ${e.sid ?? ""}`),
    log: () => {},
  },
);
let base: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

/** A webhook as LiveKit sends it: the body's SHA-256 in a JWT signed with the application key. */
async function webhook(body: object, secret = platform.apiSecret) {
  const text = JSON.stringify(body);
  const token = new AccessToken(platform.apiKey, secret);
  token.sha256 = createHash("sha256").update(text).digest("base64");
  return post("/livekit/webhook", text, {
    authorization: await token.toJwt(),
    "content-type": "application/webhook+json",
  });
}

describe("token service HTTP API", () => {
  it("POST /token returns the pinned region's URL and a token for it", async () => {
    const response = await post("/token", JSON.stringify({ room: "demo", identity: "alice", region: "singapore" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    const body = (await response.json()) as { url: string; token: string; region: string };
    expect(body).toMatchObject({ url: "wss://singapore.livekit.example.com", region: "singapore" });
    const claims = await new TokenVerifier(platform.apiKey, platform.apiSecret).verify(body.token);
    expect(claims).toMatchObject({ sub: "alice", video: { room: "demo", roomJoin: true } });
  });

  it("GET /regions lists the regions for the client's latency probe", async () => {
    expect(await (await fetch(`${base}/regions`)).json()).toEqual(platform.regionUrls);
  });

  it("GET /join redirects a browser to LiveKit Meet with the room's URL and a token (demo only)", async () => {
    const response = await fetch(`${base}/join?room=demo&identity=bob&region=mumbai`, { redirect: "manual" });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!);
    expect(location.origin + location.pathname).toBe("https://meet.livekit.io/custom");
    // The room was pinned by alice: bob goes to singapore too, whatever he hints.
    expect(location.searchParams.get("liveKitUrl")).toBe("wss://singapore.livekit.example.com");
    const claims = await new TokenVerifier(platform.apiKey, platform.apiSecret).verify(
      location.searchParams.get("token")!,
    );
    expect(claims).toMatchObject({ sub: "bob", video: { room: "demo" } });
  });

  it("answers 400 to a bad request and 503 when no region is up", async () => {
    expect((await post("/token", "not json")).status).toBe(400);
    expect((await post("/token", JSON.stringify({ room: "a b", identity: "x" }))).status).toBe(400);
    down.add("mumbai").add("singapore");
    try {
      expect((await post("/token", JSON.stringify({ room: "new-room", identity: "x" }))).status).toBe(503);
    } finally {
      down.clear();
    }
  });

  it("takes LiveKit's signed room_started and room_finished webhooks: the pin goes only with its own room", async () => {
    expect((await pins.get("demo"))?.region).toBe("singapore");
    singaporeRooms.set("demo", "RM_demo2");
    // As livekit v1.13.5 sends them: the whole Room, name and SID (pkg/telemetry/events.go).
    const room = { sid: "RM_demo2", name: "demo", emptyTimeout: 300, creationTime: "1700000000" };
    expect((await webhook({ event: "room_started", room, id: "EV_1", createdAt: "1700000000" })).status).toBe(200);
    expect(await pins.get("demo")).toMatchObject({ region: "singapore", sid: "RM_demo2" });
    // An older copy of the room ends: its room_finished leaves the pin alone.
    const older = { ...room, sid: "RM_demo1" };
    expect((await webhook({ event: "room_finished", room: older, id: "EV_2", createdAt: "1" })).status).toBe(200);
    expect(await pins.get("demo")).toMatchObject({ sid: "RM_demo2" });
    expect((await webhook({ event: "room_finished", room, id: "EV_3", createdAt: "2" })).status).toBe(200);
    expect(events).toEqual([
      "room_started demo RM_demo2",
      "room_finished demo RM_demo1",
      "room_finished demo RM_demo2",
    ]);
    expect(await pins.get("demo")).toBeUndefined();
  });

  it("refuses a webhook not signed with the application key", async () => {
    await pins.pinIfAbsent("kept", { region: "mumbai", pinnedAt: 0, sid: "RM_kept" });
    const response = await webhook({ event: "room_finished", room: { name: "kept", sid: "RM_kept" } }, "y".repeat(48));
    expect(response.status).toBe(401);
    expect(await pins.get("kept")).toBeDefined();
  });
});
